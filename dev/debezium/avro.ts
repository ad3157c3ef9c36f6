// Debezium's records through Confluent's AvroConverter: Connect schemas become Avro schemas
// the way AvroData maps them (records named after the Connect name, optional fields as
// ["null", T] unions with default null, connect.name / connect.version / connect.parameters
// annotations), registered under <topic>-key / <topic>-value, and framed as magic byte 0,
// 4-byte schema id, Avro body.
import * as avro from 'avsc';
import { exactLongTypeHook } from '../../processors/platform/avro-long';
import type { ConnectSchema } from './connect';

/** The registry call the encoder needs (SchemaRegistryCodecs has it). */
export interface SchemaRegistrar {
  registerRaw(subject: string, schema: object): Promise<number>;
}

const PRIMITIVES: Record<string, string> = {
  string: 'string',
  int64: 'long',
  int32: 'int',
  boolean: 'boolean',
};

const CONNECT_LOGICAL_TYPES: Record<string, string> = {
  'org.apache.kafka.connect.data.Timestamp': 'timestamp-millis',
  'org.apache.kafka.connect.data.Date': 'date',
};

function splitName(fullName: string): { name: string; namespace?: string } {
  const dot = fullName.lastIndexOf('.');
  return dot < 0
    ? { name: fullName }
    : { name: fullName.slice(dot + 1), namespace: fullName.slice(0, dot) };
}

/** AvroData.fromConnectSchema, for the types Debezium uses here. */
export function avroSchemaOf(schema: ConnectSchema, defined = new Set<string>()): avro.Schema {
  const annotations: Record<string, unknown> = {};
  if (schema.version !== undefined) annotations['connect.version'] = schema.version;
  if (schema.parameters !== undefined) annotations['connect.parameters'] = schema.parameters;
  if (schema.default !== undefined) annotations['connect.default'] = schema.default;
  if (schema.name !== undefined) annotations['connect.name'] = schema.name;
  // AvroData adds Avro's own logical types for Connect's logical types.
  const logicalType = CONNECT_LOGICAL_TYPES[schema.name ?? ''];
  if (logicalType !== undefined) annotations.logicalType = logicalType;
  if (schema.type === 'struct') {
    const fullName = schema.name ?? 'io.confluent.connect.avro.ConnectDefault';
    // A named type is defined once per schema; later uses refer to it by name.
    if (defined.has(fullName)) return fullName;
    defined.add(fullName);
    const fields = (schema.fields ?? []).map((f) => {
      const type = avroSchemaOf({ ...f, optional: false }, defined);
      if (!f.optional) return { name: f.field, type };
      return f.default === undefined || f.default === null
        ? { name: f.field, type: ['null', type], default: null }
        : { name: f.field, type: [type, 'null'], default: f.default };
    });
    return { type: 'record', ...splitName(fullName), fields, ...annotations } as avro.Schema;
  }
  if (schema.type === 'array') {
    return { type: 'array', items: avroSchemaOf(schema.items as ConnectSchema, defined) };
  }
  const primitive = PRIMITIVES[schema.type];
  return Object.keys(annotations).length === 0
    ? (primitive as avro.Schema)
    : ({ type: primitive, ...annotations } as avro.Schema);
}

/** Every field present (absent ones as null), as avsc writes records. */
function avroValueOf(schema: ConnectSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (schema.type === 'struct') {
    const source = value as Record<string, unknown>;
    return Object.fromEntries(
      (schema.fields ?? []).map((f) => [f.field, avroValueOf(f, source[f.field])]),
    );
  }
  if (schema.type === 'array') {
    return (value as unknown[]).map((item) => avroValueOf(schema.items as ConnectSchema, item));
  }
  return value;
}

interface Registered {
  id: number;
  type: avro.Type;
}

export class AvroConnectEncoder {
  private readonly registered = new Map<string, Promise<Registered>>();

  constructor(private readonly registrar: SchemaRegistrar) {}

  private register(subject: string, schema: ConnectSchema): Promise<Registered> {
    const avroSchema = avroSchemaOf(schema);
    const cacheKey = `${subject}\n${JSON.stringify(avroSchema)}`;
    let entry = this.registered.get(cacheKey);
    if (!entry) {
      entry = this.registrar.registerRaw(subject, avroSchema as object).then((id) => ({
        id,
        type: avro.Type.forSchema(avroSchema, { wrapUnions: false, typeHook: exactLongTypeHook }),
      }));
      entry.catch(() => this.registered.delete(cacheKey));
      this.registered.set(cacheKey, entry);
    }
    return entry;
  }

  async encode(subject: string, schema: ConnectSchema, value: unknown): Promise<Buffer> {
    const { id, type } = await this.register(subject, schema);
    const header = Buffer.alloc(5);
    header.writeUInt32BE(id, 1);
    return Buffer.concat([header, type.toBuffer(avroValueOf(schema, value))]);
  }
}
