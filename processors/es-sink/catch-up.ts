// Pure bookkeeping for a reader that follows a topic: has every partition been read up to
// the end offsets captured at some moment? Positions come from the consumer's progress
// callback, which also reports batches made only of transaction markers, so a partition
// whose last entry is a commit marker still counts as read to its end.

export type EndOffsets = Map<number, { low: string; high: string }>;

interface Waiter {
  ends: EndOffsets;
  resolve(): void;
  reject(error: unknown): void;
}

export class CatchUpTracker {
  /** Last offset read per partition (a record or a marker). */
  private readonly positions = new Map<number, bigint>();
  private waiters: Waiter[] = [];
  private failure: unknown;

  observe(partition: number, lastOffset: string): void {
    const offset = BigInt(lastOffset);
    if (offset > (this.positions.get(partition) ?? -1n)) this.positions.set(partition, offset);
    this.settle();
  }

  hasReached(ends: EndOffsets): boolean {
    for (const [partition, { low, high }] of ends) {
      if (BigInt(high) <= BigInt(low)) continue;
      if ((this.positions.get(partition) ?? -1n) < BigInt(high) - 1n) return false;
    }
    return true;
  }

  /** Resolves once every record below `ends` has been handed to the reader's handler. */
  waitFor(ends: EndOffsets): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.hasReached(ends)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ ends, resolve, reject }));
  }

  fail(error: unknown): void {
    this.failure ??= error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
  }

  private settle(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (!this.hasReached(waiter.ends)) return true;
      waiter.resolve();
      return false;
    });
  }
}

/** Records between the low and high watermarks: what a full read will hand over at most. */
export function recordsBetween(ends: EndOffsets): number {
  let total = 0n;
  for (const { low, high } of ends.values()) total += BigInt(high) - BigInt(low);
  return Number(total);
}
