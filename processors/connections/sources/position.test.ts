import { DebeziumEvents } from '../../../dev/debezium';
import { normaliseEnvelope } from './normalise';
import { sourcePoint, sourcePosition } from './position';

describe('source positions', () => {
  it('orders MySQL changes by binlog file, then position', () => {
    const at = (file: string, pos: number) =>
      sourcePosition({ op: 'u', source: { file, pos, row: 0 } });
    expect(at('mysql-bin.000003', 900)).toBeLessThan(at('mysql-bin.000003', 901) as number);
    expect(at('mysql-bin.000003', 4_000_000_000)).toBeLessThan(at('mysql-bin.000004', 4) as number);
  });

  it('orders MongoDB changes by cluster time seconds, then increment', () => {
    const at = (ts_ms: number, ord: number) => sourcePosition({ op: 'u', source: { ts_ms, ord } });
    expect(at(1_772_443_800_000, 7)).toBeLessThan(at(1_772_443_800_000, 8) as number);
    expect(at(1_772_443_800_000, 1_000)).toBeLessThan(at(1_772_443_801_000, 1) as number);
  });

  it('is absent when the source block does not say', () => {
    expect(sourcePosition({ op: 'u', source: { connector: 'other' } })).toBeUndefined();
    expect(sourcePosition({ op: 'u' })).toBeUndefined();
  });

  it('rides on every change normalised from a full envelope, later events higher', async () => {
    const events = new DebeziumEvents({ clock: () => new Date('2026-03-02T09:30:00Z') });
    const row = { id: 1, role: 'DR in Training' };
    const [created] = await events.mysqlRow('Person', 'c', { after: row });
    const [updated] = await events.mysqlRow('Person', 'u', {
      before: row,
      after: { ...row, role: 'Dummy' },
    });
    const json = (b: Buffer | null) => b && JSON.parse(b.toString());
    const first = normaliseEnvelope('person', json(created.key), json(created.value));
    const second = normaliseEnvelope('person', json(updated.key), json(updated.value));
    const positionOf = (result: typeof first) => (result.ok ? result.value.position : undefined);
    expect(positionOf(first)).toBeLessThan(positionOf(second) as number);
  });

  it('reads as binlog file:pos or cluster seconds:ord, with the source time, for provenance', () => {
    expect(
      sourcePoint({
        op: 'u',
        source: { file: 'mysql-bin.000003', pos: 929, ts_ms: 1_772_443_800_000 },
      }),
    ).toEqual({ sourcePosition: 'mysql-bin.000003:929', sourceTime: '2026-03-02T09:30:00.000Z' });
    expect(sourcePoint({ op: 'u', source: { ts_ms: 1_772_443_800_123, ord: 7 } })).toEqual({
      sourcePosition: '1772443800:7',
      sourceTime: '2026-03-02T09:30:00.123Z',
    });
    expect(sourcePoint({ op: 'u', source: { connector: 'other' } })).toEqual({});
  });

  it('rides on a normalised change beside the ordering position', async () => {
    const events = new DebeziumEvents({ clock: () => new Date('2026-03-02T09:30:00Z') });
    const [created] = await events.mysqlRow('Person', 'c', { after: { id: 1, role: 'DR' } });
    const json = (b: Buffer | null) => b && JSON.parse(b.toString());
    const result = normaliseEnvelope('person', json(created.key), json(created.value));
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.value.sourcePosition).toMatch(/^mysql-bin\.\d+:\d+$/);
    // The database's time (source.ts_ms), a little before the connector's own ts_ms.
    expect(result.value.sourceTime).toBe('2026-03-02T09:29:59.997Z');
  });
});
