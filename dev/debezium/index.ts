// dev/debezium/: a faithful Debezium 3.x event factory for tests, the demo's synthetic seeding
// and benchmarks: the key and value bytes the MySQL connector (TCS tables) and the MongoDB
// connector (the revalidation collections) send, as JSON with or without the schema wrapper or
// as registry Avro, and the flat forms of the ExtractNewRecordState / ExtractNewDocumentState
// transforms. Development tooling: the processors' own edge (processors/connections/sources/)
// is tested against it, and it never imports processors' internals beyond shared helpers.
// Compiled into dist for the demo of `npm start`: it must not import jest.
import { AvroConnectEncoder, type SchemaRegistrar } from './avro';
import {
  BOOLEAN,
  CONNECT_TIMESTAMP,
  INT32,
  INT64,
  JSON_TEXT,
  STRING,
  field,
  jsonBytes,
  optional as opt,
  struct,
  type ConnectField,
  type ConnectRecord,
  type ConnectSchema,
} from './connect';
import { bsonJson, documentIdJson } from './ejson';
import {
  MONGO_SOURCE,
  MYSQL_SOURCE,
  TCS_TABLES,
  UPDATE_DESCRIPTION,
  columnValue,
  envelope,
  type MySqlTable,
  type Row,
} from './schemas';

export type { ConnectRecord } from './connect';
export type { SchemaRegistrar } from './avro';

export const DEBEZIUM_VERSION = '3.1.3.Final';

export { TCS_TABLES, type MySqlTable } from './schemas';
export type MongoCollection =
  'doctorsForDB' | 'exceptionLogs' | 'connectionLogs' | 'hiddenDiscrepancy' | 'recommendation';
export type Op = 'c' | 'u' | 'd' | 'r';
/** JsonConverter with schemas.enable=true / false, or AvroConverter with a registry. */
export type Format = 'json' | 'json-schemaless' | 'avro';

export interface DebeziumMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface FactoryOptions {
  /** The time events carry (ts_ms, source.ts_ms); defaults to now. */
  clock?: () => Date;
  /** Topic per table/collection when a test routes to its own topics (like a RegexRouter). */
  topics?: Partial<Record<MySqlTable | MongoCollection, string>>;
  /** Needed for the Avro format: where the converter registers its schemas. */
  registrar?: SchemaRegistrar;
}

export interface MongoUpdate {
  /** The fields the update set; by default every field of the document but `_id`. */
  updatedFields?: Row;
  removedFields?: string[];
  /** False for capture.mode=change_streams (no `after` on updates). Default true. */
  fullDocument?: boolean;
  /** True for *_with_pre_image capture modes: `before` on updates and deletes. */
  preImage?: Row;
}

export class DebeziumEvents {
  private readonly clock: () => Date;
  private readonly encoder?: AvroConnectEncoder;
  private position = 4;
  private order = 0;

  constructor(private readonly options: FactoryOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.encoder = options.registrar ? new AvroConnectEncoder(options.registrar) : undefined;
  }

  topicOf(name: MySqlTable | MongoCollection): string {
    const isTable = name in TCS_TABLES;
    return (
      this.options.topics?.[name] ?? (isTable ? `tcs.tcs.${name}` : `tis.revalidation.${name}`)
    );
  }

  private timing(op: Op): { ts_ms: number; ts_us: bigint; ts_ns: bigint; snapshot: string } {
    const ms = this.clock().getTime();
    this.order += 1;
    const us = BigInt(ms) * 1000n + BigInt(this.order % 1000);
    return {
      ts_ms: ms,
      ts_us: us,
      ts_ns: us * 1000n + 417n,
      snapshot: op === 'r' ? 'true' : 'false',
    };
  }

  /** The Connect record the MySQL connector emits for one row change. */
  mysqlRecord(
    table: MySqlTable,
    op: Op,
    rows: { before?: Row | null; after?: Row | null },
  ): ConnectRecord {
    const { primaryKey, columns } = TCS_TABLES[table];
    const schemaName = `tcs.tcs.${table}`;
    const valueStruct = struct(`${schemaName}.Value`, columns, true);
    const toStruct = (row: Row | null | undefined) =>
      row ? Object.fromEntries(columns.map((c) => [c.field, columnValue(c, row[c.field])])) : null;
    const before = op === 'c' || op === 'r' ? null : toStruct(rows.before);
    const after = op === 'd' ? null : toStruct(rows.after);
    const identity = (after ?? before ?? {})[primaryKey];
    const t = this.timing(op);
    this.position += 381;
    const source = {
      version: DEBEZIUM_VERSION,
      connector: 'mysql',
      name: 'tcs',
      ts_ms: op === 'r' ? t.ts_ms : t.ts_ms - 3,
      snapshot: t.snapshot,
      db: 'tcs',
      sequence: null,
      ts_us: t.ts_us,
      ts_ns: t.ts_ns,
      table,
      server_id: 223344,
      gtid: null,
      file: 'mysql-bin.000003',
      pos: this.position,
      row: 0,
      thread: op === 'r' ? null : 7,
      query: null,
    };
    const keyColumn = columns.find((c) => c.field === primaryKey) as ConnectField;
    return {
      topic: this.topicOf(table),
      keySchema: struct(`${schemaName}.Key`, [{ ...keyColumn, optional: false }]),
      key: { [primaryKey]: identity },
      valueSchema: envelope(
        `${schemaName}.Envelope`,
        [field('before', valueStruct), field('after', valueStruct)],
        MYSQL_SOURCE,
      ),
      value: {
        before,
        after,
        source,
        transaction: null,
        op,
        ts_ms: t.ts_ms,
        ts_us: t.ts_us,
        ts_ns: t.ts_ns,
      },
    };
  }

  /** The Connect record the MongoDB connector emits for one document change. */
  mongoRecord(
    collection: MongoCollection,
    op: Op,
    document: Row,
    update: MongoUpdate = {},
  ): ConnectRecord {
    const schemaName = `tis.revalidation.${collection}`;
    const fullDocument = update.fullDocument ?? true;
    const withAfter = op === 'c' || op === 'r' || (op === 'u' && fullDocument);
    let updateDescription = null;
    if (op === 'u') {
      const { _id: _ignored, ...fields } = document;
      const updated = update.updatedFields ?? fields;
      updateDescription = {
        removedFields: update.removedFields?.length ? update.removedFields : null,
        updatedFields: bsonJson(updated, 'relaxed'),
        truncatedArrays: null,
      };
    }
    const t = this.timing(op);
    const source = {
      version: DEBEZIUM_VERSION,
      connector: 'mongodb',
      name: 'tis',
      ts_ms: t.ts_ms,
      snapshot: t.snapshot,
      db: 'revalidation',
      sequence: null,
      ts_us: t.ts_us,
      ts_ns: t.ts_ns,
      collection,
      ord: this.order,
      lsid: null,
      txnNumber: null,
      wallTime: op === 'r' ? null : t.ts_ms,
    };
    return {
      topic: this.topicOf(collection),
      keySchema: struct(`${schemaName}.Key`, [field('id', STRING)]),
      key: { id: documentIdJson(document._id) },
      valueSchema: envelope(
        `${schemaName}.Envelope`,
        [
          field('before', JSON_TEXT),
          field('after', JSON_TEXT),
          field('updateDescription', UPDATE_DESCRIPTION),
        ],
        MONGO_SOURCE,
      ),
      value: {
        before:
          update.preImage && (op === 'u' || op === 'd')
            ? bsonJson(update.preImage, 'strict')
            : null,
        after: withAfter ? bsonJson(document, 'strict') : null,
        updateDescription,
        source,
        transaction: null,
        op,
        ts_ms: t.ts_ms,
        ts_us: t.ts_us,
        ts_ns: t.ts_ns,
      },
    };
  }

  /** The tombstone Debezium sends after a delete (same key, null value). */
  tombstoneOf(record: ConnectRecord): ConnectRecord {
    return { ...record, valueSchema: null, value: null };
  }

  /**
   * What ExtractNewRecordState / ExtractNewDocumentState make of a record: the row or
   * document itself. Deletes become tombstones (the default) or, in rewrite mode, the last
   * state with `__deleted: "true"`.
   */
  flattened(record: ConnectRecord, deletes: 'tombstone' | 'rewrite' = 'tombstone'): ConnectRecord {
    const value = record.value as Row | null;
    if (value === null) return record;
    const isMongo = (record.valueSchema?.name ?? '').startsWith('tis.');
    if (value.op === 'd') {
      if (deletes === 'tombstone') return this.tombstoneOf(record);
      if (isMongo) {
        const { document, fields } = flatDocument(`{"_id": ${String((record.key as Row).id)}}`);
        const schema = withDeleted(documentSchema(record, fields));
        return { ...record, valueSchema: schema, value: { ...document, __deleted: 'true' } };
      }
      const schema = withDeleted(beforeSchema(record));
      return {
        ...record,
        valueSchema: schema,
        value: { ...(value.before as Row), __deleted: 'true' },
      };
    }
    if (!isMongo) {
      const schema = beforeSchema(record);
      return {
        ...record,
        valueSchema: deletes === 'rewrite' ? withDeleted(schema) : schema,
        value:
          deletes === 'rewrite' ? { ...(value.after as Row), __deleted: 'false' } : value.after,
      };
    }
    const { document, fields } = flatDocument(String(value.after));
    return { ...record, valueSchema: documentSchema(record, fields), value: document };
  }

  /** The bytes the configured converter writes for `record`. */
  async encode(record: ConnectRecord, format: Format): Promise<DebeziumMessage> {
    if (format !== 'avro') {
      const schemas = format === 'json';
      return {
        topic: record.topic,
        key: jsonBytes(record.keySchema, record.key, schemas),
        value: jsonBytes(record.valueSchema, record.value, schemas),
      };
    }
    if (!this.encoder) throw new Error('DebeziumEvents: the avro format needs a registrar');
    const encode = (suffix: string, schema: ConnectSchema | null, value: unknown) =>
      value === null || schema === null
        ? Promise.resolve(null)
        : (this.encoder as AvroConnectEncoder).encode(`${record.topic}-${suffix}`, schema, value);
    return {
      topic: record.topic,
      key: await encode('key', record.keySchema, record.key),
      value: await encode('value', record.valueSchema, record.value),
    };
  }

  /** Everything Debezium sends for one row change: the event, and a tombstone after a delete. */
  async mysqlRow(
    table: MySqlTable,
    op: Op,
    rows: { before?: Row | null; after?: Row | null },
    format: Format = 'json',
  ): Promise<DebeziumMessage[]> {
    const record = this.mysqlRecord(table, op, rows);
    const records = op === 'd' ? [record, this.tombstoneOf(record)] : [record];
    return Promise.all(records.map((r) => this.encode(r, format)));
  }

  /** Everything Debezium sends for one document change: the event, and a tombstone after a delete. */
  async mongoDocument(
    collection: MongoCollection,
    op: Op,
    document: Row,
    format: Format = 'json',
    update: MongoUpdate = {},
  ): Promise<DebeziumMessage[]> {
    const record = this.mongoRecord(collection, op, document, update);
    const records = op === 'd' ? [record, this.tombstoneOf(record)] : [record];
    return Promise.all(records.map((r) => this.encode(r, format)));
  }
}

function beforeSchema(record: ConnectRecord): ConnectSchema {
  const before = record.valueSchema?.fields?.find((f) => f.field === 'before') as ConnectField;
  const { field: _field, ...schema } = before;
  return { ...schema, optional: false };
}

function withDeleted(schema: ConnectSchema): ConnectSchema {
  return { ...schema, fields: [...(schema.fields ?? []), field('__deleted', opt(STRING))] };
}

/** ExtractNewDocumentState's typing of a document: dates as Connect Timestamps, ObjectIds as hex. */
function flatDocument(strictJson: string): { document: Row; fields: ConnectField[] } {
  const document: Row = {};
  const fields: ConnectField[] = [];
  for (const [k, v] of Object.entries(JSON.parse(strictJson) as Row)) {
    const wrapped = v !== null && typeof v === 'object' ? (v as Row) : null;
    if (wrapped && '$date' in wrapped) {
      document[k] = Number(wrapped.$date);
      fields.push(field(k, CONNECT_TIMESTAMP));
    } else if (wrapped && '$oid' in wrapped) {
      document[k] = wrapped.$oid;
      fields.push(field(k, k === '_id' ? STRING : opt(STRING)));
    } else if (wrapped && '$numberLong' in wrapped) {
      document[k] = BigInt(String(wrapped.$numberLong));
      fields.push(field(k, opt(INT64)));
    } else {
      document[k] = v;
      const type = typeof v === 'boolean' ? BOOLEAN : typeof v === 'number' ? INT32 : STRING;
      fields.push(field(k, k === '_id' ? type : opt(type)));
    }
  }
  return { document, fields };
}

function documentSchema(record: ConnectRecord, fields: ConnectField[]): ConnectSchema {
  return struct((record.valueSchema?.name ?? '').replace(/\.Envelope$/, ''), fields);
}
