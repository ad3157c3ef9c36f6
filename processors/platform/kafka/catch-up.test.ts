// When has a reader read everything below a set of end offsets captured at one moment?
import { CatchUpTracker, hasRead, lag, rangesOf, recordsIn, type CatchUpRange } from './catch-up';

const ranges = (entries: [number, number, number][], topic = 't'): CatchUpRange[] =>
  rangesOf(
    topic,
    new Map(entries.map(([p, low, high]) => [p, { low: `${low}`, high: `${high}` }])),
  );

describe('catch-up tracking', () => {
  it('waits for every non-empty partition to reach its end offset', async () => {
    const tracker = new CatchUpTracker();
    const target = ranges([
      [0, 0, 10],
      [1, 5, 5], // empty (compacted away): nothing to wait for
      [2, 0, 3],
    ]);
    let reached = false;
    const waiting = tracker.waitFor(target).then(() => (reached = true));
    tracker.observe('t', 0, 10n);
    await Promise.resolve();
    expect(reached).toBe(false);
    tracker.observe('t', 2, 2n);
    tracker.observe('t', 2, 3n);
    await waiting;
    expect(reached).toBe(true);
  });

  it('counts a trailing transaction marker as read (the progress offset passes it)', async () => {
    const tracker = new CatchUpTracker();
    tracker.observe('t', 0, 5n); // records 0..3 and the commit marker at 4
    await expect(tracker.waitFor(ranges([[0, 0, 5]]))).resolves.toBeUndefined();
  });

  it('never moves a position backwards', () => {
    const tracker = new CatchUpTracker();
    tracker.observe('t', 0, 10n);
    tracker.observe('t', 0, 4n);
    expect(tracker.hasReached(ranges([[0, 0, 10]]))).toBe(true);
  });

  it('keeps the partitions of different topics apart', () => {
    const tracker = new CatchUpTracker();
    tracker.observe('a', 0, 10n);
    expect(tracker.hasReached(ranges([[0, 0, 10]], 'b'))).toBe(false);
    expect(tracker.hasReached(ranges([[0, 0, 10]], 'a'))).toBe(true);
  });

  it('counts a range that starts at its end (a store checkpointed there) as read', () => {
    const tracker = new CatchUpTracker();
    expect(tracker.hasReached([{ topic: 't', partition: 0, from: 7n, to: 7n }])).toBe(true);
  });

  it('fails every waiter when the reader fails', async () => {
    const tracker = new CatchUpTracker();
    const waiting = tracker.waitFor(ranges([[0, 0, 10]]));
    tracker.fail(new Error('Elasticsearch refused the request'));
    await expect(waiting).rejects.toThrow('refused');
    await expect(tracker.waitFor(ranges([[0, 0, 1]]))).rejects.toThrow('refused');
  });

  it('sizes a full read from the watermarks', () => {
    expect(
      recordsIn(
        ranges([
          [0, 0, 10],
          [1, 4, 6],
        ]),
      ),
    ).toBe(12);
  });
});

describe('lag', () => {
  it('is the offsets between a position and the end, never negative', () => {
    expect(lag(7n, 10n)).toBe(3n);
    expect(lag(10n, 10n)).toBe(0n);
    expect(lag(12n, 10n)).toBe(0n);
  });

  it('counts a group with no committed offset (-1) as behind, unless the partition is empty', () => {
    const [range] = ranges([[0, 0, 3]]);
    expect(hasRead(range, -1n)).toBe(false);
    expect(hasRead(range, 3n)).toBe(true);
    const [empty] = ranges([[0, 5, 5]]);
    expect(hasRead(empty, -1n)).toBe(true);
  });
});
