// Reading partitions by offset with no consumer group: Kafka's manual assignment, which
// kafkajs lacks. State readers (a store restored from its changelog, a global table, a topic
// read to its end) have nothing to coordinate and nothing to commit, so a group would only
// cost a join before the first record and leave a group behind on the broker after a crash.
// Built on kafkajs's private cluster and fetch request (cluster.ts) and its Batch, which
// drops control records and aborted transactions as the group consumer does.
import type { Kafka } from 'kafkajs';
import {
  createCluster,
  READ_COMMITTED,
  READ_UNCOMMITTED,
  type KafkajsCluster,
  type KafkajsPartitionData,
  type KafkajsRecord,
} from './cluster';
import { errorType, METADATA_IN_MOTION } from './errors';
import type { Logger } from '../logger';
import { toKafkaRecord } from './records';
import type { KafkaRecord } from './types';

/** kafkajs's Batch: drops control records, and the records of aborted transactions. */
interface KafkajsBatch {
  messages: KafkajsRecord[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Batch = require('kafkajs/src/consumer/batch') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: KafkajsPartitionData,
) => KafkajsBatch;

/** Offsets of one partition to read: `from` inclusive, `to` exclusive, or on for ever. */
export interface FetchRange {
  topic: string;
  partition: number;
  from: bigint;
  to?: bigint;
}

export interface FetchedBatch {
  topic: string;
  partition: number;
  records: KafkaRecord[];
  /** The position after this batch (transaction markers and compacted gaps included). */
  next: bigint;
  highWatermark: bigint;
}

export interface FetchOptions {
  readCommitted: boolean;
  logger: Logger;
  /** How long the broker may hold a fetch with nothing to return. */
  maxWaitMs?: number;
  /**
   * The most one fetch answer may carry (a partition gets a quarter, or all when asked
   * alone). It bounds memory more than it seems: kafkajs decodes every record of an answer
   * into objects, and small records make a 16 MB answer hundreds of MB of heap.
   */
  fetchBytes?: number;
}

const DEFAULT_FETCH_BYTES = 16 * 1024 * 1024;

/** Gives up after this long without a successful fetch (a bounded read only). */
const BOUNDED_RETRY_MS = 60_000;
/** Empty answers for a partition below its end before it is asked alone. */
const EMPTY_ANSWERS_BEFORE_PROBE = 3;

interface PartitionState extends FetchRange {
  position: bigint;
  /** Answers in a row with nothing below the readable end. */
  empty: number;
  /** The readable end the last empty answer showed. */
  end?: bigint;
}

/**
 * Where the next fetch starts: after the last record batch returned, from its header, so
 * transaction markers and records compacted out of a batch are stepped over.
 */
function positionAfter(position: bigint, data: KafkajsPartitionData): bigint {
  let next = position;
  for (const message of data.messages) {
    const context = message.batchContext;
    const end = context
      ? BigInt(context.firstOffset) + BigInt(context.lastOffsetDelta) + 1n
      : BigInt(message.offset) + 1n;
    if (end > next) next = end;
  }
  return next;
}

/** How far a reader may read: the last stable offset when reading committed, else the end. */
function readableEnd(state: FetchRange, data: KafkajsPartitionData, readCommitted: boolean) {
  const end = BigInt(
    readCommitted ? (data.lastStableOffset ?? data.highWatermark) : data.highWatermark,
  );
  return state.to !== undefined && state.to < end ? state.to : end;
}

export class PartitionFetcher {
  private stopped = false;
  private wake?: () => void;

  private constructor(
    private readonly cluster: KafkajsCluster,
    private readonly options: FetchOptions,
  ) {}

  static async open(kafka: Kafka, options: FetchOptions): Promise<PartitionFetcher> {
    const cluster = createCluster(kafka, { isolationLevel: isolationOf(options) });
    await cluster.connect();
    return new PartitionFetcher(cluster, options);
  }

  /**
   * Reads the ranges, handing each partition's records to `handle` in offset order; resolves
   * when every bounded range is read (never, while an unbounded one remains, until `stop`).
   * The next fetch is in flight while `handle` works on the last one.
   */
  async run(
    ranges: FetchRange[],
    handle: (batch: FetchedBatch) => Promise<void> | void,
  ): Promise<void> {
    const positions = new Map<string, PartitionState>();
    for (const range of ranges) {
      if (range.to !== undefined && range.to <= range.from) continue;
      positions.set(`${range.topic}:${range.partition}`, {
        ...range,
        position: range.from,
        empty: 0,
      });
    }
    if (positions.size === 0) return;
    await this.cluster.addMultipleTargetTopics([...new Set(ranges.map((r) => r.topic))]);
    let pending = this.fetchWithRetry(positions);
    while (!this.stopped && positions.size > 0) {
      const batches = await pending;
      // Advance every position first, so the next fetch can go out before the handling.
      const ready: FetchedBatch[] = [];
      for (const batch of batches) {
        const state = positions.get(`${batch.topic}:${batch.partition}`);
        if (!state) continue;
        state.position = batch.next;
        if (state.to !== undefined) {
          batch.records = batch.records.filter((record) => BigInt(record.offset) < state.to!);
          if (state.position >= state.to) positions.delete(`${batch.topic}:${batch.partition}`);
        }
        ready.push(batch);
      }
      pending = positions.size > 0 && !this.stopped ? this.fetchWithRetry(positions) : pending;
      // Not awaited yet: a failure surfaces at the next round, or is dropped after a stop.
      pending.catch(() => undefined);
      for (const batch of ready) await handle(batch);
    }
  }

  /** Ends `run` after the fetch in hand; `close` releases the connections. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.stop();
    await this.cluster.disconnect();
  }

  private async fetchWithRetry(positions: Map<string, PartitionState>): Promise<FetchedBatch[]> {
    const started = Date.now();
    const bounded = [...positions.values()].every((state) => state.to !== undefined);
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        return await this.fetchOnce(positions);
      } catch (error) {
        const type = errorType(error);
        if (type === 'OFFSET_OUT_OF_RANGE') {
          await this.resetToLogStart(positions);
          continue;
        }
        if (this.stopped || (bounded && Date.now() - started > BOUNDED_RETRY_MS)) throw error;
        this.options.logger[METADATA_IN_MOTION.has(type) ? 'debug' : 'warn'](
          { err: error, retryInMs: delay },
          'fetch failed: retrying',
        );
        await this.pause(delay);
        await this.cluster.refreshMetadata().catch(() => undefined);
      }
    }
  }

  private async fetchOnce(
    positions: Map<string, PartitionState>,
    alone = false,
  ): Promise<FetchedBatch[]> {
    const fetchBytes = this.options.fetchBytes ?? DEFAULT_FETCH_BYTES;
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of positions.values()) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    }
    // Leader → its partitions, topic by topic.
    const byLeader = new Map<string, { topic: string; partitions: number[] }[]>();
    for (const [topic, partitions] of byTopic) {
      for (const [leader, led] of Object.entries(
        this.cluster.findLeaderForPartitions(topic, partitions),
      )) {
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), { topic, partitions: led }]);
      }
    }
    const answers = await Promise.all(
      [...byLeader].map(async ([nodeId, topics]) => {
        const broker = await this.cluster.findBroker({ nodeId });
        const request = topics.map(({ topic, partitions }) => ({
          topic,
          partitions: partitions.map((partition) => ({
            partition,
            fetchOffset: (positions.get(`${topic}:${partition}`)?.position ?? 0n).toString(),
            maxBytes: alone ? fetchBytes : fetchBytes / 4,
          })),
        }));
        const { responses } = await broker.fetch({
          isolationLevel: isolationOf(this.options),
          maxWaitTime: alone ? 0 : (this.options.maxWaitMs ?? 250),
          minBytes: 1,
          maxBytes: fetchBytes,
          topics: request,
        });
        return responses;
      }),
    );
    const batches: FetchedBatch[] = [];
    const starved: PartitionState[] = [];
    for (const { topicName, partitions } of answers.flat()) {
      for (const data of partitions) {
        const state = positions.get(`${topicName}:${data.partition}`);
        if (!state) continue;
        const next = positionAfter(state.position, data);
        if (next > state.position || data.messages.length > 0) {
          state.empty = 0;
          const fetched = new Batch(topicName, state.position.toString(), data);
          batches.push({
            topic: topicName,
            partition: data.partition,
            records: fetched.messages.map((message) =>
              toKafkaRecord(topicName, data.partition, message),
            ),
            next,
            highWatermark: BigInt(data.highWatermark),
          });
          continue;
        }
        state.end = readableEnd(state, data, this.options.readCommitted);
        if (state.position < state.end && ++state.empty >= EMPTY_ANSWERS_BEFORE_PROBE) {
          starved.push(state);
        }
      }
    }
    if (alone) return batches;
    // A partition that keeps answering nothing below its end was either crowded out of a full
    // response by the others, or holds only record batches that compaction emptied (kafkajs
    // drops a batch with no records, header and all). Asked alone it gets its first batch
    // whatever the size limits, so nothing then means the rest is empty: step to the end.
    for (const state of starved) {
      const key = `${state.topic}:${state.partition}`;
      const [batch] = await this.fetchOnce(new Map([[key, state]]), true);
      if (batch) {
        batches.push(batch);
      } else if (state.empty >= EMPTY_ANSWERS_BEFORE_PROBE && state.end !== undefined) {
        this.options.logger.debug(
          { topic: state.topic, partition: state.partition, from: `${state.position}` },
          'only emptied record batches below the end: stepping over them',
        );
        batches.push({
          topic: state.topic,
          partition: state.partition,
          records: [],
          next: state.end,
          highWatermark: state.end,
        });
      }
      state.empty = 0;
    }
    return batches;
  }

  private async resetToLogStart(positions: Map<string, PartitionState>): Promise<void> {
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of positions.values()) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    }
    const starts = await this.cluster.fetchTopicsOffset(
      [...byTopic].map(([topic, partitions]) => ({
        topic,
        fromBeginning: true,
        partitions: partitions.map((partition) => ({ partition })),
      })),
    );
    for (const { topic, partitions } of starts) {
      for (const { partition, offset } of partitions) {
        const state = positions.get(`${topic}:${partition}`);
        if (state && state.position < BigInt(offset)) {
          this.options.logger.info(
            { topic, partition, from: state.position.toString(), to: offset },
            'records below the log start are gone: reading from the log start',
          );
          state.position = BigInt(offset);
          if (state.to !== undefined && state.position >= state.to) {
            positions.delete(`${topic}:${partition}`);
          }
        }
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function isolationOf(options: FetchOptions): number {
  return options.readCommitted ? READ_COMMITTED : READ_UNCOMMITTED;
}
