// Golden tests: Debezium MongoDB events of doctorsForDB and exceptionLogs in, changes out.
import { Long, ObjectId } from 'bson';
import { DebeziumEvents, type Format, type MongoUpdate } from '../../../dev/debezium';
import { err, ok } from '../../platform/result';
import { gmc } from '../../rules/test-builders';
import type { Change, DoctorsForDbRow } from './changes';
import { normaliseEnvelope } from './normalise';
import { changeOf, refusalOf } from './test-lens';
import { applyPatch } from './patch';

const events = new DebeziumEvents({ clock: () => new Date('2026-03-02T09:30:00Z') });
const JSON_FORMATS: Format[] = ['json', 'json-schemaless'];

const doctor = {
  _id: '1234567',
  gmcReferenceNumber: '1234567',
  doctorFirstName: 'Aoife',
  doctorLastName: "O'Brien",
  // Written at London midnight in summer time: 23:00 UTC the day before.
  submissionDate: new Date('2026-06-30T23:00:00Z'),
  dateAdded: new Date('2019-01-09T00:00:00Z'),
  underNotice: 'NO',
  sanction: 'No',
  doctorStatus: 'NOT_STARTED',
  designatedBodyCode: '1-1RUZV6H',
  existsInGmc: true,
  gmcLastUpdatedDateTime: new Date('2026-03-01T02:00:00.123Z'),
  admin: null,
  lastUpdatedDate: new Date('2026-03-01T02:00:01Z'),
  _class: 'uk.nhs.hee.tis.revalidation.entity.DoctorsForDB',
};

const doctorRow: DoctorsForDbRow = {
  gmcReferenceNumber: gmc('1234567'),
  doctorFirstName: 'Aoife',
  doctorLastName: "O'Brien",
  submissionDate: '2026-07-01',
  designatedBodyCode: '1-1RUZV6H',
  existsInGmc: true,
  gmcLastUpdatedDateTime: new Date('2026-03-01T02:00:00.123Z'),
  underNotice: 'NO',
  admin: null,
  doctorStatus: 'NOT_STARTED',
  lastUpdatedDate: '2026-03-01',
};

const exceptionLog = {
  _id: new ObjectId('65f1c0b84f7a4f3e9d550c6e'),
  gmcId: '1234567',
  errorMessage: 'Doctor already connected to another designated body',
  timestamp: new Date('2026-03-01T10:15:30Z'),
  admin: 'reval.admin@hee.nhs.uk',
  _class: 'uk.nhs.hee.tis.revalidation.connection.entity.ExceptionLog',
};

async function normalise(
  source: 'doctorsForDB' | 'exceptionLogs',
  op: 'c' | 'u' | 'd' | 'r',
  document: Record<string, unknown>,
  format: Format,
  update?: MongoUpdate,
): Promise<Change[]> {
  const messages = await events.mongoDocument(source, op, document, format, update);
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

describe.each(JSON_FORMATS)('MongoDB events as %s', (format) => {
  test('a created doctorsForDB document becomes an upsert keyed by GMC number', async () => {
    expect(await normalise('doctorsForDB', 'c', doctor, format)).toEqual([
      { source: 'doctorsForDB', key: '1234567', op: 'upsert', row: doctorRow },
    ]);
  });

  test('snapshot reads and updates with the full document are upserts', async () => {
    const moved = { ...doctor, designatedBodyCode: '1-1RSSQ05' };
    const [read] = await normalise('doctorsForDB', 'r', doctor, format);
    const [update] = await normalise('doctorsForDB', 'u', moved, format, {
      updatedFields: { designatedBodyCode: '1-1RSSQ05' },
    });
    expect(read).toMatchObject({ op: 'upsert', row: doctorRow });
    expect(update).toEqual({
      source: 'doctorsForDB',
      key: '1234567',
      op: 'upsert',
      row: { ...doctorRow, designatedBodyCode: '1-1RSSQ05' },
    });
  });

  test('an update without the full document is a patch of the fields it set and removed', async () => {
    const [change] = await normalise('doctorsForDB', 'u', doctor, format, {
      fullDocument: false,
      updatedFields: {
        doctorStatus: 'COMPLETED',
        gmcLastUpdatedDateTime: new Date('2026-03-02T02:00:00Z'),
        'someNested.field': 1,
      },
      removedFields: ['admin', 'unrelated'],
    });
    expect(change).toEqual({
      source: 'doctorsForDB',
      key: '1234567',
      op: 'patch',
      set: { doctorStatus: 'COMPLETED', gmcLastUpdatedDateTime: new Date('2026-03-02T02:00:00Z') },
      unset: ['admin'],
    });
  });

  test('a delete and its tombstone are deletes; an ObjectId key is its hex string', async () => {
    expect(await normalise('exceptionLogs', 'd', exceptionLog, format)).toEqual([
      { source: 'exceptionLogs', key: '65f1c0b84f7a4f3e9d550c6e', op: 'delete' },
      { source: 'exceptionLogs', key: '65f1c0b84f7a4f3e9d550c6e', op: 'delete' },
    ]);
  });

  test('an exception log with an ObjectId _id and a strict {"$date": millis}', async () => {
    expect(await normalise('exceptionLogs', 'c', exceptionLog, format)).toEqual([
      {
        source: 'exceptionLogs',
        key: '65f1c0b84f7a4f3e9d550c6e',
        op: 'upsert',
        row: {
          id: '65f1c0b84f7a4f3e9d550c6e',
          gmcId: '1234567',
          errorMessage: 'Doctor already connected to another designated body',
          timestamp: new Date('2026-03-01T10:15:30Z'),
          admin: 'reval.admin@hee.nhs.uk',
        },
      },
    ]);
  });
});

describe('Extended JSON exactly as the connector prints it', () => {
  // Written out by hand from the connector's documented output, not made by the factory.
  const value = (after: string | null, op = 'c', extra: Record<string, unknown> = {}) => ({
    before: null,
    after,
    updateDescription: null,
    source: {
      version: '3.1.3.Final',
      connector: 'mongodb',
      name: 'tis',
      db: 'revalidation',
      collection: 'doctorsForDB',
    },
    transaction: null,
    op,
    ts_ms: 1772443800412,
    ...extra,
  });

  test('canonical $date and $numberLong forms, and an _id stored as a long', () => {
    const after =
      '{"_id": {"$numberLong": "9007199254740993"},"submissionDate": {"$date": {"$numberLong": "1782860400000"}},"gmcLastUpdatedDateTime": {"$date": "2026-03-01T02:00:00Z"},"existsInGmc": false}';
    expect(
      changeOf(normaliseEnvelope('doctorsForDB', { id: '9007199254740993' }, value(after))),
    ).toMatchObject({
      key: '9007199254740993',
      row: {
        gmcReferenceNumber: '9007199254740993',
        submissionDate: '2026-07-01',
        gmcLastUpdatedDateTime: new Date('2026-03-01T02:00:00Z'),
        existsInGmc: false,
        doctorFirstName: null,
      },
    });
  });

  test('the GMC spellings of underNotice and an empty one', () => {
    const after = (underNotice: string) => `{"_id": "1","underNotice": "${underNotice}"}`;
    expect(
      changeOf(normaliseEnvelope('doctorsForDB', null, value(after('On Hold')))),
    ).toMatchObject({ row: { underNotice: 'ON_HOLD' } });
    expect(changeOf(normaliseEnvelope('doctorsForDB', null, value(after(''))))).toMatchObject({
      row: { underNotice: null },
    });
  });

  test('an update whose document was deleted before the lookup carries only its description', () => {
    const update = value(null, 'u', {
      updateDescription: {
        removedFields: null,
        updatedFields: '{"underNotice": "YES"}',
        truncatedArrays: null,
      },
    });
    expect(normaliseEnvelope('doctorsForDB', { id: '"1234567"' }, update)).toEqual(
      ok({
        source: 'doctorsForDB',
        key: '1234567',
        op: 'patch',
        set: { underNotice: 'YES' },
        unset: [],
      }),
    );
  });
});

describe('ExtractNewDocumentState (flattened documents)', () => {
  test.each(JSON_FORMATS)('an upsert and a rewritten delete as %s', async (format) => {
    const create = events.flattened(events.mongoRecord('doctorsForDB', 'c', doctor), 'rewrite');
    const remove = events.flattened(events.mongoRecord('doctorsForDB', 'd', doctor), 'rewrite');
    const decoded = await Promise.all(
      [create, remove].map(async (record) => {
        const m = await events.encode(record, format);
        return normaliseEnvelope(
          'doctorsForDB',
          m.key && JSON.parse(m.key.toString()),
          m.value && JSON.parse(m.value.toString()),
        );
      }),
    );
    expect(decoded).toEqual([
      ok({ source: 'doctorsForDB', key: '1234567', op: 'upsert', row: doctorRow }),
      ok({ source: 'doctorsForDB', key: '1234567', op: 'delete' }),
    ]);
  });
});

describe('patches merge into the row the consumer holds', () => {
  const current = { ...doctorRow };

  test('set fields replace, unset fields become null', () => {
    const patch = {
      source: 'doctorsForDB',
      key: '1234567',
      op: 'patch',
      set: { doctorStatus: 'COMPLETED' },
      unset: ['admin', 'designatedBodyCode'],
    } as const;
    expect(applyPatch(current, { ...patch, unset: [...patch.unset] })).toEqual(
      ok({ ...doctorRow, doctorStatus: 'COMPLETED', admin: null, designatedBodyCode: null }),
    );
  });

  test('a patch for a document not seen yet, or one that unsets a required field, is refused', () => {
    expect(
      applyPatch(undefined, { source: 'doctorsForDB', key: '1', op: 'patch', set: {}, unset: [] }),
    ).toEqual(err({ reason: expect.stringMatching(/not seen yet/) }));
    const row = {
      id: 'a',
      gmcId: gmc('1'),
      errorMessage: null,
      timestamp: new Date(0),
      admin: null,
    };
    expect(
      applyPatch(row, {
        source: 'exceptionLogs',
        key: 'a',
        op: 'patch',
        set: {},
        unset: ['timestamp'],
      }),
    ).toEqual(err({ reason: expect.stringMatching(/field "timestamp"/) }));
  });
});

describe('bad input becomes a reason naming the problem', () => {
  const errorOf = (result: Parameters<typeof refusalOf>[0]) => refusalOf(result).reason;
  const created = (after: string) => ({ op: 'c', source: {}, after });

  test.each([
    ['after that is not Extended JSON', '{"_id": "1", broken', /not Extended JSON/],
    [
      'a $date that is no date',
      '{"_id": "1","gmcLastUpdatedDateTime": {"$date": "yesterday"}}',
      /field "gmcLastUpdatedDateTime": expected an instant/,
    ],
    [
      'an underNotice GMC never sends',
      '{"_id": "1","underNotice": "MAYBE"}',
      /field "underNotice": expected one of/,
    ],
    [
      'a boolean as text',
      '{"_id": "1","existsInGmc": "yes"}',
      /field "existsInGmc": expected true or false/,
    ],
    ['a document without _id', '{"doctorFirstName": "A"}', /field "gmcReferenceNumber": .*missing/],
  ])('%s', (_name, after, message) => {
    expect(errorOf(normaliseEnvelope('doctorsForDB', null, created(after)))).toMatch(message);
  });

  test('an exception log without its doctor or time', () => {
    expect(
      errorOf(
        normaliseEnvelope('exceptionLogs', null, created('{"_id": "x","timestamp": {"$date": 0}}')),
      ),
    ).toMatch(/field "gmcId"/);
    expect(
      errorOf(normaliseEnvelope('exceptionLogs', null, created('{"_id": "x","gmcId": "1"}'))),
    ).toMatch(/field "timestamp"/);
  });

  test('updates that change _id or set part of a field we read', () => {
    const update = (updatedFields: string) => ({
      op: 'u',
      source: {},
      after: null,
      updateDescription: { updatedFields },
    });
    expect(
      errorOf(normaliseEnvelope('doctorsForDB', { id: '"1"' }, update('{"_id": "2"}'))),
    ).toMatch(/_id/);
    expect(
      errorOf(normaliseEnvelope('doctorsForDB', { id: '"1"' }, update('{"admin.name": "x"}'))),
    ).toMatch(/part of field "admin"/);
    expect(errorOf(normaliseEnvelope('doctorsForDB', null, update('{}')))).toMatch(/without a key/);
  });

  test('keys that are not {"id": Extended JSON}, and long ids that stay exact', () => {
    expect(errorOf(normaliseEnvelope('doctorsForDB', { _id: '1' }, null))).toMatch(/key: expected/);
    expect(errorOf(normaliseEnvelope('doctorsForDB', { id: '{"a": 1}' }, null))).toMatch(
      /unsupported _id/,
    );
    expect(
      normaliseEnvelope('doctorsForDB', { id: Long.fromString('5').toString() }, null),
    ).toEqual(ok({ source: 'doctorsForDB', key: '5', op: 'delete' }));
  });
});
