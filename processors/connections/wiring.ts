// What the live processor and the one-shot recompute share: the topics they touch, decoding
// and applying a batch of input records, and writing derived records.
import { VERSION_HEADER } from './connection-record';
import type { ConnectionsEngine, OutputRecord } from './engine';
import { decodeGmcDoctor } from './gmc-doctors-source';
import { INPUT_SOURCES, type InputSource } from './inputs';
import { decodeChange } from './sources';
import { gmcTopicSpecs } from '../gmc-fetch/topics';
import type { Topics } from '../platform/config';
import {
  partitionForKey,
  type KafkaClient,
  type KafkaRecord,
  type MessageProducer,
} from '../platform/kafka';
import type { SchemaRegistryCodecs } from '../platform/registry';

export function inputTopicsOf(topics: Topics): Map<string, InputSource> {
  return new Map(INPUT_SOURCES.map((source) => [topics[source], source]));
}

export async function ensureConnectionsTopics(
  kafka: KafkaClient,
  topics: Topics,
  partitions: number,
): Promise<void> {
  await kafka.ensureTopics([
    // gmc.doctors as the GMC sync creates it, whichever processor starts first.
    ...gmcTopicSpecs(topics),
    // Debezium normally creates these; creating them (compacted) lets the stack start first.
    ...[...inputTopicsOf(topics).keys()]
      .filter((topic) => topic !== topics.gmcDoctors)
      .map((topic) => ({ topic, compacted: true })),
    { topic: topics.connections, compacted: true, partitions },
    { topic: topics.dlq, compacted: false },
  ]);
}

export interface AppliedBatch {
  affected: Set<string>;
  failures: { record: KafkaRecord; reason: string }[];
}

/** Decodes each record, applies it to the join, and says which doctors it may have changed. */
export async function applyInputRecords(
  engine: ConnectionsEngine,
  codecs: SchemaRegistryCodecs,
  source: InputSource,
  records: KafkaRecord[],
): Promise<AppliedBatch> {
  const affected = new Set<string>();
  const failures: AppliedBatch['failures'] = [];
  for (const record of records) {
    const decoded =
      source === 'gmcDoctors'
        ? await decodeGmcDoctor(record, codecs)
        : await decodeChange(source, record, codecs);
    const change = 'error' in decoded ? decoded : engine.resolvePatch(decoded);
    if ('error' in change) failures.push({ record, reason: change.error });
    else for (const key of engine.apply(change)) affected.add(key);
  }
  return { affected, failures };
}

/** Writes derived records to reval.connections, each on its key's partition, versioned. */
export async function writeConnections(
  producer: MessageProducer,
  codecs: SchemaRegistryCodecs,
  topic: string,
  partitions: number,
  records: OutputRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const messages = [];
  for (const record of records) {
    messages.push({
      key: record.key,
      partition: partitionForKey(record.key, partitions),
      value: record.value ? await codecs.encode('connection', record.value) : null,
      headers: { [VERSION_HEADER]: String(record.version) },
    });
  }
  await producer.send(topic, messages);
}

/** Reads what reval.connections already holds into the engine (highest version per doctor). */
export async function rememberConnections(
  engine: ConnectionsEngine,
  codecs: SchemaRegistryCodecs,
  records: KafkaRecord[],
  onUndecodable: (record: KafkaRecord, error: unknown) => void,
): Promise<void> {
  for (const record of records) {
    const key = record.key?.toString('utf8');
    if (!key) continue;
    const version = Number(record.headers[VERSION_HEADER]?.toString() ?? 0);
    try {
      const value = record.value ? await codecs.decode(record.value) : null;
      engine.remember(
        key,
        (value as { version?: number } | null)?.version ?? version,
        value as never,
      );
    } catch (error) {
      onUndecodable(record, error);
    }
  }
}
