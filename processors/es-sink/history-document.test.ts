// Golden test of the history mapping: these reval.connection-changes records become exactly
// the actions in golden/history-documents.json. A change there is a change to what the
// history index holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  rowlessCause,
  type ConnectionChange,
  type StatusSnapshot,
} from '../connections/connection-record';
import { HISTORY_MAPPINGS, toHistoryAction } from './history-document';

const golden = JSON.parse(
  readFileSync(join(__dirname, 'golden', 'history-documents.json'), 'utf8'),
) as Record<string, unknown>;

const connected: StatusSnapshot = {
  connectionStatus: 'CONNECTED',
  connectionReason: null,
  exceptionReasons: [],
  discrepancy: null,
  designatedBody: '1-1RSG4X0',
  tcsDesignatedBody: '1-1RSG4X0',
};

const inputs: Record<string, { key: string; value: ConnectionChange }> = {
  'a programme ended at midnight': {
    key: '7000001',
    value: {
      gmcReferenceNumber: '7000001',
      version: 1_764_547_210_000_000,
      time: new Date('2026-12-01T00:00:10Z'),
      before: connected,
      after: {
        connectionStatus: 'DISCONNECTED',
        connectionReason: 'PROGRAMME_ENDED',
        exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
        discrepancy: 'READY_FOR_DISCONNECTION',
        designatedBody: '1-1RSG4X0',
        tcsDesignatedBody: null,
      },
      cause: rowlessCause('MIDNIGHT'),
    },
  },
  'first appearance, caused by a placement read from the binlog': {
    key: '7000002',
    value: {
      gmcReferenceNumber: '7000002',
      version: 1_764_086_400_000_000,
      time: new Date('2025-11-25T16:00:00Z'),
      before: null,
      after: connected,
      cause: {
        kind: 'INPUT',
        source: 'placement',
        key: '31',
        topic: 'tcs.tcs.Placement',
        partition: 0,
        offset: '48772',
        sourcePosition: 'mysql-bin.000003:929',
        sourceTime: new Date('2025-11-25T15:59:59.997Z'),
      },
    },
  },
  'a doctor who went (tombstone)': {
    key: '7000003',
    value: {
      gmcReferenceNumber: '7000003',
      version: 1_764_086_400_000_001,
      time: new Date('2025-11-25T16:00:00Z'),
      before: connected,
      after: null,
      cause: {
        kind: 'INPUT',
        source: 'gmcDoctors',
        key: '7000003',
        topic: 'gmc.doctors',
        partition: 4,
        offset: '120',
        sourcePosition: '5b1e6d0c-run',
        sourceTime: new Date('2025-11-25T02:00:00Z'),
      },
    },
  },
};

describe('reval.connection-changes record → Elasticsearch action (golden)', () => {
  it.each(Object.keys(golden))('%s', (name) => {
    const { key, value } = inputs[name];
    const mapped = toHistoryAction(key, value);
    if (!mapped.ok) throw new Error(mapped.error);
    expect(JSON.parse(JSON.stringify(mapped.value))).toEqual(golden[name]);
  });

  it('every input has its golden action', () => {
    expect(Object.keys(golden).sort()).toEqual(Object.keys(inputs).sort());
  });

  it('ids a change by number and version, so a replay finds it already there', () => {
    const { key, value } = inputs['a programme ended at midnight'];
    const mapped = toHistoryAction(key, value);
    expect(mapped.ok && [mapped.value.id, mapped.value.version]).toEqual([
      '7000001-1764547210000000',
      1_764_547_210_000_000,
    ]);
  });

  it('refuses a record it cannot file, for the dead-letter topic', () => {
    const { value } = inputs['a programme ended at midnight'];
    expect(toHistoryAction(null, value)).toEqual({
      ok: false,
      error: expect.stringMatching(/key/),
    });
    expect(toHistoryAction('7000001', null)).toMatchObject({ ok: false });
    expect(toHistoryAction('7000009', value)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/differs/),
    });
    expect(toHistoryAction('7000001', { ...value, version: 2 ** 53 })).toMatchObject({ ok: false });
  });

  it('maps every field it writes (the mapping is strict)', () => {
    const { key, value } = inputs['first appearance, caused by a placement read from the binlog'];
    const mapped = toHistoryAction(key, value);
    if (!mapped.ok || mapped.value.kind !== 'index') throw new Error('expected an index action');
    const { document } = mapped.value;
    expect(Object.keys(document).sort()).toEqual(Object.keys(HISTORY_MAPPINGS.properties).sort());
    expect(Object.keys(document.cause).sort()).toEqual(
      Object.keys(HISTORY_MAPPINGS.properties.cause.properties).sort(),
    );
  });
});
