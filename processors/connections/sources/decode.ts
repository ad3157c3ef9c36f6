// Bytes to change: decodes the Kafka key and value (Confluent-framed Avro through the schema
// registry, otherwise JSON from the JsonConverter), then normalises. Bad input is returned as
// a reason, never thrown, so the caller can dead-letter it and carry on.
import type { KafkaRecord } from '../../platform/kafka';
import { isRegistryEncoded } from '../../platform/registry';
import type { Change, DecodeError, SourceName } from './changes';
import { normaliseEnvelope } from './normalise';

/** The part of SchemaRegistryCodecs the edge needs. */
export interface AvroDecoder {
  decode(buffer: Buffer): Promise<unknown>;
}

async function decodeBytes(
  bytes: Buffer | null,
  what: string,
  codecs: AvroDecoder,
): Promise<{ value: unknown } | DecodeError> {
  if (bytes === null) return { value: null };
  // Kept in a boolean: the type guard would narrow `bytes` to never below.
  const framed: boolean = isRegistryEncoded(bytes);
  if (framed) {
    try {
      return { value: await codecs.decode(bytes) };
    } catch (error) {
      return { error: `${what}: cannot decode registry Avro: ${(error as Error).message}` };
    }
  }
  try {
    return { value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { error: `${what}: neither registry-framed Avro nor JSON (${bytes.length} bytes)` };
  }
}

export async function decodeChange(
  source: SourceName,
  record: KafkaRecord,
  codecs: AvroDecoder,
): Promise<Change | DecodeError> {
  const key = await decodeBytes(record.key, `${source} key`, codecs);
  if ('error' in key) return key;
  const value = await decodeBytes(record.value, `${source} value`, codecs);
  if ('error' in value) return value;
  return normaliseEnvelope(source, key.value, value.value);
}
