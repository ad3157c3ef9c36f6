import { historyEntryOf, inOrder } from './history';

const change = (version: number, status: string | null) => ({
  gmcReferenceNumber: '7000001',
  version,
  time: new Date(version),
  before: null,
  after:
    status === null
      ? null
      : {
          connectionStatus: status,
          connectionReason: null,
          exceptionReasons: [],
          discrepancy: null,
          designatedBody: '1-1RSSQ1B',
          tcsDesignatedBody: null,
        },
  cause: { kind: 'INPUT', source: 'placement', key: '77', topic: 't', partition: 0, offset: '5' },
});

describe('a doctor history', () => {
  it('reads the Avro record and the index document alike', () => {
    const fromAvro = historyEntryOf(change(1_000, 'CONNECTED'));
    const fromEs = historyEntryOf(JSON.parse(JSON.stringify(change(1_000, 'CONNECTED'))));
    expect(fromEs).toEqual(fromAvro);
    expect(fromAvro).toMatchObject({
      version: 1_000,
      time: '1970-01-01T00:00:01.000Z',
      before: null,
      after: { connectionStatus: 'CONNECTED', designatedBody: '1-1RSSQ1B' },
      cause: { kind: 'INPUT', partition: 0, offset: '5', sourceTime: null },
    });
  });

  it('keeps each version once, oldest first', () => {
    const entries = [3, 1, 2, 3, 1].map((version) => historyEntryOf(change(version, 'CONNECTED')));
    expect(inOrder(entries).map((entry) => entry.version)).toEqual([1, 2, 3]);
  });
});
