// "Read to the end offsets captured at one moment": the one primitive behind reading a topic
// to its end, restoring a store from its changelog, a global table's first catch-up and the
// rebuild's replay. They differ only in where each partition starts and whether the reader
// stops at the ends; what "has read up to the end" means, and a reader's lag, is said here once.
import type { Kafka } from 'kafkajs';
import type { Logger } from '../logger';
import { PartitionFetcher, type FetchedBatch } from './partition-fetcher';
import type { EndOffsets } from './types';

/** One partition to read: from `from` (inclusive) to the end offset `to` captured for it. */
export interface CatchUpRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

/**
 * How far a reader at `position` (the next offset it will read, transaction markers
 * counted) is behind `end`: its lag. Zero once it is at or past the end.
 */
export function lag(position: bigint, end: bigint): bigint {
  return end > position ? end - position : 0n;
}

/** Whether a reader at `position` has read all of `range` (an empty range is read). */
export function hasRead(range: CatchUpRange, position: bigint): boolean {
  return range.to <= range.from || lag(position, range.to) === 0n;
}

/** Each partition of `topic` from its log start to its end offset in `ends`. */
export function rangesOf(topic: string, ends: EndOffsets): CatchUpRange[] {
  return [...ends].map(([partition, { low, high }]) => ({
    topic,
    partition,
    from: BigInt(low),
    to: BigInt(high),
  }));
}

/** Records the ranges hold at most (compaction may have removed some): a read's total. */
export function recordsIn(ranges: CatchUpRange[]): number {
  return ranges.reduce((total, range) => total + Number(lag(range.from, range.to)), 0);
}

interface Waiter {
  ranges: CatchUpRange[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A reader's positions, and who waits for them to reach some captured ends. Positions are
 * fed by the reader (a fetched batch, or a group consumer's progress, which also reports
 * batches of transaction markers only, so a partition ending in a marker counts as read).
 */
export class CatchUpTracker {
  /** The next offset to read per `topic:partition`. */
  private readonly positions = new Map<string, bigint>();
  private waiters: Waiter[] = [];
  private failure: unknown;

  /** The reader is now at `next` in this partition; a position never moves backwards. */
  observe(topic: string, partition: number, next: bigint): void {
    const key = `${topic}:${partition}`;
    if (next > (this.positions.get(key) ?? -1n)) this.positions.set(key, next);
    this.settle();
  }

  hasReached(ranges: CatchUpRange[]): boolean {
    return ranges.every((range) =>
      hasRead(range, this.positions.get(`${range.topic}:${range.partition}`) ?? range.from),
    );
  }

  /** Resolves once every record of `ranges` has been handed to the reader's handler. */
  waitFor(ranges: CatchUpRange[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.hasReached(ranges)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ ranges, resolve, reject }));
  }

  fail(error: unknown): void {
    this.failure ??= error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
  }

  private settle(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (!this.hasReached(waiter.ranges)) return true;
      waiter.resolve();
      return false;
    });
  }
}

export interface CatchUpOptions {
  /** Default true: never see records of aborted or open transactions. */
  readCommitted?: boolean;
  fetchBytes?: number;
  maxWaitMs?: number;
  /** Keep reading past the captured ends until stopped (a global table's reader). */
  follow?: boolean;
}

export interface CatchUpRead {
  /** Resolves when every range is read; rejects if reading fails first. */
  caughtUp: Promise<void>;
  /** Settles when reading ends: at the ends, at `stop`, or with the read's failure. */
  finished: Promise<void>;
  /** Ends the read after the fetch in hand and releases its connections. */
  stop(): Promise<void>;
}

/**
 * Reads `ranges` by offset, with no consumer group, handing each partition's records to
 * `handle` in offset order: up to the captured ends, or on beyond them with `follow`.
 */
export async function readToCapturedEnds(
  kafka: Kafka,
  logger: Logger,
  ranges: CatchUpRange[],
  handle: (batch: FetchedBatch) => Promise<void> | void,
  options: CatchUpOptions = {},
): Promise<CatchUpRead> {
  if (!options.follow && ranges.every((range) => hasRead(range, range.from))) {
    const done = Promise.resolve();
    return { caughtUp: done, finished: done, stop: async () => undefined };
  }
  const tracker = new CatchUpTracker();
  const fetcher = await PartitionFetcher.open(kafka, {
    readCommitted: options.readCommitted ?? true,
    logger,
    maxWaitMs: options.maxWaitMs,
    fetchBytes: options.fetchBytes,
  });
  const reading = fetcher.run(
    ranges.map((range) => (options.follow ? { ...range, to: undefined } : range)),
    async (batch) => {
      if (batch.records.length > 0) await handle(batch);
      tracker.observe(batch.topic, batch.partition, batch.next);
    },
  );
  reading.catch((error: unknown) => tracker.fail(error));
  return {
    // A bounded read is caught up when the fetcher is done: it also drops ranges whose
    // records are gone below a moved log start, which no batch reports.
    caughtUp: options.follow ? tracker.waitFor(ranges) : reading,
    finished: reading,
    stop: async () => {
      fetcher.stop();
      await reading.catch(() => undefined);
      await fetcher.close();
    },
  };
}
