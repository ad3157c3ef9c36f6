// The connections topology: what flows where (the rules of each stage are in ./tasks).
//
//   tcs.tcs.{ContactDetails,GmcDetails,Person}, tis.revalidation.doctorsForDB, gmc.doctors
//        └─ source tables (route by own key) ───────────────┐
//   tcs.tcs.{Placement,CurriculumMembership}, tis.revalidation.{exceptionLogs,connectionLogs,
//   hiddenDiscrepancy,recommendation}
//        └─ source tables (route by parent; store: <source>-links) ─┐
//   tcs.tcs.ProgrammeMembership ─► memberships-repartition (uuid)   │
//        └─ memberships (store: memberships) ─► persons-repartition (person id)
//        └─ persons (store: persons) ─► doctors-repartition (GMC number)
//        └─ doctors (stores: doctors + indexes; Programme global table) ─► reval.connections
//                                                  and each change of status ─► reval.connection-changes
//   anything unreadable ─► reval.dlq
//
// Every stage is keyed and partitioned by what it joins on, so N instances each hold about
// 1/N of the state, and every store is restored from its compacted changelog.
import type { Topics } from '../platform/topics';
import type { KafkaRecord } from '../platform/kafka';
import { ok, refuse } from '../platform/result';
import { decodeValue, encodeValue } from '../streams/values';
import type { Sink, SubTopology, Topology } from '../streams/topology';
import { VERSION_HEADER, type ConnectionChange, type ConnectionRecord } from './connection-record';
import type { InputSource } from './inputs';
import type { DecodedInput } from './wiring';
import {
  applyDoctorChange,
  DOCTORS_STORES,
  reconcileChangedDoctors,
  type DoctorsSettings,
  type VersionedConnection,
} from './tasks/doctors';
import { applyMembershipChange, MEMBERSHIPS_STORE } from './tasks/memberships';
import {
  inputOrigin,
  type DoctorMessage,
  type MembershipMessage,
  type PersonMessage,
} from './tasks/messages';
import { applyPersonChange, PERSONS_STORE } from './tasks/persons';
import {
  LINKED_SOURCES,
  linkStoreOf,
  routeSourceChange,
  SINKS,
  type LinkedSource,
  type SourceChange,
} from './tasks/source-tables';

/** The raw inputs read by stage 1; Programme is read apart, as a global table. */
export const ROUTED_SOURCES = [
  'contactDetails',
  'gmcDetails',
  'person',
  'programmeMembership',
  'curriculumMembership',
  'placement',
  'doctorsForDB',
  'exceptionLogs',
  'connectionLogs',
  'hiddenDiscrepancy',
  'recommendation',
  'gmcDoctors',
] as const satisfies readonly InputSource[];

export const STAGES = {
  memberships: 'memberships',
  persons: 'persons',
  doctors: 'doctors',
} as const;

export interface ConnectionsTopologyOptions {
  applicationId: string;
  topics: Topics;
  /** Partitions of the repartition topics and reval.connections: the unit of scaling. */
  partitions: number;
  doctors: DoctorsSettings;
  /** Raw input bytes to a change (the Debezium edge, or gmc.doctors' Avro). */
  decodeSource(source: InputSource, record: KafkaRecord): Promise<DecodedInput>;
  encodeConnection(record: ConnectionRecord): Promise<Buffer> | Buffer;
  encodeConnectionChange(change: ConnectionChange): Promise<Buffer> | Buffer;
}

export function repartitionTopic(applicationId: string, stage: string): string {
  return `${applicationId}-${stage}-repartition`;
}

export function connectionsTopology(options: ConnectionsTopologyOptions): Topology {
  const { applicationId, topics, partitions } = options;
  const internal = (stage: string) => repartitionTopic(applicationId, stage);
  const internalSink = (name: string, stage: string): Sink<unknown> => ({
    name,
    topic: internal(stage),
    partitions,
    serialize: encodeValue,
  });
  const readInternal = (record: KafkaRecord) =>
    record.value === null
      ? refuse('repartition record without a value')
      : ok(decodeValue<never>(record.value));

  const sourceTables = ROUTED_SOURCES.map((source): SubTopology<SourceChange> => ({
    name: `source-${source}`,
    source: topics[source],
    stores: (LINKED_SOURCES as readonly string[]).includes(source)
      ? [linkStoreOf(source as LinkedSource)]
      : [],
    deserialize: async (record) => {
      const decoded = await options.decodeSource(source, record);
      if (!decoded.ok) return decoded;
      // Programme is a global table; its topic never reaches a source table.
      if (decoded.value.source === 'programme') {
        return refuse('a Programme change on a routed topic');
      }
      const { sourcePosition, sourceTime, ...change } = decoded.value;
      return ok({
        ...change,
        origin: inputOrigin(record, { sourcePosition, sourceTime }),
      } as SourceChange);
    },
    process: (_key, change, context) => routeSourceChange(change, context),
  }));
  const memberships: SubTopology<MembershipMessage> = {
    name: STAGES.memberships,
    source: internal(STAGES.memberships),
    stores: [MEMBERSHIPS_STORE],
    deserialize: readInternal,
    process: applyMembershipChange,
  };
  const persons: SubTopology<PersonMessage> = {
    name: STAGES.persons,
    source: internal(STAGES.persons),
    stores: [PERSONS_STORE],
    deserialize: readInternal,
    process: applyPersonChange,
  };
  const doctors: SubTopology<DoctorMessage> = {
    name: STAGES.doctors,
    source: internal(STAGES.doctors),
    stores: DOCTORS_STORES,
    deserialize: readInternal,
    process: (gmc, message, context) => applyDoctorChange(gmc, message, context, options.doctors),
    beforeCommit: (doctors, context) => reconcileChangedDoctors(doctors, context, options.doctors),
  };
  const connectionsSink: Sink<VersionedConnection> = {
    name: SINKS.connections,
    topic: topics.connections,
    partitions,
    serialize: ({ record }) => (record ? options.encodeConnection(record) : null),
    headers: ({ version }) => ({ [VERSION_HEADER]: String(version) }),
  };
  // Keyed and partitioned as reval.connections, and sent with it before the commit.
  const changesSink: Sink<ConnectionChange> = {
    name: SINKS.connectionChanges,
    topic: topics.connectionChanges,
    partitions,
    serialize: (change) => options.encodeConnectionChange(change),
    headers: ({ version }) => ({ [VERSION_HEADER]: String(version) }),
  };
  return {
    applicationId,
    subTopologies: [...sourceTables, memberships, persons, doctors] as SubTopology<never>[],
    sinks: [
      internalSink(SINKS.memberships, STAGES.memberships),
      internalSink(SINKS.persons, STAGES.persons),
      internalSink(SINKS.doctors, STAGES.doctors),
      connectionsSink,
      changesSink,
    ] as Sink<never>[],
    internalTopics: Object.values(STAGES).map((stage) => ({ topic: internal(stage), partitions })),
  };
}
