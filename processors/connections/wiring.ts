// What the live processor and the one-shot recompute share: the topics they touch and how
// a raw input record is decoded.
import { decodeGmcDoctor } from './gmc-doctors-source';
import { INPUT_SOURCES, type InputSource } from './inputs';
import { decodeChange, type Change, type DecodeError } from './sources';
import type { GmcChange } from './state/gmc-doctor-state';
import { gmcNumberOf, type GmcNumberProblem } from '../rules/identity';
import { gmcTopicSpecs } from '../gmc-fetch/topics';
import type { Topics } from '../platform/config';
import type { KafkaClient, KafkaRecord } from '../platform/kafka';
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

/** A raw input record to a change (the Debezium edge, or gmc.doctors' Avro), or why not. */
export function decodeInput(
  source: InputSource,
  record: KafkaRecord,
  codecs: SchemaRegistryCodecs,
) {
  return source === 'gmcDoctors'
    ? decodeGmcDoctor(record, codecs)
    : decodeChange(source, record, codecs);
}

/**
 * The GMC number problem a decoded input shows, for the metric: a record refused for its
 * number, or a TCS GmcDetails row whose person therefore is not a doctor.
 */
export function gmcNumberProblemOf(
  decoded: Change | GmcChange | DecodeError,
): GmcNumberProblem | undefined {
  if ('error' in decoded) return decoded.gmcNumberProblem;
  if (decoded.source === 'gmcDetails' && decoded.op === 'upsert') {
    return gmcNumberOf(decoded.row.gmcNumber).problem;
  }
  return undefined;
}
