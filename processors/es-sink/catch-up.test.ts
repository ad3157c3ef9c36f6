// When has a reader following a topic read everything below a set of end offsets?
import { CatchUpTracker, recordsBetween, type EndOffsets } from './catch-up';

const ends = (entries: [number, number, number][]): EndOffsets =>
  new Map(entries.map(([p, low, high]) => [p, { low: String(low), high: String(high) }]));

describe('catch-up tracking', () => {
  it('waits for every non-empty partition to reach its last offset', async () => {
    const tracker = new CatchUpTracker();
    const target = ends([
      [0, 0, 10],
      [1, 5, 5], // empty (compacted away): nothing to wait for
      [2, 0, 3],
    ]);
    let reached = false;
    const waiting = tracker.waitFor(target).then(() => (reached = true));
    tracker.observe(0, '9');
    await Promise.resolve();
    expect(reached).toBe(false);
    tracker.observe(2, '1');
    tracker.observe(2, '2');
    await waiting;
    expect(reached).toBe(true);
  });

  it('counts a trailing transaction marker as read (the progress offset passes it)', async () => {
    const tracker = new CatchUpTracker();
    tracker.observe(0, '4'); // records 0..3 and the commit marker at 4
    await expect(tracker.waitFor(ends([[0, 0, 5]]))).resolves.toBeUndefined();
  });

  it('never moves a position backwards', () => {
    const tracker = new CatchUpTracker();
    tracker.observe(0, '9');
    tracker.observe(0, '3');
    expect(tracker.hasReached(ends([[0, 0, 10]]))).toBe(true);
  });

  it('fails every waiter when the reader fails', async () => {
    const tracker = new CatchUpTracker();
    const waiting = tracker.waitFor(ends([[0, 0, 10]]));
    tracker.fail(new Error('Elasticsearch refused the request'));
    await expect(waiting).rejects.toThrow('refused');
    await expect(tracker.waitFor(ends([[0, 0, 1]]))).rejects.toThrow('refused');
  });

  it('sizes a full read from the watermarks', () => {
    expect(
      recordsBetween(
        ends([
          [0, 0, 10],
          [1, 4, 6],
        ]),
      ),
    ).toBe(12);
  });
});
