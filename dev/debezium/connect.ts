// A small model of Kafka Connect schemas and records, and the JsonConverter's two outputs
// (schemas.enable=true: {"schema", "payload"}; false: the payload alone). Debezium builds
// Connect records; the converter configured on the connector turns them into bytes, so the
// factory does the same. Test support: no jest here (it is compiled into dist for the demo).

export type ConnectType = 'struct' | 'string' | 'int64' | 'int32' | 'boolean' | 'array';

export interface ConnectSchema {
  type: ConnectType;
  optional: boolean;
  name?: string;
  version?: number;
  parameters?: Record<string, string>;
  default?: unknown;
  fields?: ConnectField[];
  items?: ConnectSchema;
}

export interface ConnectField extends ConnectSchema {
  field: string;
}

/** One record as Debezium hands it to the converter. */
export interface ConnectRecord {
  topic: string;
  keySchema: ConnectSchema | null;
  key: unknown;
  valueSchema: ConnectSchema | null;
  /** null for a tombstone. */
  value: unknown;
}

export function field(name: string, schema: ConnectSchema): ConnectField {
  return { ...schema, field: name };
}

export function struct(
  name: string | undefined,
  fields: ConnectField[],
  optional = false,
  version?: number,
): ConnectSchema {
  return { type: 'struct', optional, name, version, fields };
}

export const optional = (schema: ConnectSchema): ConnectSchema => ({ ...schema, optional: true });

export const STRING: ConnectSchema = { type: 'string', optional: false };
export const INT64: ConnectSchema = { type: 'int64', optional: false };
export const INT32: ConnectSchema = { type: 'int32', optional: false };
export const BOOLEAN: ConnectSchema = { type: 'boolean', optional: false };
export const JSON_TEXT: ConnectSchema = {
  type: 'string',
  optional: true,
  name: 'io.debezium.data.Json',
  version: 1,
};
export const DEBEZIUM_DATE: ConnectSchema = {
  type: 'int32',
  optional: true,
  name: 'io.debezium.time.Date',
  version: 1,
};
export const DEBEZIUM_TIMESTAMP: ConnectSchema = {
  type: 'int64',
  optional: true,
  name: 'io.debezium.time.Timestamp',
  version: 1,
};
export const ZONED_TIMESTAMP: ConnectSchema = {
  type: 'string',
  optional: true,
  name: 'io.debezium.time.ZonedTimestamp',
  version: 1,
};
export const CONNECT_TIMESTAMP: ConnectSchema = {
  type: 'int64',
  optional: true,
  name: 'org.apache.kafka.connect.data.Timestamp',
  version: 1,
};

/** The key order JsonConverter writes, so the bytes read like the real thing. */
function schemaJson(schema: ConnectSchema): Record<string, unknown> {
  const out: Record<string, unknown> = { type: schema.type };
  if (schema.type === 'struct') out.fields = (schema.fields ?? []).map(schemaJson);
  if (schema.type === 'array' && schema.items) out.items = schemaJson(schema.items);
  out.optional = schema.optional;
  if (schema.name !== undefined) out.name = schema.name;
  if (schema.version !== undefined) out.version = schema.version;
  if (schema.parameters !== undefined) out.parameters = schema.parameters;
  if (schema.default !== undefined) out.default = schema.default;
  if ('field' in schema) out.field = (schema as ConnectField).field;
  return out;
}

/** JSON.stringify that writes bigints as exact JSON numbers (Connect int64 can exceed 2^53). */
export function stringifyExact(value: unknown): string {
  const marker = '\u0000bigint:';
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? `${marker}${v.toString()}` : v,
  );
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

export function jsonBytes(
  schema: ConnectSchema | null,
  payload: unknown,
  schemas: boolean,
): Buffer | null {
  if (payload === null) return null;
  const body = schemas ? { schema: schema === null ? null : schemaJson(schema), payload } : payload;
  return Buffer.from(stringifyExact(body), 'utf8');
}
