import { capturingLogger } from '../platform/gmc-soap/test-support';
import { scheduleGmcSync, type GmcSchedule } from './scheduler';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the GMC sync schedule (fake timers)', () => {
  let schedule: GmcSchedule | undefined;

  afterEach(async () => {
    await schedule?.stop();
    schedule = undefined;
    jest.useRealTimers();
  });

  async function firesBetween(cron: string, from: string, days: number): Promise<string[]> {
    jest.useFakeTimers({ now: new Date(from) });
    const fired: string[] = [];
    schedule = scheduleGmcSync({
      cron,
      timeZone: 'Europe/London',
      logger: capturingLogger().logger,
      run: async () => {
        fired.push(new Date().toISOString());
      },
    });
    for (let hour = 0; hour < days * 24; hour++) await jest.advanceTimersByTimeAsync(HOUR);
    return fired;
  }

  it('fires once a day at 02:00 London time across the spring change', async () => {
    // 2026-03-29 01:00 UTC: clocks go from 01:00 GMT to 02:00 BST.
    expect(await firesBetween('0 2 * * *', '2026-03-27T12:00:00Z', 4)).toEqual([
      '2026-03-28T02:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T01:00:00.000Z',
      '2026-03-31T01:00:00.000Z',
    ]);
  });

  it('fires once a day at 02:00 London time across the autumn change', async () => {
    // 2026-10-25 01:00 UTC: clocks go from 02:00 BST back to 01:00 GMT.
    expect(await firesBetween('0 2 * * *', '2026-10-23T12:00:00Z', 4)).toEqual([
      '2026-10-24T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-26T02:00:00.000Z',
      '2026-10-27T02:00:00.000Z',
    ]);
  });

  it('fires once, not twice, at a time the autumn change repeats', async () => {
    // 01:30 happens twice on 2026-10-25 (00:30 UTC in BST, 01:30 UTC in GMT); node-cron
    // takes the second.
    expect(await firesBetween('30 1 * * *', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T01:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('has no run on the day the spring change skips the configured time', async () => {
    // 01:30 does not exist in London on 2026-03-29; documented in the README.
    expect(await firesBetween('30 1 * * *', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('never overlaps: a fire during a run is reported and skipped', async () => {
    jest.useFakeTimers({ now: new Date('2026-06-01T00:00:00Z') });
    const starts: string[] = [];
    const skipped: string[] = [];
    let finish!: () => void;
    const logs = capturingLogger();
    schedule = scheduleGmcSync({
      cron: '0 * * * *',
      timeZone: 'Europe/London',
      logger: logs.logger,
      onSkipped: (at) => skipped.push(at.toISOString()),
      run: (signal) => {
        starts.push(new Date().toISOString());
        return new Promise<void>((resolve) => {
          finish = resolve;
          signal.addEventListener('abort', () => resolve());
        });
      },
    });
    await jest.advanceTimersByTimeAsync(HOUR); // 01:00 UTC: run starts
    await jest.advanceTimersByTimeAsync(2 * HOUR); // 02:00 and 03:00: still running
    expect(schedule.isRunning()).toBe(true);
    finish();
    await jest.advanceTimersByTimeAsync(HOUR); // 04:00: a new run
    expect(starts).toEqual(['2026-06-01T01:00:00.000Z', '2026-06-01T04:00:00.000Z']);
    expect(skipped).toEqual(['2026-06-01T02:00:00.000Z', '2026-06-01T03:00:00.000Z']);
    expect(logs.text()).toContain('the previous GMC sync run is still going; this run is skipped');
  });

  it('asks a running run to stop on shutdown and waits for it', async () => {
    jest.useFakeTimers({ now: new Date('2026-06-01T00:59:00Z') });
    let seen: AbortSignal | undefined;
    schedule = scheduleGmcSync({
      cron: '0 * * * *',
      timeZone: 'Europe/London',
      logger: capturingLogger().logger,
      run: (signal) => {
        seen = signal;
        return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      },
    });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(schedule.isRunning()).toBe(true);
    await schedule.stop();
    expect(seen?.aborted).toBe(true);
    expect(schedule.isRunning()).toBe(false);
    schedule = undefined;
    await jest.advanceTimersByTimeAsync(DAY);
  });

  it('rejects an invalid expression with a configuration error', () => {
    expect(() =>
      scheduleGmcSync({
        cron: 'every night',
        timeZone: 'Europe/London',
        logger: capturingLogger().logger,
        run: async () => undefined,
      }),
    ).toThrow('GMC_SYNC_CRON="every night" is not a cron expression');
  });
});
