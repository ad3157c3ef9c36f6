// `reval rebuild`: a new generation of each view set's index (the project's own views, and the
// legacy projection unless switched off), filled by replaying reval.connections from the
// beginning, and of the history index, filled by replaying reval.connection-changes; then
// every alias of every set swapped in one atomic `_aliases` call. The history is read from
// its topic even with --from-sources: a change that happened cannot be recomputed.
//
// Why no update of the live sink can be lost: the live sink keeps writing through the write
// alias, i.e. to the old index, until the swap. The rebuild's reader never stops following
// the topic; after the swap it captures the end offsets E once more and reads on to E before
// finishing. Any record the live sink wrote to the old index was read from the topic before
// that write, hence before the swap, hence lies below E; every record at or above E is
// produced after the swap, so the live sink writes it through the alias to the new index.
// External versions make the overlap (both writing the same record) harmless.
import type { EsClients } from './clients';
import { randomUUID } from 'node:crypto';
import { ElasticsearchRequestError, type ElasticsearchClient } from '../platform/elasticsearch';
import {
  CatchUpTracker,
  recordsIn,
  type CatchUpRange,
  type KafkaRecord,
  type RunningConsumer,
} from '../platform/kafka';
import { ensureViews } from './bootstrap';
import type { BulkWriterOptions, WriteTally } from './bulk-writer';
import type { BulkWriter } from './bulk-writer';
import { decodeHistoryRecords, decodeRecords } from './decode';
import { historyWriter } from './history-writer';
import { BULK_LOAD_SETTINGS, LIVE_SETTINGS } from './mappings';
import { historySetOf, viewSetsOf, type IndexSet, type ViewSet } from './view-sets';
import { ViewWriters } from './view-writers';
import { generationIndex, nextGeneration, swapActions } from './views';

export const REBUILD_PROCESSOR = 'es-rebuild';

/** Recomputes reval.connections from the CDC and GMC topics; answers the topic to replay. */
export type RecomputeConnections = () => Promise<string>;

export interface RebuildProgress {
  start(total: number, phase: string): void;
  advance(records: number): void;
  phase(name: string): void;
  stop(): void;
}

export interface RebuildDependencies extends EsClients {
  recomputeConnections?: RecomputeConnections;
  progress?: RebuildProgress;
  bulk?: Partial<Omit<BulkWriterOptions, 'target' | 'requireAlias'>>;
  /** Test seam: runs after the new index is complete, just before the swap. */
  beforeSwap?(index: string): Promise<void>;
}

export interface RebuildOptions {
  fromSources?: boolean;
  keepOld?: boolean;
}

export interface RebuildReport extends WriteTally {
  topic: string;
  /** Per set, in the order of viewSetsOf (the project's own views first), then the history. */
  generations: { views: IndexSet['label']; previousIndex: string; index: string }[];
  records: number;
  /** The history index's writes, when it is kept. */
  history?: WriteTally;
  deadLettered: number;
  seconds: number;
  /** Where the time went, for the runbook and the benchmark. */
  phases: Record<string, number>;
  previousIndexDeleted: boolean;
}

export class RebuildConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RebuildConflictError';
  }
}

export async function rebuild(
  options: RebuildOptions,
  deps: RebuildDependencies,
): Promise<RebuildReport> {
  const { kafka, es, logger } = deps;
  const sets = viewSetsOf(deps);
  const { history } = deps;
  const indexSets = history ? [...sets, historySetOf(history)] : sets;
  const started = performance.now();
  const phases = new PhaseClock();
  const topic = options.fromSources ? await recompute(deps) : deps.topic;
  phases.lap('recompute');

  // The views must exist so that the swap can move them (and a racing sink cannot add them).
  const previousIndices = await ensureViews(es, indexSets, logger);
  const indices = await createGenerations(es, indexSets);
  logger.info({ topic, indices, previousIndices }, 'rebuilding the doctor views');
  phases.lap('prepare');

  const replay = new Replay(deps, sets, topic, indices);
  const topics = replay.topics;
  let swapped = false;
  try {
    const ends = await kafka.captureEnds(topics);
    deps.progress?.start(recordsIn(ends), 'replaying');
    await replay.start();
    await replay.reach(ends);
    phases.lap('replay');
    // Catch up with what was written meanwhile, so readers meet a fresh index at the swap.
    deps.progress?.phase('catching up');
    await replay.reach(await kafka.captureEnds(topics));
    for (const index of indices) {
      await es.putSettings(index, LIVE_SETTINGS);
      await es.refresh(index);
    }
    phases.lap('catchUp');
    await deps.beforeSwap?.(indices[0]);
    deps.progress?.phase('swapping');
    await swap(es, indexSets, previousIndices, indices);
    swapped = true;
    logger.info({ indices, previousIndices }, 'aliases swapped');
    phases.lap('swap');
    deps.progress?.phase('after swap');
    await replay.reach(await kafka.captureEnds(topics));
    for (const index of indices) await es.refresh(index);
    phases.lap('afterSwap');
  } catch (error) {
    // Before the swap nobody reads the new indices: drop them. After, they are live: keep all.
    if (!swapped) for (const index of indices) await es.deleteIndex(index).catch(() => undefined);
    throw error;
  } finally {
    await replay.stop();
    deps.progress?.stop();
  }

  const previousIndexDeleted = !options.keepOld;
  if (previousIndexDeleted) for (const index of previousIndices) await es.deleteIndex(index);
  phases.lap('cleanup');
  const report: RebuildReport = {
    topic,
    generations: indexSets.map((set, i) => ({
      views: set.label,
      previousIndex: previousIndices[i],
      index: indices[i],
    })),
    ...replay.writers.tally,
    records: replay.records,
    ...(replay.historyTally && { history: replay.historyTally }),
    deadLettered:
      replay.deadLettered + replay.writers.malformed + (replay.historyTally?.malformed ?? 0),
    seconds: (performance.now() - started) / 1000,
    phases: phases.seconds,
    previousIndexDeleted,
  };
  logger.info(report, 'rebuild finished');
  return report;
}

/** Each set's next generation, empty and tuned for bulk loading; all or none. */
async function createGenerations(es: ElasticsearchClient, sets: IndexSet[]): Promise<string[]> {
  const created: string[] = [];
  for (const set of sets) {
    const existing = await es.indicesMatching(set.names.indexPattern);
    const index = generationIndex(set.names, nextGeneration(set.names, existing));
    if ((await es.createIndex(index, { settings: BULK_LOAD_SETTINGS })) === 'exists') {
      for (const mine of created) await es.deleteIndex(mine).catch(() => undefined);
      throw new RebuildConflictError(`${index} already exists: is another rebuild running?`);
    }
    created.push(index);
  }
  return created;
}

async function swap(es: ElasticsearchClient, sets: IndexSet[], from: string[], to: string[]) {
  try {
    await es.updateAliases(sets.flatMap((set, i) => swapActions(set.names, from[i], to[i])));
  } catch (error) {
    // 404: the aliases, or a whole previous index, are gone from under us.
    if (error instanceof ElasticsearchRequestError && error.status === 404) {
      throw new RebuildConflictError(
        `the views left ${from.join(', ')} during the rebuild (another rebuild swapped first): nothing changed`,
      );
    }
    throw error;
  }
}

async function recompute(deps: RebuildDependencies): Promise<string> {
  if (!deps.recomputeConnections) {
    throw new Error('--from-sources needs the connections processor, which is not wired here');
  }
  deps.progress?.phase('recomputing reval.connections');
  return deps.recomputeConnections();
}

class PhaseClock {
  readonly seconds: Record<string, number> = {};
  private last = performance.now();

  lap(name: string): void {
    const now = performance.now();
    this.seconds[name] = Math.round(now - this.last) / 1000;
    this.last = now;
  }
}

/**
 * Follows the topic from the beginning into the new indices until told where to stop, and
 * the history topic into the history's new index (the one after the view sets').
 */
class Replay {
  readonly writers: ViewWriters;
  readonly topics: string[];
  private readonly history: BulkWriter<KafkaRecord> | undefined;
  records = 0;
  deadLettered = 0;
  private readonly tracker = new CatchUpTracker();
  private consumer: RunningConsumer | undefined;

  constructor(
    private readonly deps: RebuildDependencies,
    sets: ViewSet[],
    private readonly topic: string,
    indices: string[],
  ) {
    const options = { ...deps.bulk, requireAlias: false, processor: REBUILD_PROCESSOR };
    this.writers = new ViewWriters(deps.es, sets, indices, deps.deadLetters, deps.logger, options);
    this.topics = deps.history ? [topic, deps.history.topic] : [topic];
    this.history =
      deps.history &&
      historyWriter(deps.es, indices[sets.length], deps.deadLetters, deps.logger, options);
  }

  async start(): Promise<void> {
    this.consumer = await this.deps.kafka.consume(
      {
        groupId: `reval-rebuild-${randomUUID()}`,
        topics: this.topics,
        fromBeginning: true,
        commitOffsets: false,
        onProgress: (topic, partition, lastOffset) =>
          this.tracker.observe(topic, partition, BigInt(lastOffset) + 1n),
      },
      async (batch) => {
        try {
          if (this.history && batch.topic !== this.topic) {
            const { items, rejected } = await decodeHistoryRecords(batch.records, this.deps.codecs);
            await this.deps.deadLetters.send(rejected);
            this.deadLettered += rejected.length;
            await this.history.add(items, batch.heartbeat);
          } else {
            const { items, rejected } = await decodeRecords(batch.records, this.deps.codecs);
            await this.deps.deadLetters.send(rejected);
            this.deadLettered += rejected.length;
            await this.writers.add(items, batch.heartbeat);
          }
          // onProgress also reports marker-only batches; this covers consumers without it.
          const last = batch.records[batch.records.length - 1];
          this.tracker.observe(batch.topic, batch.partition, BigInt(last.offset) + 1n);
          this.records += batch.records.length;
          this.deps.progress?.advance(batch.records.length);
        } catch (error) {
          this.tracker.fail(error);
          throw error;
        }
      },
    );
  }

  /** Resolves when every record below `ends` is settled in the new index. */
  async reach(ends: CatchUpRange[]): Promise<void> {
    await this.tracker.waitFor(ends);
    await this.writers.flush();
    await this.history?.flush();
  }

  get historyTally(): WriteTally | undefined {
    return this.history?.tally;
  }

  async stop(): Promise<void> {
    this.writers.stopRetrying();
    this.history?.stopRetrying();
    await this.consumer?.stop();
  }
}
