// The connections processor: the topology of ./topology.ts on Kafka, with its state in local
// stores backed by changelogs (processors/streams), the Programme global table, and the
// midnight re-evaluation. Its dependencies come from ./runtime.ts.
//
//   raw CDC + gmc.doctors ─► source tables ─► memberships ─► persons ─► doctors ─► reval.connections
//                                                                (and reval.connection-changes)
//   tcs.tcs.Programme ─► global table (every instance) ─► re-derive the programme's doctors
//   clock: a new date ─► re-derive the doctors whose next re-evaluation date has come
//   anything unreadable ─► reval.dlq
//   GET /doctors/{gmcNumber} on the metrics port ─► the doctors store (interactive query)
import type { DeadLetterQueue } from '../platform/dead-letters';
import type { DesignatedBodyMap } from '../rules/designated-body';
import type { ConnectionsQueryConfig } from '../platform/config';
import type { KafkaClient, MessageProducer } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { countInvalidGmcNumber } from '../platform/metrics';
import type { SchemaRegistryCodecs } from '../platform/registry';
import type { RunningProcessor } from '../platform/running';
import type { Topics } from '../platform/topics';
import { stateBackend } from '../streams/backend';
import { StreamsRuntime } from '../streams/kafka-runtime';
import { watchForNewDate, type Clock } from './midnight';
import { followProgrammes } from './programme-table';
import { doctorRoute } from './queries/doctor-route';
import { lookupDoctor } from './queries/lookup';
import type { ProgrammeRow } from './sources';
import { reconcileProgramme, reevaluateDue, type DoctorsSettings } from './tasks/doctors';
import { connectionsTopology, STAGES } from './topology';
import { decodeInput, gmcNumberProblemOf } from './wiring';

export const PROCESSOR = 'connections';

export interface ConnectionsDeps {
  kafka: KafkaClient;
  producer: MessageProducer;
  codecs: SchemaRegistryCodecs;
  deadLetters: DeadLetterQueue;
  topics: Topics;
  logger: Logger;
  clock: Clock;
  settings: {
    /** Consumer group, and prefix of the changelog and repartition topics. */
    applicationId: string;
    /** Partitions of reval.connections (and the repartition topics): the unit of scaling. */
    partitions: number;
    stateDir: string;
    timeZone: string;
    designatedBodies: DesignatedBodyMap;
    /** How often the date is checked for the midnight re-evaluation. */
    reevaluationCheckMs: number;
    /** GET /doctors/{gmcNumber}: this instance's advertised URL and the query token. */
    query: ConnectionsQueryConfig;
  };
}

export interface RunningConnections extends RunningProcessor {
  isReady(): boolean;
  /** Re-derives every doctor whose next re-evaluation date has come (what midnight does). */
  reevaluateDue(): Promise<void>;
  /** Local store sizes of the tasks this instance owns. */
  storeSizes(): ReturnType<StreamsRuntime['storeSizes']>;
  /** Since start: changelog records restored, and input records processed by topic. */
  stateReport(): { restoredRecords: number; consumed: Record<string, number> };
}

export async function start(deps: ConnectionsDeps): Promise<RunningConnections> {
  const { kafka, producer, codecs, deadLetters, topics, logger, clock, settings } = deps;
  const programmes = new Map<number, ProgrammeRow>();
  const doctors: DoctorsSettings = {
    designatedBodies: settings.designatedBodies,
    timeZone: settings.timeZone,
    programmes,
  };

  // What flows where, and the pure step each record takes (./topology.ts, ./tasks).
  const topology = connectionsTopology({
    applicationId: settings.applicationId,
    topics,
    partitions: settings.partitions,
    doctors,
    decodeSource: async (source, record) => {
      const decoded = await decodeInput(source, record, codecs);
      countInvalidGmcNumber(PROCESSOR, record.topic, gmcNumberProblemOf(decoded));
      return decoded;
    },
    encodeConnection: (record) => codecs.encode('connection', record),
    encodeConnectionChange: (change) => codecs.encode('connectionChange', change),
  });
  // Sources and sinks: Kafka, with stores restored from their changelogs.
  const runtime = new StreamsRuntime({
    kafka,
    producer,
    deadLetters,
    topology,
    backend: stateBackend(),
    stateDir: settings.stateDir,
    logger,
    now: () => clock.now(),
    advertisedUrl: settings.query.advertisedUrl,
    // An edit made while a task was stopped or elsewhere is caught when the task starts.
    afterRestore: (sub, context) => {
      if (sub.name !== STAGES.doctors) return;
      for (const id of programmes.keys()) reconcileProgramme(id, context, doctors, 'RESTORE');
    },
  });
  // The global table first, so that no doctor is derived without its programme.
  const programmeTable = await followProgrammes(
    kafka,
    codecs,
    deadLetters,
    { topic: topics.programme, rows: programmes, logger },
    (id) =>
      runtime.punctuate(STAGES.doctors, (context) => reconcileProgramme(id, context, doctors)),
  );
  await runtime.start();

  const reevaluate = () =>
    runtime.punctuate(STAGES.doctors, (context) => {
      const due = reevaluateDue(context, doctors);
      if (due > 0) logger.info({ partition: context.partition, due }, 're-evaluated due doctors');
    });
  const midnight = watchForNewDate({
    clock,
    timeZone: settings.timeZone,
    checkMs: settings.reevaluationCheckMs,
    logger,
    onNewDate: reevaluate,
  });
  logger.info(
    { applicationId: settings.applicationId, partitions: settings.partitions },
    'connections processor started',
  );

  return {
    isReady: () => runtime.isReady(),
    routes: [
      doctorRoute({
        lookup: (gmcNumber, at) => lookupDoctor(runtime, gmcNumber, at, doctors),
        token: settings.query.token,
        logger,
        now: () => clock.now(),
      }),
    ],
    reevaluateDue: reevaluate,
    storeSizes: () => runtime.storeSizes(),
    stateReport: () => ({
      restoredRecords: runtime.restored,
      consumed: Object.fromEntries(runtime.consumed),
    }),
    stop: async () => {
      midnight.stop();
      await programmeTable.stop();
      await runtime.stop();
    },
  };
}
