// What the live processor and the one-shot recompute share: the topics they touch and how
// a raw input record is decoded.
import { decodeGmcDoctor } from './gmc-doctors-source';
import { INPUT_SOURCES, type InputSource } from './inputs';
import type { Change } from './sources';
import { decodeChange } from './sources';
import type { GmcChange } from './state/gmc-doctor-state';
import { gmcNumberOf, type GmcNumberProblem } from '../rules/identity';
import type { Env } from '../platform/config';
import type { KafkaRecord } from '../platform/kafka';
import type { SchemaRegistryCodecs } from '../platform/registry';
import type { Refusal, Result } from '../platform/result';
import { topicSpecs, type TopicSpec, type Topics } from '../platform/topics';

export function inputTopicsOf(topics: Topics): Map<string, InputSource> {
  return new Map(INPUT_SOURCES.map((source) => [topics[source], source]));
}

/**
 * Every catalogue topic connections reads or writes. Debezium normally creates its inputs;
 * creating them as the catalogue says lets the stack start first.
 */
export function connectionsTopicSpecs(
  topics: Topics,
  partitions: number,
  env: Env = process.env,
): TopicSpec[] {
  return topicSpecs(
    topics,
    [...INPUT_SOURCES, 'connections', 'connectionChanges', 'dlq'],
    partitions,
    env,
  );
}

export type DecodedInput = Result<Change | GmcChange, Refusal>;

/** A raw input record to a change (the Debezium edge, or gmc.doctors' Avro), or why not. */
export function decodeInput(
  source: InputSource,
  record: KafkaRecord,
  codecs: SchemaRegistryCodecs,
): Promise<DecodedInput> {
  return source === 'gmcDoctors'
    ? decodeGmcDoctor(record, codecs)
    : decodeChange(source, record, codecs);
}

/**
 * The GMC number problem a decoded input shows, for the metric: a record refused for its
 * number, or a TCS GmcDetails row whose person therefore is not a doctor.
 */
export function gmcNumberProblemOf(decoded: DecodedInput): GmcNumberProblem | undefined {
  if (!decoded.ok) return decoded.error.gmcNumberProblem;
  const change = decoded.value;
  if (change.source === 'gmcDetails' && change.op === 'upsert') {
    const verdict = gmcNumberOf(change.row.gmcNumber);
    return verdict.ok ? undefined : verdict.error;
  }
  return undefined;
}
