// Bytes to change: decodes the Kafka key and value (Confluent-framed Avro through the schema
// registry, otherwise JSON from the JsonConverter), then normalises. Bad input is returned as
// a reason, never thrown, so the caller can dead-letter it and carry on. A registry that
// cannot answer is thrown: that is no fault of the record, and the batch is read again.
import type { KafkaRecord } from '../../platform/kafka';
import { isRegistryEncoded, RegistryUnavailableError } from '../../platform/registry';
import { ok, refuse, type Refusal, type Result } from '../../platform/result';
import type { Change, SourceName } from './changes';
import { normaliseEnvelope } from './normalise';

/** The part of SchemaRegistryCodecs the edge needs. */
export interface AvroDecoder {
  decode(buffer: Buffer): Promise<unknown>;
}

async function decodeBytes(
  bytes: Buffer | null,
  what: string,
  codecs: AvroDecoder,
): Promise<Result<unknown, Refusal>> {
  if (bytes === null) return ok(null);
  // Kept in a boolean: the type guard would narrow `bytes` to never below.
  const framed: boolean = isRegistryEncoded(bytes);
  if (framed) {
    try {
      return ok(await codecs.decode(bytes));
    } catch (error) {
      if (error instanceof RegistryUnavailableError) throw error; // not the record's fault
      return refuse(`${what}: cannot decode registry Avro: ${(error as Error).message}`);
    }
  }
  try {
    return ok(parseConnectJson(bytes.toString('utf8')));
  } catch {
    return refuse(`${what}: neither registry-framed Avro nor JSON (${bytes.length} bytes)`);
  }
}

// JsonConverter with schemas.enable=true repeats the same ~3 KB schema in every message;
// parsing it once per distinct text and only the payload each time is several times faster.
const SCHEMA_PREFIX = '{"schema":';
const PAYLOAD_KEY = ',"payload":';
const parsedSchemas = new Map<string, unknown>();
const MAX_CACHED_SCHEMAS = 256;

/**
 * JSON.parse, with the schema of a schema/payload wrapper taken from a cache. The schema's
 * own keys (type, fields, field, optional, name, ...) never include "payload", so the first
 * `,"payload":` ends it; anything unexpected falls back to parsing the whole text.
 */
export function parseConnectJson(text: string): unknown {
  const end = text.startsWith(SCHEMA_PREFIX) ? text.indexOf(PAYLOAD_KEY) : -1;
  if (end < 0 || !text.endsWith('}')) return JSON.parse(text);
  const schemaText = text.slice(SCHEMA_PREFIX.length, end);
  let schema = parsedSchemas.get(schemaText);
  if (schema === undefined) {
    schema = JSON.parse(schemaText) as unknown;
    if (parsedSchemas.size >= MAX_CACHED_SCHEMAS) parsedSchemas.clear();
    parsedSchemas.set(schemaText, schema);
  }
  const payload = JSON.parse(text.slice(end + PAYLOAD_KEY.length, -1)) as unknown;
  return { schema, payload };
}

export async function decodeChange(
  source: SourceName,
  record: KafkaRecord,
  codecs: AvroDecoder,
): Promise<Result<Change, Refusal>> {
  const key = await decodeBytes(record.key, `${source} key`, codecs);
  if (!key.ok) return key;
  const value = await decodeBytes(record.value, `${source} value`, codecs);
  if (!value.ok) return value;
  return normaliseEnvelope(source, key.value, value.value);
}
