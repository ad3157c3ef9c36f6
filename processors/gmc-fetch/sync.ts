// One GMC sync run (docs/rules.md §5): take the transactional id, then fetch every body
// while restoring the current state from gmc.doctors, compare, and publish the changes and
// the run report in one Kafka transaction. Taking the id first matters: it fences any
// run already under way, so the state read afterwards cannot be overtaken by its commit.
import { randomUUID } from 'node:crypto';
import type { GmcConfig } from '../platform/config';
import { topicSpecs, type Topics } from '../platform/topics';
import type { DesignatedBodyFetch } from '../platform/gmc-soap';
import type { KafkaClient, OutgoingMessage, TransactionalProducer } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import type { SchemaRegistryCodecs } from '../platform/registry';
import { compareGmcRun, type DoctorChange } from './compare';
import { fetchAllDesignatedBodies, type DoctorsForDbSource } from './fetch-all';
import { buildRunReport, type GmcSyncRunReport } from './report';
import { decodeGmcDoctorsRecord, encodeGmcDoctorState, type GmcDoctorState } from './gmc-doctors';
import { stateInterner } from './state';

/** What a run writes: the states and its report, in one transaction. */
const GMC_SYNC_TOPICS = ['gmcDoctors', 'gmcSyncRuns'] as const;

export interface GmcSyncDeps {
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  topics: Topics;
  gmc: DoctorsForDbSource;
  logger?: Logger;
}

export interface GmcSyncOptions {
  designatedBodies: readonly string[];
  concurrency: number;
  maxDisconnectRatio: number;
  force?: boolean;
  /** Compare and report, publish nothing, fence nobody. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Called as each designated body's fetch ends (progress). */
  onFetched?: (fetch: DesignatedBodyFetch) => void;
  /** GMC_SYNC_TRANSACTIONAL_ID: fixed, so that a second concurrent run fences the first. */
  transactionalId: string;
}

export interface GmcSyncResult {
  report: GmcSyncRunReport;
  changes: DoctorChange[];
  published: boolean;
  timings: {
    fetchMs: number;
    restoreMs: number;
    compareMs: number;
    publishMs: number;
    totalMs: number;
  };
}

/** A full run as configured: what the nightly schedule does and `reval gmc-sync` starts from. */
export function runOptionsFromConfig(config: GmcConfig, signal?: AbortSignal): GmcSyncOptions {
  return {
    designatedBodies: config.designatedBodies,
    concurrency: config.concurrency,
    maxDisconnectRatio: config.maxDisconnectRatio,
    transactionalId: config.syncTransactionalId,
    signal,
  };
}

export class SyncFencedError extends Error {
  constructor() {
    super(
      'another GMC sync run took over the transactional id (fenced); this run published nothing',
    );
    this.name = 'SyncFencedError';
  }
}

export class SyncCancelledError extends Error {
  constructor() {
    super('the GMC sync run was cancelled before publishing; nothing was published');
    this.name = 'SyncCancelledError';
  }
}

/**
 * Messages per produce request: a whole first run in one request would pass the broker's
 * 1 MB batch limit; 2,000 states stay under it even on a topic with one partition.
 */
const SEND_CHUNK = 2_000;

/** Kafka reports a fenced producer as one of these error types. */
const FENCING_ERRORS = /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|INVALID_PRODUCER_ID_MAPPING/;

export function isFencingError(error: unknown): boolean {
  for (
    let e = error as { type?: unknown; message?: unknown; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (FENCING_ERRORS.test(String(e.type ?? '')) || FENCING_ERRORS.test(String(e.message ?? '')))
      return true;
  }
  return false;
}

/** The current GMC state of every doctor, restored from the compacted topic. */
export async function restoreGmcState(
  kafka: KafkaClient,
  codecs: SchemaRegistryCodecs,
  topic: string,
  logger?: Logger,
): Promise<Map<string, GmcDoctorState>> {
  const state = new Map<string, GmcDoctorState>();
  const intern = stateInterner();
  await kafka.readToEnd(
    [topic],
    async (records) => {
      for (const record of records) {
        const decoded = await decodeGmcDoctorsRecord(record, codecs);
        if (!decoded.ok) {
          // A key that is no GMC number is no doctor GMC can list: nothing to compare it with.
          if (decoded.error.gmcNumberProblem !== undefined) {
            logger?.warn(
              { partition: record.partition, offset: record.offset, reason: decoded.error.reason },
              'gmc.doctors record skipped',
            );
            continue;
          }
          // A state we cannot read makes every comparison doubtful: the run stops here.
          throw new Error(
            `cannot restore ${topic} partition ${record.partition} offset ${record.offset}: ${decoded.error.reason}`,
          );
        }
        const { gmcNumber, state: doctor } = decoded.value;
        if (doctor === null) state.delete(gmcNumber);
        else state.set(gmcNumber, intern(doctor));
      }
    },
    { readCommitted: true },
  );
  return state;
}

async function encodeChunk(
  codecs: SchemaRegistryCodecs,
  changes: readonly DoctorChange[],
): Promise<OutgoingMessage[]> {
  const messages: OutgoingMessage[] = [];
  for (const change of changes) {
    messages.push({
      key: change.state.gmcReferenceNumber,
      value: await encodeGmcDoctorState(codecs, change.state),
    });
  }
  return messages;
}

async function publishRun(
  producer: TransactionalProducer,
  deps: GmcSyncDeps,
  changes: readonly DoctorChange[],
  report: GmcSyncRunReport,
): Promise<void> {
  const { codecs, topics } = deps;
  const reportMessage = { key: report.runId, value: await codecs.encode('gmcSyncRun', report) };
  await producer.transaction(async (scope) => {
    // Chunk by chunk, each encoded while the previous one is on its way to the broker: a
    // first run's hundred thousand encoded states need never be in memory at once.
    let sending: Promise<void> = Promise.resolve();
    for (let i = 0; i < changes.length; i += SEND_CHUNK) {
      const messages = await encodeChunk(codecs, changes.slice(i, i + SEND_CHUNK));
      await sending;
      sending = scope.send(topics.gmcDoctors, messages);
      // Awaited on the next turn; until then a failure must not count as unhandled.
      sending.catch(() => undefined);
    }
    await sending;
    await scope.send(topics.gmcSyncRuns, [reportMessage]);
  });
}

export async function runGmcSync(
  deps: GmcSyncDeps,
  options: GmcSyncOptions,
): Promise<GmcSyncResult> {
  const log = deps.logger ?? createLogger('gmc-sync');
  const started = performance.now();
  const runId = randomUUID();
  const requestTime = new Date();
  log.info(
    { runId, designatedBodies: options.designatedBodies, dryRun: !!options.dryRun },
    'GMC sync run started',
  );

  await deps.kafka.ensureTopics(topicSpecs(deps.topics, GMC_SYNC_TOPICS));
  const producer = options.dryRun
    ? undefined
    : await deps.kafka.createTransactionalProducer(options.transactionalId);
  try {
    const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
      const t = performance.now();
      return [await work(), performance.now() - t];
    };
    const [[fetches, fetchMs], [current, restoreMs]] = await Promise.all([
      timed(() =>
        fetchAllDesignatedBodies(deps.gmc, options.designatedBodies, {
          concurrency: options.concurrency,
          signal: options.signal,
          onFetched: options.onFetched,
        }),
      ),
      timed(() => restoreGmcState(deps.kafka, deps.codecs, deps.topics.gmcDoctors, log)),
    ]);
    if (options.signal?.aborted) throw new SyncCancelledError();
    logAnswerWarnings(log, runId, fetches);

    const compareStarted = performance.now();
    const comparison = compareGmcRun({
      runId,
      requestTime,
      fetches,
      current,
      maxDisconnectRatio: options.maxDisconnectRatio,
      force: !!options.force,
    });
    const compareMs = performance.now() - compareStarted;
    const report = buildRunReport(comparison, {
      runId,
      requestTime,
      finishedTime: new Date(),
      forced: !!options.force,
    });

    const publishStarted = performance.now();
    if (producer) {
      try {
        await publishRun(producer, deps, comparison.changes, report);
      } catch (error) {
        if (isFencingError(error)) throw new SyncFencedError();
        throw error;
      }
    }
    const publishMs = performance.now() - publishStarted;
    log.info(
      { runId, status: report.status, changes: comparison.changes.length, published: !!producer },
      'GMC sync run finished',
    );
    return {
      report,
      changes: comparison.changes,
      published: !!producer,
      timings: { fetchMs, restoreMs, compareMs, publishMs, totalMs: performance.now() - started },
    };
  } finally {
    await producer?.disconnect().catch(() => undefined);
  }
}

/**
 * What GMC's answers held that could not be used as sent (a doctor skipped for an invalid
 * GMC number, a date or UnderNotice kept as null): a warning per body, with the first few.
 */
function logAnswerWarnings(log: Logger, runId: string, fetches: DesignatedBodyFetch[]): void {
  for (const fetch of fetches) {
    if (fetch.warnings.length === 0) continue;
    log.warn(
      {
        runId,
        designatedBody: fetch.designatedBody,
        count: fetch.warnings.length,
        warnings: fetch.warnings.slice(0, 20),
      },
      'GMC answer had values that could not be used as sent',
    );
  }
}
