// Bytes in, changes out: the three converter formats through decodeChange, with an in-memory
// stand-in for the schema registry (the real one is in decode.integration.test.ts).
import * as avro from 'avsc';
import fc from 'fast-check';
import type { KafkaRecord } from '../../platform/kafka';
import { logicalTypes } from '../../platform/avro-types';
import { DebeziumEvents, type DebeziumMessage, type Format } from '../../../dev/debezium';
import { exactLongTypeHook } from '../../platform/avro-long';
import { decodeChange, type AvroDecoder } from './decode';
import { changeOf, refusalOf } from './test-lens';

/** Registers and decodes like the registry plus avsc, with or without the exact long type. */
class MemoryRegistry implements AvroDecoder {
  private readonly schemas: string[] = [];
  constructor(private readonly exactLongs = true) {}

  async registerRaw(_subject: string, schema: object): Promise<number> {
    const text = JSON.stringify(schema);
    const found = this.schemas.indexOf(text);
    return found >= 0 ? found + 1 : this.schemas.push(text);
  }

  async decode(buffer: Buffer): Promise<unknown> {
    const schema = JSON.parse(this.schemas[buffer.readUInt32BE(1) - 1]) as avro.Schema;
    const type = avro.Type.forSchema(schema, {
      wrapUnions: false,
      logicalTypes,
      typeHook: this.exactLongs ? exactLongTypeHook : undefined,
    });
    return type.fromBuffer(buffer.subarray(5));
  }
}

const FORMATS: Format[] = ['json', 'json-schemaless', 'avro'];
const registry = new MemoryRegistry();
const events = new DebeziumEvents({
  registrar: registry,
  clock: () => new Date('2026-03-02T09:30:00Z'),
});

function record(message: DebeziumMessage, offset = 0): KafkaRecord {
  return {
    topic: message.topic,
    partition: 0,
    offset: String(offset),
    key: message.key,
    value: message.value,
    headers: {},
    timestamp: '1772443800412',
  };
}

describe.each(FORMATS)('decodeChange from %s bytes', (format) => {
  test('a TCS row, its update, its delete and its tombstone', async () => {
    const after = {
      id: 31,
      traineeId: 4711,
      gradeId: 279,
      dateFrom: '2025-02-05',
      dateTo: '2025-08-05',
    };
    const messages = [
      ...(await events.mysqlRow('Placement', 'r', { after }, format)),
      ...(await events.mysqlRow(
        'Placement',
        'u',
        { before: after, after: { ...after, gradeId: 280 } },
        format,
      )),
      ...(await events.mysqlRow('Placement', 'd', { before: after }, format)),
    ];
    const changes = await Promise.all(
      messages.map((m) => decodeChange('placement', record(m), registry).then(changeOf)),
    );
    expect(changes).toEqual([
      { source: 'placement', key: '31', op: 'upsert', row: after },
      { source: 'placement', key: '31', op: 'upsert', row: { ...after, gradeId: 280 } },
      { source: 'placement', key: '31', op: 'delete' },
      { source: 'placement', key: '31', op: 'delete' },
    ]);
  });

  test('a doctorsForDB document, a patch and a flattened document', async () => {
    const doctor = {
      _id: '7654321',
      doctorFirstName: 'Sam',
      submissionDate: new Date('2027-01-15T00:00:00Z'),
      existsInGmc: true,
      gmcLastUpdatedDateTime: new Date('2026-03-01T02:00:00Z'),
    };
    const [created] = await events.mongoDocument('doctorsForDB', 'c', doctor, format);
    const [patched] = await events.mongoDocument('doctorsForDB', 'u', doctor, format, {
      fullDocument: false,
      updatedFields: { admin: 'a@nhs.net' },
    });
    const flat = await events.encode(
      events.flattened(events.mongoRecord('doctorsForDB', 'c', doctor)),
      format,
    );
    const changes = await Promise.all(
      [created, patched, flat].map((m) =>
        decodeChange('doctorsForDB', record(m), registry).then(changeOf),
      ),
    );
    const row = {
      gmcReferenceNumber: '7654321',
      doctorFirstName: 'Sam',
      doctorLastName: null,
      submissionDate: '2027-01-15',
      designatedBodyCode: null,
      existsInGmc: true,
      gmcLastUpdatedDateTime: new Date('2026-03-01T02:00:00Z'),
      underNotice: null,
      admin: null,
      doctorStatus: null,
      lastUpdatedDate: null,
    };
    expect(changes).toEqual([
      { source: 'doctorsForDB', key: '7654321', op: 'upsert', row },
      {
        source: 'doctorsForDB',
        key: '7654321',
        op: 'patch',
        set: { admin: 'a@nhs.net' },
        unset: [],
      },
      { source: 'doctorsForDB', key: '7654321', op: 'upsert', row },
    ]);
  });

  test('every calendar date from 0001 to 9999 survives the DATE encoding', async () => {
    const dates = fc
      .date({
        min: new Date('0001-01-01T00:00:00Z'),
        max: new Date('9999-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    await fc.assert(
      fc.asyncProperty(dates, async (date) => {
        const [message] = await events.mysqlRow(
          'Placement',
          'c',
          { after: { id: 1, dateFrom: date } },
          format,
        );
        const change = await decodeChange('placement', record(message), registry).then(changeOf);
        expect(change).toMatchObject({ row: { dateFrom: date } });
      }),
      { numRuns: 60 },
    );
  });
});

describe('bytes that are not a Debezium event', () => {
  const message = (key: Buffer | null, value: Buffer | null): DebeziumMessage => ({
    topic: 't',
    key,
    value,
  });

  test('neither JSON nor registry Avro', async () => {
    expect(
      await decodeChange(
        'person',
        record(message(null, Buffer.from('\u00ffgarbage'))),
        registry,
      ).then(refusalOf),
    ).toEqual({
      reason: expect.stringMatching(/person value: neither registry-framed Avro nor JSON/),
    });
    expect(
      await decodeChange('person', record(message(Buffer.from('{'), null)), registry).then(
        refusalOf,
      ),
    ).toEqual({
      reason: expect.stringMatching(/person key/),
    });
  });

  test('a registry frame whose schema is unknown or whose body is cut short', async () => {
    const failing: AvroDecoder = {
      decode: () => Promise.reject(new Error('Schema 999 not found')),
    };
    const framed = Buffer.from([0, 0, 0, 3, 231, 1, 2]);
    expect(
      await decodeChange('person', record(message(null, framed)), failing).then(refusalOf),
    ).toEqual({
      reason: 'person value: cannot decode registry Avro: Schema 999 not found',
    });
  });

  test("avsc's default long refuses Debezium 3's ts_ns, which is why the exact long type exists", async () => {
    const plainAvsc = new MemoryRegistry(false);
    const factory = new DebeziumEvents({ registrar: plainAvsc });
    const [created] = await factory.mysqlRow('Person', 'c', { after: { id: 1 } }, 'avro');
    expect(await decodeChange('person', record(created), plainAvsc).then(refusalOf)).toEqual({
      reason: expect.stringMatching(/potential precision loss/),
    });
  });
});
