// Batches sink actions into `_bulk` requests with a bounded number in flight, and does not
// let go of an action until Elasticsearch has settled it: written, superseded by a newer
// version, or rejected as malformed (dead-lettered). Overload and outages are waited out with
// backoff, so a caller that awaits `flush` before committing offsets never skips a write.
import {
  ElasticsearchRequestError,
  type BulkOperation,
  type ElasticsearchClient,
  type EsDocument,
} from '../platform/elasticsearch';
import type { Logger } from '../platform/logger';
import { metrics } from '../platform/metrics';
import type { SinkAction } from './doctor-document';
import { backoffDelay, DEFAULT_BACKOFF, verdictFor, type BackoffPolicy } from './retry-policy';

export interface WriteItem<S, D extends object = object> {
  action: SinkAction<D>;
  /** Whatever the dead-letter queue needs to point back at the input, e.g. the Kafka record. */
  source: S;
}

export interface BulkWriterOptions {
  /** Alias or index written to. */
  target: string;
  /** Refuse to auto-create a concrete index when the alias is missing. */
  requireAlias: boolean;
  maxActions: number;
  maxInFlight: number;
  /** How long a partial batch may wait for company before it is sent anyway. */
  lingerMs: number;
  backoff: BackoffPolicy;
  /** Metric label. */
  processor: string;
  /** How often the caller's consumer is kept alive while a request or a backoff waits. */
  heartbeatEveryMs?: number;
}

export interface BulkWriterHooks<S> {
  deadLetter(items: { source: S; reason: string }[]): Promise<void>;
  /** True while any write waits for Elasticsearch to recover; consumers pause meanwhile. */
  backpressure?(waiting: boolean): void;
}

export interface WriteTally {
  indexed: number;
  deleted: number;
  superseded: number;
  malformed: number;
  retries: number;
}

const HEARTBEAT_EVERY_MS = 3_000;

export class StoppedWhileRetryingError extends Error {
  constructor(pending: number) {
    super(
      `stopped with ${pending} writes not acknowledged by Elasticsearch; they will be replayed`,
    );
    this.name = 'StoppedWhileRetryingError';
  }
}

export class BulkWriter<S> {
  readonly tally: WriteTally = { indexed: 0, deleted: 0, superseded: 0, malformed: 0, retries: 0 };
  private readonly options: BulkWriterOptions;
  /** Keyed by document id: only the newest version of a doctor is worth sending. */
  private buffer = new Map<string, WriteItem<S>>();
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private lingerTimer: NodeJS.Timeout | undefined;
  private waitingChunks = 0;
  private stopping = false;
  private wakeSleepers = new Set<() => void>();
  private heartbeat: (() => Promise<void>) | undefined;

  constructor(
    private readonly es: ElasticsearchClient,
    private readonly hooks: BulkWriterHooks<S>,
    private readonly logger: Logger,
    options: Partial<BulkWriterOptions> & Pick<BulkWriterOptions, 'target'>,
  ) {
    this.options = {
      requireAlias: false,
      maxActions: 1_000,
      maxInFlight: 2,
      lingerMs: 50,
      backoff: DEFAULT_BACKOFF,
      processor: 'es-sink',
      ...options,
    };
  }

  /**
   * Adds actions; resolves once they are buffered or handed to a request (not yet
   * acknowledged). `heartbeat` keeps the caller's consumer alive while retries wait.
   */
  async add(items: Iterable<WriteItem<S>>, heartbeat?: () => Promise<void>): Promise<void> {
    if (heartbeat) this.heartbeat = heartbeat;
    this.throwIfFailed();
    for (const item of items) {
      const queued = this.buffer.get(item.action.id);
      if (queued && queued.action.version > item.action.version) {
        this.tally.superseded += 1;
        continue;
      }
      this.buffer.set(item.action.id, item);
      if (this.buffer.size >= this.options.maxActions) await this.dispatch();
    }
    if (this.buffer.size > 0 && this.lingerTimer === undefined && this.options.lingerMs > 0) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        this.dispatch().catch((error: unknown) => (this.failure ??= error));
      }, this.options.lingerMs);
    }
  }

  /** Resolves when every action added so far is settled in Elasticsearch. */
  async flush(): Promise<void> {
    await this.dispatch();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.throwIfFailed();
  }

  /** add + flush: resolves when these actions (and any before them) are settled. */
  async write(items: Iterable<WriteItem<S>>, heartbeat?: () => Promise<void>): Promise<void> {
    await this.add(items, heartbeat);
    await this.flush();
  }

  /** Lets the request in hand finish but gives up waiting for retries (graceful shutdown). */
  stopRetrying(): void {
    this.stopping = true;
    for (const wake of this.wakeSleepers) wake();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async dispatch(): Promise<void> {
    if (this.lingerTimer !== undefined) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
    while (this.buffer.size > 0) {
      const chunk = [...this.buffer.values()].slice(0, this.options.maxActions);
      for (const item of chunk) this.buffer.delete(item.action.id);
      while (this.inFlight.size >= this.options.maxInFlight) await Promise.race(this.inFlight);
      const request: Promise<void> = this.send(chunk)
        .catch((error: unknown) => {
          this.failure ??= error;
        })
        .finally(() => this.inFlight.delete(request));
      this.inFlight.add(request);
    }
  }

  private async send(chunk: WriteItem<S>[]): Promise<void> {
    let pending = chunk;
    let attempt = 0;
    let waiting = false;
    try {
      for (;;) {
        pending = await this.attempt(pending);
        if (pending.length === 0) return;
        if (this.stopping) throw new StoppedWhileRetryingError(pending.length);
        if (!waiting) {
          waiting = true;
          if (++this.waitingChunks === 1) this.hooks.backpressure?.(true);
        }
        attempt += 1;
        this.tally.retries += pending.length;
        await this.pause(backoffDelay(attempt, this.options.backoff));
      }
    } finally {
      if (waiting && --this.waitingChunks === 0) this.hooks.backpressure?.(false);
    }
  }

  /** One `_bulk` request; answers the items that must be sent again. */
  private async attempt(items: WriteItem<S>[]): Promise<WriteItem<S>[]> {
    const operations = items.map(({ action }) => toOperation(action));
    const stopTimer = metrics.esBulkSeconds.startTimer();
    let outcomes;
    try {
      // A request to a cluster that hangs (stopped, or swapping) waits up to the client's
      // timeout, 60 s: longer than the consumer's session, so it heartbeats meanwhile.
      outcomes = await this.heartbeating(
        this.es.bulk(this.options.target, operations, {
          requireAlias: this.options.requireAlias,
        }),
      );
    } catch (error) {
      if (!(error instanceof ElasticsearchRequestError) || !error.retryable) throw error;
      metrics.esRejections.inc({ reason: error.status === 429 ? 'throttled' : 'unavailable' });
      this.logger.warn({ err: error, items: items.length }, 'bulk request failed; will retry');
      return items;
    } finally {
      stopTimer();
    }
    const retry: WriteItem<S>[] = [];
    const malformed: { source: S; reason: string }[] = [];
    let retryReason: string | undefined;
    outcomes.forEach((outcome, i) => {
      const item = items[i];
      const verdict = verdictFor(item.action.kind, outcome);
      if (verdict === 'done') {
        if (item.action.kind === 'index') this.tally.indexed += 1;
        else this.tally.deleted += 1;
      } else if (verdict === 'superseded') {
        this.tally.superseded += 1;
        metrics.esRejections.inc({ reason: 'conflict' });
      } else if (verdict === 'malformed') {
        malformed.push({ source: item.source, reason: describe(outcome) });
      } else {
        retry.push(item);
        retryReason ??= describe(outcome);
        metrics.esRejections.inc({ reason: verdict === 'throttled' ? 'throttled' : 'unavailable' });
      }
    });
    const settled = items.length - retry.length;
    if (settled > 0) {
      metrics.recordsOut.inc(
        { processor: this.options.processor, destination: this.options.target },
        settled,
      );
    }
    if (malformed.length > 0) {
      this.tally.malformed += malformed.length;
      metrics.esRejections.inc({ reason: 'malformed' }, malformed.length);
      await this.hooks.deadLetter(malformed);
    }
    if (retry.length > 0) {
      this.logger.warn({ items: retry.length, reason: retryReason }, 'bulk items will be retried');
    }
    return retry;
  }

  private get heartbeatEveryMs(): number {
    return this.options.heartbeatEveryMs ?? HEARTBEAT_EVERY_MS;
  }

  /** Awaits `work`, heartbeating the caller's consumer until it settles. */
  private async heartbeating<T>(work: Promise<T>): Promise<T> {
    const heartbeat = this.heartbeat;
    if (!heartbeat) return work;
    const timer = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        this.logger.debug({ err: error }, 'heartbeat during a bulk request failed');
      });
    }, this.heartbeatEveryMs);
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }

  /** Sleeps for the backoff, heartbeating so a long outage does not cost the partitions. */
  private async pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await this.heartbeat?.().catch((error: unknown) => {
        this.logger.debug({ err: error }, 'heartbeat during backoff failed');
      });
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakeSleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(this.heartbeatEveryMs, until - Date.now()));
        this.wakeSleepers.add(wake);
      });
    }
  }
}

function toOperation(action: SinkAction<object>): BulkOperation {
  return action.kind === 'index'
    ? {
        action: 'index',
        id: action.id,
        version: action.version,
        document: action.document as EsDocument,
      }
    : { action: 'delete', id: action.id, version: action.version };
}

function describe(outcome: { status: number; errorType?: string; reason?: string }): string {
  return `Elasticsearch ${outcome.status}${outcome.errorType ? ` ${outcome.errorType}` : ''}: ${
    outcome.reason ?? 'no reason given'
  }`;
}
