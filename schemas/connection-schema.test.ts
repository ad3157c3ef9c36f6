// The fields added to the connection schema for the old services' readers (docs/rules.md §4.9)
// keep old and new records readable both ways, without the registry: a record written before
// them reads with the current schema at their defaults, a current record reads with the old
// schema, and a record that lacks them is written with the defaults.
import type { Schema } from 'avsc';
import { parseAvroSchema } from '../processors/platform/avro-types';
import { readSchema } from './catalog';

const ADDED = [
  'tisStatus',
  'lastUpdatedDate',
  'gmcStatus',
  'updatedBy',
  'lastConnectionDateTime',
  'hiddenDiscrepancies',
];
const DEFAULTS = {
  tisStatus: null,
  lastUpdatedDate: null,
  gmcStatus: null,
  updatedBy: null,
  lastConnectionDateTime: null,
  hiddenDiscrepancies: [],
};

const currentSchema = readSchema('connection') as { fields: { name: string }[] };
const current = parseAvroSchema(currentSchema as Schema);
const before = parseAvroSchema({
  ...currentSchema,
  fields: currentSchema.fields.filter((field) => !ADDED.includes(field.name)),
} as Schema);

const record = {
  gmcReferenceNumber: '7000001',
  connectionStatus: 'DISCONNECTED',
  connectionReason: 'NOT_IN_TIS',
  version: 1_732_000_000_000_001,
  updatedTime: new Date('2026-11-24T02:00:00.123Z'),
};

describe('connection schema: the revalidation fields', () => {
  test('a record written before them reads with the current schema, at their defaults', () => {
    const old = before.toBuffer(record);
    expect(current.fromBuffer(old, current.createResolver(before))).toMatchObject({
      ...record,
      ...DEFAULTS,
    });
  });

  test('a record that lacks them is written with the defaults', () => {
    expect(current.fromBuffer(current.toBuffer(record))).toMatchObject(DEFAULTS);
  });

  test('a current record reads with the schema before them, and round-trips', () => {
    const full = {
      ...record,
      tisStatus: 'COMPLETED',
      lastUpdatedDate: '2026-11-23',
      gmcStatus: 'Approved',
      updatedBy: 'Updated by GMC',
      lastConnectionDateTime: '2026-11-23T02:00:00.000Z',
      hiddenDiscrepancies: [
        {
          id: 'h-1',
          gmcId: '7000001',
          hiddenForDesignatedBodyCode: '1-1RSG4X0',
          hiddenBy: 'admin@example.nhs.uk',
          reason: 'Leaving',
          hiddenDateTime: '2026-11-20T09:00:00.000Z',
          hiddenUntilDate: '2027-02-28',
        },
      ],
    };
    const bytes = current.toBuffer(full);
    expect(current.fromBuffer(bytes)).toMatchObject(full);
    const old = before.fromBuffer(bytes, before.createResolver(current)) as object;
    expect(Object.keys(old).filter((field) => ADDED.includes(field))).toEqual([]);
  });
});

describe('connection schema: the explanation and statusSince (version 3)', () => {
  const withoutThem = parseAvroSchema({
    ...currentSchema,
    fields: currentSchema.fields.filter(
      (field) => !['explanation', 'statusSince'].includes(field.name),
    ),
  } as Schema);

  test('a record written before them reads with them null', () => {
    const old = withoutThem.toBuffer(record);
    expect(current.fromBuffer(old, current.createResolver(withoutThem))).toMatchObject({
      ...record,
      explanation: null,
      statusSince: null,
    });
  });

  test('a current record round-trips, statusSince to the millisecond', () => {
    const full = {
      ...record,
      explanation:
        'connectionStatus DISCONNECTED, connectionReason NOT_IN_TIS: there is no TIS person.',
      statusSince: new Date('2026-11-24T02:00:00.123Z'),
    };
    expect(current.fromBuffer(current.toBuffer(full))).toMatchObject(full);
  });
});
