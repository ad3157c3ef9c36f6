// What `reval explain` needs of the connections processor (an entry file for the CLI,
// eslint.boundaries.mjs): the answer's shape, the parsing the endpoint does, and the reads
// that need no running instance — the doctor's state from the doctors store's changelog, the
// Programme topic for programme names, the dead letters that concern the doctor, and the
// doctor's history.
import {
  connectionsConfig,
  elasticsearchConfig,
  kafkaConfig,
  registryConfig,
  timeZone,
  type Env,
} from '../platform/config';
import { loadDesignatedBodies } from '../platform/designated-bodies';
import { ElasticsearchClient, type EsDocument } from '../platform/elasticsearch';
import { KafkaClient, ownerOf } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { SchemaRegistryCodecs } from '../platform/registry';
import { topicsOf, type Topics } from '../platform/topics';
import { changelogTopic } from '../streams/topology';
import { decodeValue } from '../streams/values';
import { readProgrammes } from './programme-table';
import type { DoctorExplanation } from './queries/answer';
import { deadLettersOfDoctor, type DoctorDeadLetter } from './queries/dead-letters';
import { explainState } from './queries/explain-state';
import { historyEntryOf, inOrder, type HistoryAnswer } from './queries/history';
import { DOCTORS_STORE, type DoctorState } from './tasks/doctors';
import { repartitionTopic, STAGES } from './topology';

export type { DoctorExplanation, StoreOwner } from './queries/answer';
export type { DoctorDeadLetter } from './queries/dead-letters';
export type { ChangeCause, HistoryAnswer, HistoryEntry, StatusSnapshot } from './queries/history';
export type { ExplainedRow } from './tasks/doctor-inputs';
export { parseGmcNumber, parseInstant } from './queries/doctor-route';

/** Kafka and the registry for a one-off read; `close` releases them. */
export interface ExplainClients {
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  topics: Topics;
  env: Env;
  close(): Promise<void>;
}

export function openExplainClients(env: Env): ExplainClients {
  const topics = topicsOf(env);
  // A command's own reads: kafkajs's chatter stays out of its output.
  const kafka = new KafkaClient(kafkaConfig(env), createLogger('explain', 'error'));
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topics);
  return { kafka, codecs, topics, env, close: () => kafka.disconnect() };
}

/** Where the changelog path read the doctor's state: the last record for the key. */
export interface ChangelogRead {
  topic: string;
  partition: number;
  /** The offset of the record read; null when the changelog holds none for the doctor. */
  offset: string | null;
}

export type ChangelogAnswer =
  | { kind: 'found'; explanation: DoctorExplanation; read: ChangelogRead }
  | { kind: 'unknown'; read: ChangelogRead }
  /** The changelog topic does not exist: connections never ran with this application id. */
  | { kind: 'no-changelog'; topic: string };

/**
 * The doctor's explanation from the changelogs, as an instance that owned the doctor would
 * give it: the committed state (the latest changelog record for the key) and the Programme
 * table as its topic holds it now.
 */
export async function explainFromChangelogs(
  clients: ExplainClients,
  gmcNumber: string,
  at: Date,
): Promise<ChangelogAnswer> {
  const { kafka, codecs, topics, env } = clients;
  const { groupId } = connectionsConfig(env);
  const settings = { designatedBodies: loadDesignatedBodies(env), timeZone: timeZone(env) };
  const topic = changelogTopic(groupId, DOCTORS_STORE);
  if (!(await kafka.topicExists(topic))) return { kind: 'no-changelog', topic };
  const { partition, records } = await kafka.recordsOfKey(topic, gmcNumber);
  const last = records.at(-1);
  const read: ChangelogRead = { topic, partition, offset: last?.offset ?? null };
  if (!last?.value) return { kind: 'unknown', read };
  const state = decodeValue<DoctorState>(last.value);
  const programmes = await readProgrammes(kafka, codecs, topics.programme);
  const group = await kafka.groupMembers(groupId);
  const owner = ownerOf(group, repartitionTopic(groupId, STAGES.doctors), partition);
  return {
    kind: 'found',
    read,
    explanation: {
      gmcReferenceNumber: gmcNumber,
      partition,
      owner: owner ? { instance: owner.memberId, url: owner.url } : null,
      ...explainState(gmcNumber, state, { ...settings, programmes }, at),
      at: at.toISOString(),
    },
  };
}

/** The dead letters that name the doctor or the TIS persons in its explanation. */
export function deadLettersOf(
  clients: ExplainClients,
  explanation: Pick<DoctorExplanation, 'gmcReferenceNumber' | 'rows'>,
): Promise<DoctorDeadLetter[]> {
  const personIds = explanation.rows.filter((row) => row.source === 'person').map((row) => row.key);
  return deadLettersOfDoctor(
    clients.kafka,
    clients.codecs,
    clients.topics,
    explanation.gmcReferenceNumber,
    personIds,
  );
}

/** More changes than one doctor makes in the topic's 400-day retention. */
const HISTORY_LIMIT = 10_000;

/**
 * The doctor's changes, each once, oldest first: from the history alias (es-sink's
 * `connectionhistory`, under ES_INDEX_PREFIX) when one is given, else, or when the alias
 * cannot be read, from the doctor's partition of reval.connection-changes.
 */
export async function readDoctorHistory(
  clients: ExplainClients,
  gmcNumber: string,
  options: { alias?: string } = {},
): Promise<HistoryAnswer> {
  const { env, kafka, codecs, topics } = clients;
  let unread = '';
  if (options.alias !== undefined) {
    const elasticsearch = new ElasticsearchClient(
      elasticsearchConfig(env),
      createLogger('explain', 'error'),
    );
    try {
      const hits = await elasticsearch.search(
        options.alias,
        { term: { gmcReferenceNumber: gmcNumber } },
        HISTORY_LIMIT,
      );
      return {
        from: 'elasticsearch',
        where: `the Elasticsearch alias ${options.alias}`,
        entries: inOrder(hits.map((hit) => historyEntryOf(hit.source))),
      };
    } catch (error) {
      unread = ` (the alias ${options.alias} could not be read: ${error instanceof Error ? error.message : String(error)})`;
    } finally {
      await elasticsearch.close();
    }
  }
  const topic = topics.connectionChanges;
  const { partition, records } = await kafka.recordsOfKey(topic, gmcNumber);
  const entries = [];
  for (const record of records) {
    if (record.value === null) continue;
    entries.push(historyEntryOf((await codecs.decode(record.value)) as EsDocument));
  }
  return {
    from: 'topic',
    where: `${topic} partition ${partition}${unread}`,
    entries: inOrder(entries),
  };
}
