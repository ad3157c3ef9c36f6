// What every Debezium value shares, whatever the connector: the JsonConverter's optional
// schema/payload wrapper, the envelope's `op`, and the flat form the ExtractNewRecordState /
// ExtractNewDocumentState transforms leave, with their ways of marking a delete.
import { instantOf } from './fields';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Kafka Connect schema as JsonConverter embeds it (schemas.enable=true). */
export interface ConnectSchema {
  type: string;
  name?: string;
  field?: string;
  fields?: ConnectSchema[];
}

export interface Unwrapped {
  payload: unknown;
  schema: ConnectSchema | null;
}

/** Splits JsonConverter's {schema, payload}; anything else is its own payload. */
export function unwrap(value: unknown): Unwrapped {
  if (
    isObject(value) &&
    Object.keys(value).length === 2 &&
    'payload' in value &&
    isObject(value.schema) &&
    typeof value.schema.type === 'string'
  ) {
    return { payload: value.payload, schema: value.schema as unknown as ConnectSchema };
  }
  return { payload: value, schema: null };
}

/** A change-event envelope rather than a flattened row: it has `op` and `source`. */
export function isEnvelope(value: Json): boolean {
  return typeof value.op === 'string' && isObject(value.source);
}

/** The transforms mark a delete with `__deleted` (rewrite mode) or `__op` (add.fields=op). */
export function isFlatDelete(value: Json): boolean {
  return value.__deleted === true || value.__deleted === 'true' || value.__op === 'd';
}

/** The schema of field `name` of a struct schema, if the value came with one. */
export function fieldSchema(schema: ConnectSchema | null, name: string): ConnectSchema | null {
  return schema?.fields?.find((field) => field.field === name) ?? null;
}

const MILLIS_PER_UNIT: Record<string, number> = {
  'io.debezium.time.Timestamp': 1,
  'org.apache.kafka.connect.data.Timestamp': 1,
  'io.debezium.time.MicroTimestamp': 1e-3,
  'io.debezium.time.NanoTimestamp': 1e-6,
};

/**
 * With a schema we know what a number means: turns DATETIME-like columns (epoch millis,
 * micros or nanos) and ZonedTimestamp text into Dates, so that a date column stored as a
 * DATETIME still reads as its calendar date. Without a schema (Avro, schemaless JSON) the
 * validators see the raw value and refuse numbers that cannot be days.
 */
export function applyTemporalSchema(row: Json, schema: ConnectSchema | null): Json {
  if (!schema?.fields) return row;
  const result: Json = { ...row };
  for (const field of schema.fields) {
    const value = row[field.field ?? ''];
    if (value === null || value === undefined || !field.name || !field.field) continue;
    const unit = MILLIS_PER_UNIT[field.name];
    if (unit !== undefined && typeof value === 'number') {
      result[field.field] = new Date(Math.floor(value * unit));
    } else if (field.name === 'io.debezium.time.ZonedTimestamp' && typeof value === 'string') {
      // Left as text when invalid, for the validator to name the field.
      result[field.field] = instantOf(value) ?? value;
    }
  }
  return result;
}
