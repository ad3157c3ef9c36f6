// One GMC sync run (DOMAIN.md section 5): take the transactional id, then fetch every body
// while restoring the current state from gmc.doctors, compare, and publish the changes and
// the run report in one Kafka transaction. Taking the id first matters: it fences any
// run already under way, so the state read afterwards cannot be overtaken by its commit.
import { randomUUID } from 'node:crypto';
import type { Topics } from '../platform/config';
import type { KafkaClient, OutgoingMessage, TransactionalProducer } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import type { SchemaRegistryCodecs } from '../platform/registry';
import { compareGmcRun, type DoctorChange } from './compare';
import { fetchAllDesignatedBodies, type DoctorsForDbSource } from './fetch-all';
import { buildRunReport, type GmcSyncRunReport } from './report';
import { stateInterner, type GmcDoctorState } from './state';
import { gmcTopicSpecs } from './topics';

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
  /** GMC_SYNC_TRANSACTIONAL_ID: fixed, so that a second concurrent run fences the first. */
  transactionalId: string;
  now?: () => Date;
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

/** Messages per produce request: a whole run in one request would pass the broker's limit. */
const SEND_CHUNK = 1_000;

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
): Promise<Map<string, GmcDoctorState>> {
  const state = new Map<string, GmcDoctorState>();
  const intern = stateInterner();
  await kafka.readToEnd(
    [topic],
    async (records) => {
      for (const record of records) {
        if (!record.key) continue;
        const gmcNumber = record.key.toString('utf8');
        if (record.value === null) state.delete(gmcNumber);
        else state.set(gmcNumber, intern((await codecs.decode(record.value)) as GmcDoctorState));
      }
    },
    { readCommitted: true },
  );
  return state;
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
    // Encoded chunk by chunk: a first run's 100,000 encoded states need not all be in memory.
    for (let i = 0; i < changes.length; i += SEND_CHUNK) {
      const messages: OutgoingMessage[] = [];
      for (const change of changes.slice(i, i + SEND_CHUNK)) {
        messages.push({
          key: change.state.gmcReferenceNumber,
          value: await codecs.encode('gmcDoctor', change.state),
        });
      }
      await scope.send(topics.gmcDoctors, messages);
    }
    await scope.send(topics.gmcSyncRuns, [reportMessage]);
  });
}

/**
 * Takes the run's transactional id now, before any state is read: an empty transaction
 * makes the client register the id with the broker (kafkajs only does so when the first
 * transaction begins), which fences any run that took it earlier and aborts its open
 * transaction, so the state restored afterwards can no longer be overtaken by its commit.
 */
async function claimTransactionalId(
  kafka: KafkaClient,
  options: GmcSyncOptions,
): Promise<TransactionalProducer> {
  const producer = await kafka.createTransactionalProducer(options.transactionalId);
  await producer.transaction(async () => undefined);
  return producer;
}

export async function runGmcSync(
  deps: GmcSyncDeps,
  options: GmcSyncOptions,
): Promise<GmcSyncResult> {
  const log = deps.logger ?? createLogger('gmc-sync');
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const runId = randomUUID();
  const requestTime = now();
  log.info(
    { runId, designatedBodies: options.designatedBodies, dryRun: !!options.dryRun },
    'GMC sync run started',
  );

  await deps.kafka.ensureTopics(gmcTopicSpecs(deps.topics));
  const producer = options.dryRun ? undefined : await claimTransactionalId(deps.kafka, options);
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
        }),
      ),
      timed(() => restoreGmcState(deps.kafka, deps.codecs, deps.topics.gmcDoctors)),
    ]);
    if (options.signal?.aborted) throw new SyncCancelledError();

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
      finishedTime: now(),
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
