// The Connect schemas Debezium 3.x gives the TCS tables and the revalidation collections: the
// row/document payloads, the source blocks of the MySQL and MongoDB connectors, the
// transaction block and the envelope, in the field order the connectors use.
import { daysBetween } from '../../processors/rules/dates';
import {
  DEBEZIUM_DATE,
  DEBEZIUM_TIMESTAMP,
  INT32,
  INT64,
  JSON_TEXT,
  STRING,
  ZONED_TIMESTAMP,
  field,
  optional,
  struct,
  type ConnectField,
  type ConnectSchema,
} from './connect';

export type MySqlTable =
  | 'ContactDetails'
  | 'GmcDetails'
  | 'Person'
  | 'ProgrammeMembership'
  | 'CurriculumMembership'
  | 'Programme'
  | 'Placement';

export type Row = Record<string, unknown>;
const opt = optional;

/** The TCS columns the processors read, plus the audit columns every TCS table has. */
export const TCS_TABLES: Record<MySqlTable, { primaryKey: string; columns: ConnectField[] }> = {
  ContactDetails: {
    primaryKey: 'id',
    columns: [field('id', INT64), field('forenames', opt(STRING)), field('surname', opt(STRING))],
  },
  GmcDetails: {
    primaryKey: 'id',
    columns: [field('id', INT64), field('gmcNumber', opt(STRING)), field('gmcStatus', opt(STRING))],
  },
  Person: {
    primaryKey: 'id',
    columns: [
      field('id', INT64),
      field('role', opt(STRING)),
      field('addedDate', DEBEZIUM_TIMESTAMP),
    ],
  },
  ProgrammeMembership: {
    primaryKey: 'uuid',
    columns: [
      field('uuid', STRING),
      field('personId', INT64),
      field('programmeId', opt(INT64)),
      field('programmeMembershipType', opt(STRING)),
      field('programmeStartDate', DEBEZIUM_DATE),
      field('programmeEndDate', DEBEZIUM_DATE),
    ],
  },
  CurriculumMembership: {
    primaryKey: 'id',
    columns: [
      field('id', INT64),
      field('programmeMembershipUuid', opt(STRING)),
      field('curriculumId', opt(INT64)),
      field('curriculumStartDate', DEBEZIUM_DATE),
      field('curriculumEndDate', DEBEZIUM_DATE),
    ],
  },
  Programme: {
    primaryKey: 'id',
    columns: [
      field('id', INT64),
      field('programmeName', opt(STRING)),
      field('programmeNumber', opt(STRING)),
      field('owner', opt(STRING)),
    ],
  },
  Placement: {
    primaryKey: 'id',
    columns: [
      field('id', INT64),
      field('traineeId', opt(INT64)),
      field('gradeId', opt(INT64)),
      field('dateFrom', DEBEZIUM_DATE),
      field('dateTo', DEBEZIUM_DATE),
    ],
  },
};
for (const table of Object.values(TCS_TABLES))
  table.columns.push(field('amendedDate', ZONED_TIMESTAMP));

const SNAPSHOT_ENUM: ConnectSchema = {
  type: 'string',
  optional: true,
  name: 'io.debezium.data.Enum',
  version: 1,
  parameters: {
    allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental',
  },
  default: 'false',
};

const COMMON_SOURCE_FIELDS = [
  field('version', STRING),
  field('connector', STRING),
  field('name', STRING),
  field('ts_ms', INT64),
  field('snapshot', SNAPSHOT_ENUM),
  field('db', STRING),
  field('sequence', opt(STRING)),
  field('ts_us', opt(INT64)),
  field('ts_ns', opt(INT64)),
];

export const MYSQL_SOURCE = struct(
  'io.debezium.connector.mysql.Source',
  [
    ...COMMON_SOURCE_FIELDS,
    field('table', opt(STRING)),
    field('server_id', INT64),
    field('gtid', opt(STRING)),
    field('file', STRING),
    field('pos', INT64),
    field('row', INT32),
    field('thread', opt(INT64)),
    field('query', opt(STRING)),
  ],
  false,
  1,
);

export const MONGO_SOURCE = struct(
  'io.debezium.connector.mongo.Source',
  [
    ...COMMON_SOURCE_FIELDS,
    field('collection', STRING),
    field('ord', INT32),
    field('lsid', opt(STRING)),
    field('txnNumber', opt(INT64)),
    field('wallTime', opt(INT64)),
  ],
  false,
  1,
);

const TRANSACTION_BLOCK = struct(
  'event.block',
  [field('id', STRING), field('total_order', INT64), field('data_collection_order', INT64)],
  true,
  1,
);

export const UPDATE_DESCRIPTION = struct(
  'io.debezium.connector.mongodb.changestream.updatedescription',
  [
    field('removedFields', { type: 'array', optional: true, items: STRING }),
    field('updatedFields', JSON_TEXT),
    field('truncatedArrays', {
      type: 'array',
      optional: true,
      items: struct(
        'io.debezium.connector.mongodb.changestream.truncatedarray',
        [field('field', STRING), field('size', INT32)],
        false,
        1,
      ),
    }),
  ],
  true,
  1,
);

export function envelope(
  name: string,
  payloadFields: ConnectField[],
  source: ConnectSchema,
): ConnectSchema {
  return struct(
    name,
    [
      ...payloadFields,
      field('source', source),
      field('transaction', TRANSACTION_BLOCK),
      field('op', STRING),
      field('ts_ms', opt(INT64)),
      field('ts_us', opt(INT64)),
      field('ts_ns', opt(INT64)),
    ],
    false,
    2,
  );
}

/** ZonedTimestamp text as Debezium formats it (ISO_OFFSET_DATE_TIME, fraction only if any). */
function zoned(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** Database values to Connect values: dates to epoch days, DATETIME to millis, TIMESTAMP to text. */
export function columnValue(schema: ConnectSchema, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (
    schema.name === 'io.debezium.time.Date' &&
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value)
  ) {
    return daysBetween('1970-01-01', value);
  }
  if (schema.name === 'io.debezium.time.Timestamp' && value instanceof Date) return value.getTime();
  if (schema.name === 'io.debezium.time.ZonedTimestamp' && value instanceof Date)
    return zoned(value);
  // Anything else goes as given, so tests can send what a broken producer would.
  return value;
}
