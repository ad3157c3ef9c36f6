// Golden tests: Debezium MySQL events of the TCS tables, as the connector writes them, in,
// normalised changes out.
import { DebeziumEvents, type Format, type MySqlTable } from '../../../dev/debezium';
import { ok } from '../../platform/result';
import type { Change } from './changes';
import { normaliseEnvelope } from './normalise';
import { changeOf, refusalOf } from './test-lens';

const events = new DebeziumEvents({ clock: () => new Date('2026-03-02T09:30:00Z') });
const JSON_FORMATS: Format[] = ['json', 'json-schemaless'];

async function normalise(
  source: Parameters<typeof normaliseEnvelope>[0],
  table: MySqlTable,
  op: 'c' | 'u' | 'd' | 'r',
  rows: { before?: Record<string, unknown>; after?: Record<string, unknown> },
  format: Format,
): Promise<Change[]> {
  const messages = await events.mysqlRow(table, op, rows, format);
  return messages.map((m) =>
    changeOf(
      normaliseEnvelope(
        source,
        m.key && JSON.parse(m.key.toString()),
        m.value && JSON.parse(m.value.toString()),
      ),
    ),
  );
}

const membership = {
  uuid: '5f1c0b8e-4f7a-4f3e-9d55-0c6e3b1b9a01',
  personId: 4711,
  programmeId: 12,
  programmeMembershipType: 'SUBSTANTIVE',
  programmeStartDate: '2024-08-07',
  programmeEndDate: '2027-08-06',
};

describe.each(JSON_FORMATS)('MySQL events as %s', (format) => {
  test('a created programme membership becomes an upsert keyed by uuid, DATE columns as ISO dates', async () => {
    expect(
      await normalise(
        'programmeMembership',
        'ProgrammeMembership',
        'c',
        { after: membership },
        format,
      ),
    ).toEqual([
      { source: 'programmeMembership', key: membership.uuid, op: 'upsert', row: membership },
    ]);
  });

  test('a snapshot read is an upsert like a create', async () => {
    const [change] = await normalise(
      'programmeMembership',
      'ProgrammeMembership',
      'r',
      { after: membership },
      format,
    );
    expect(change).toMatchObject({ op: 'upsert', key: membership.uuid });
  });

  test('an update is an upsert of the row after the change', async () => {
    const after = { ...membership, programmeEndDate: '2025-01-31' };
    const [change] = await normalise(
      'programmeMembership',
      'ProgrammeMembership',
      'u',
      { before: membership, after },
      format,
    );
    expect(change).toEqual({
      source: 'programmeMembership',
      key: membership.uuid,
      op: 'upsert',
      row: after,
    });
  });

  test('a delete and the tombstone after it are both deletes of the key', async () => {
    expect(
      await normalise(
        'programmeMembership',
        'ProgrammeMembership',
        'd',
        { before: membership },
        format,
      ),
    ).toEqual([
      { source: 'programmeMembership', key: membership.uuid, op: 'delete' },
      { source: 'programmeMembership', key: membership.uuid, op: 'delete' },
    ]);
  });

  test.each([
    ['ContactDetails', 'contactDetails', { id: 4711, forenames: 'Aoife', surname: "O'Brien" }],
    [
      'GmcDetails',
      'gmcDetails',
      { id: 4711, gmcNumber: '7654321', gmcStatus: 'Registered with Licence' },
    ],
    ['Person', 'person', { id: 4711, role: 'DR in Training' }],
    [
      'CurriculumMembership',
      'curriculumMembership',
      {
        id: 9,
        programmeMembershipUuid: membership.uuid,
        curriculumId: 3,
        curriculumStartDate: '1969-12-31',
        curriculumEndDate: null,
      },
    ],
    [
      'Programme',
      'programme',
      {
        id: 12,
        programmeName: 'General Practice',
        programmeNumber: 'NWL801',
        owner: 'Health Education England North West London',
      },
    ],
    [
      'Placement',
      'placement',
      { id: 77, traineeId: 4711, gradeId: 279, dateFrom: '2025-02-05', dateTo: '2025-08-05' },
    ],
  ] as const)('%s rows become typed %s rows keyed by id', async (table, source, row) => {
    const [change] = await normalise(source, table, 'c', { after: row }, format);
    expect(change).toEqual({ source, key: String(row.id), op: 'upsert', row });
  });
});

describe('encodings a real deployment can produce', () => {
  // Written out as the connector prints it (JsonConverter, schemas.enable=true), not made by
  // the factory, so the decoder is not only checked against our own encoder.
  const literal = {
    schema: {
      type: 'struct',
      fields: [
        {
          type: 'struct',
          fields: [
            { type: 'int64', optional: false, field: 'id' },
            { type: 'int64', optional: true, field: 'traineeId' },
            { type: 'int64', optional: true, field: 'gradeId' },
            {
              type: 'int64',
              optional: true,
              name: 'io.debezium.time.Timestamp',
              version: 1,
              field: 'dateFrom',
            },
            {
              type: 'string',
              optional: true,
              name: 'io.debezium.time.ZonedTimestamp',
              version: 1,
              field: 'dateTo',
            },
          ],
          optional: true,
          name: 'tcs.tcs.Placement.Value',
          field: 'before',
        },
        {
          type: 'struct',
          fields: [
            { type: 'int64', optional: false, field: 'id' },
            { type: 'int64', optional: true, field: 'traineeId' },
            { type: 'int64', optional: true, field: 'gradeId' },
            {
              type: 'int64',
              optional: true,
              name: 'io.debezium.time.Timestamp',
              version: 1,
              field: 'dateFrom',
            },
            {
              type: 'string',
              optional: true,
              name: 'io.debezium.time.ZonedTimestamp',
              version: 1,
              field: 'dateTo',
            },
          ],
          optional: true,
          name: 'tcs.tcs.Placement.Value',
          field: 'after',
        },
        {
          type: 'struct',
          fields: [{ type: 'string', optional: false, field: 'version' }],
          optional: false,
          name: 'io.debezium.connector.mysql.Source',
          version: 1,
          field: 'source',
        },
        { type: 'string', optional: false, field: 'op' },
        { type: 'int64', optional: true, field: 'ts_ms' },
      ],
      optional: false,
      name: 'tcs.tcs.Placement.Envelope',
      version: 2,
    },
    payload: {
      before: null,
      after: {
        id: 78,
        traineeId: 4711,
        gradeId: 279,
        dateFrom: 1738713600000,
        dateTo: '2025-08-05T23:00:00Z',
      },
      source: {
        version: '3.1.3.Final',
        connector: 'mysql',
        name: 'tcs',
        ts_ms: 1772443800000,
        snapshot: 'false',
        db: 'tcs',
        table: 'Placement',
        server_id: 223344,
        file: 'mysql-bin.000003',
        pos: 1046,
        row: 0,
      },
      transaction: null,
      op: 'c',
      ts_ms: 1772443800412,
      ts_us: 1772443800412345,
      ts_ns: 1772443800412345678,
    },
  };

  test('DATETIME (epoch millis) and TIMESTAMP (ISO text) columns read as calendar dates when the schema says so', () => {
    expect(changeOf(normaliseEnvelope('placement', { id: 78 }, literal))).toEqual({
      source: 'placement',
      key: '78',
      op: 'upsert',
      row: { id: 78, traineeId: 4711, gradeId: 279, dateFrom: '2025-02-05', dateTo: '2025-08-05' },
    });
  });

  test('ids given as long-like values (Avro decoders, bson) are exact numbers', () => {
    const value = {
      op: 'c',
      source: {},
      before: null,
      after: {
        id: { low: 78, high: 0 },
        traineeId: 4711n,
        gradeId: null,
        dateFrom: 20124,
        dateTo: '2025-08-05',
      },
    };
    expect(changeOf(normaliseEnvelope('placement', { id: 78n }, value))).toMatchObject({
      key: '78',
      row: { id: 78, traineeId: 4711, dateFrom: '2025-02-05' },
    });
  });
});

describe('ExtractNewRecordState (flattened rows)', () => {
  test.each(JSON_FORMATS)('an upsert, a rewritten delete and a tombstone as %s', async (format) => {
    const create = events.flattened(
      events.mysqlRecord('Person', 'c', { after: { id: 5, role: 'DR in Training' } }),
      'rewrite',
    );
    const remove = events.mysqlRecord('Person', 'd', { before: { id: 5, role: 'DR in Training' } });
    const decoded = await Promise.all(
      [create, events.flattened(remove, 'rewrite'), events.flattened(remove, 'tombstone')].map(
        async (record) => {
          const m = await events.encode(record, format);
          return normaliseEnvelope(
            'person',
            m.key && JSON.parse(m.key.toString()),
            m.value && JSON.parse(m.value.toString()),
          );
        },
      ),
    );
    expect(decoded).toEqual([
      ok({ source: 'person', key: '5', op: 'upsert', row: { id: 5, role: 'DR in Training' } }),
      ok({ source: 'person', key: '5', op: 'delete' }),
      ok({ source: 'person', key: '5', op: 'delete' }),
    ]);
  });
});

describe('bad input becomes a reason naming the problem', () => {
  const envelope = (after: Record<string, unknown> | null, op = 'c') => ({
    op,
    source: { connector: 'mysql' },
    before: null,
    after,
  });
  const errorOf = (result: Parameters<typeof refusalOf>[0]) => refusalOf(result).reason;

  test.each([
    ['a row without its key', { ...membership, uuid: undefined }, /field "uuid": .*missing/],
    [
      'an impossible date',
      { ...membership, programmeStartDate: '2026-02-30' },
      /field "programmeStartDate": not a calendar date/,
    ],
    [
      'epoch millis where a DATE belongs',
      { ...membership, programmeEndDate: 1738713600000 },
      /field "programmeEndDate": .*not a date as days/,
    ],
    [
      'text where an id belongs',
      { ...membership, personId: '4711' },
      /field "personId": expected an integer/,
    ],
    ['an id beyond 2^53', { ...membership, personId: 2 ** 60 }, /field "personId": .*beyond 2\^53/],
    [
      'an unknown membership type',
      { ...membership, programmeMembershipType: 'HONORARY' },
      /field "programmeMembershipType": expected one of/,
    ],
  ])('%s', (_name, after, message) => {
    expect(errorOf(normaliseEnvelope('programmeMembership', null, envelope(after)))).toMatch(
      message,
    );
  });

  test('an event whose key disagrees with its row', () => {
    expect(
      errorOf(normaliseEnvelope('programmeMembership', { uuid: 'other' }, envelope(membership))),
    ).toMatch(/does not match/);
  });

  test('a create without after, a truncate, an unknown op, a tombstone without key', () => {
    expect(errorOf(normaliseEnvelope('person', { id: 1 }, envelope(null)))).toMatch(
      /without "after"/,
    );
    expect(errorOf(normaliseEnvelope('person', null, envelope(null, 't')))).toMatch(/truncate/);
    expect(errorOf(normaliseEnvelope('person', null, envelope({ id: 1 }, 'x')))).toMatch(
      /unknown operation/,
    );
    expect(errorOf(normaliseEnvelope('person', null, null))).toMatch(/neither the key nor/);
  });

  test('values that are not events at all', () => {
    expect(errorOf(normaliseEnvelope('person', { id: 1 }, 'hello'))).toMatch(/expected a struct/);
    expect(errorOf(normaliseEnvelope('person', [1, 2], null))).toMatch(/person key/);
  });
});
