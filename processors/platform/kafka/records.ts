// kafkajs's decoded messages → our KafkaRecord: one conversion shared by the group consumer
// and the partition fetcher, so both hand processors the same shape (Buffer headers, one
// value per header name).
import type { KafkaRecord } from './types';

export function toKafkaRecord(
  topic: string,
  partition: number,
  message: {
    offset: string;
    key?: Buffer | null;
    value: Buffer | null;
    timestamp: string;
    headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  },
): KafkaRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: toHeaderBuffers(message.headers),
    timestamp: message.timestamp,
  };
}

function toHeaderBuffers(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
): Record<string, Buffer> {
  const result: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    result[name] = Buffer.isBuffer(first) ? first : Buffer.from(String(first));
  }
  return result;
}

/** The position after an offset given as kafkajs's decimal string. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
