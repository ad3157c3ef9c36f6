// The one module that knows the Kafka client library. Processors see only the small types
// below (records with Buffer keys and values, batches, producers), so replacing kafkajs —
// unmaintained upstream — means rewriting this file and nothing else.
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Batch,
  type Consumer,
  type Producer,
  type SASLOptions,
  type Transaction,
} from 'kafkajs';
import type { KafkaConfig } from './config';
import { METADATA_IN_MOTION, PartitionFetcher, toKafkaRecord } from './kafka-fetch';
import { createLogger, type Logger } from './logger';

/** The part of kafkajs's internal cluster `evictMember` uses. */
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(options: { groupId: string }): Promise<{
    leaveGroup(options: { groupId: string; memberId: string }): Promise<unknown>;
  }>;
}

export interface KafkaRecord {
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  /** Epoch millis as a decimal string. */
  timestamp: string;
}

export interface OutgoingMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
  partition?: number;
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Keyed state topics are compacted so the latest value per key survives forever. */
  compacted: boolean;
  config?: Record<string, string>;
}

export interface RecordBatch {
  topic: string;
  partition: number;
  records: KafkaRecord[];
  highWatermark: string;
  /**
   * The batch's last offset, transaction markers included: the position after the batch is
   * this plus one, which may lie beyond the last record.
   */
  lastOffset: string;
  /** Keep group membership alive during long work on one batch. */
  heartbeat(): Promise<void>;
  isStale(): boolean;
}

export type Assignment = Record<string, number[]>;

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Default true: never see records of aborted or open transactions. */
  readCommitted?: boolean;
  /** Called with this member's partitions after every rebalance. */
  onAssignment?(assignment: Assignment): void;
  /** Called with this member's id after every join, so a restart can evict its old self. */
  onJoin?(memberId: string): void;
  /** Called when a rebalance starts: this member may be about to lose partitions. */
  onRebalancing?(): void;
  /**
   * Called after every fetched batch, including batches of transaction markers only (which
   * `handle` never sees), with the batch's last offset and the partition's high watermark.
   */
  onProgress?(
    topic: string,
    partition: number,
    lastOffset: string,
    highWatermark: string,
    records: number,
  ): void;
  /**
   * Default true. False for consumers that rebuild state from the beginning after every
   * rebalance and so must never remember a position.
   */
  commitOffsets?: boolean;
  /** How long the group waits for a silent member before it takes its partitions (30 s). */
  sessionTimeoutMs?: number;
}

export interface RunningConsumer {
  /** Stops fetching, waits for the batch in hand to finish and its offsets to commit. */
  stop(): Promise<void>;
  /**
   * Commits positions (the next offset to read) for a consumer started with
   * `commitOffsets: false` that decides itself when its work is safely written.
   */
  commit(positions: { topic: string; partition: number; offset: bigint }[]): Promise<void>;
  pause(topics: string[]): void;
  resume(topics: string[]): void;
}

/** The offset of the last record written to each partition by one send. */
export type WrittenOffsets = Map<number, bigint>;

export interface MessageProducer {
  send(topic: string, messages: OutgoingMessage[]): Promise<WrittenOffsets>;
  /**
   * Sends to several topics in as few requests as the batch size limit allows; returns the
   * last offset written per `topic:partition` (for messages with an explicit partition).
   */
  sendMany(messages: { topic: string; message: OutgoingMessage }[]): Promise<Map<string, bigint>>;
  disconnect(): Promise<void>;
}

export interface TransactionScope {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
}

export interface TransactionalProducer {
  /** Runs `work` in one Kafka transaction: commits when it resolves, aborts when it throws. */
  transaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T>;
  disconnect(): Promise<void>;
}

export class KafkaClient {
  private readonly kafka: Kafka;
  private adminClient?: Promise<Admin>;

  constructor(
    config: KafkaConfig,
    private readonly logger: Logger = createLogger('kafka'),
  ) {
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      ssl: config.tls
        ? { ca: config.tls.ca, rejectUnauthorized: config.tls.rejectUnauthorized }
        : undefined,
      sasl: config.sasl as SASLOptions | undefined,
      connectionTimeout: 10_000,
      retry: { initialRetryTime: 300, retries: 8 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const { message, ...rest } = entry.log;
        // Bounded producer retries are deliberate (an outage must surface, not hang), so
        // kafkajs's warning about them is not news.
        const expected = message.startsWith('Limiting retries for the idempotent producer');
        // kafkajs logs every error answer at error level, even the ones it then retries
        // (coordinator not available or moving, leader elections, a topic just created):
        // normal at start-up. If the retries run out, the caller's error says so.
        const retried = RETRIABLE_ERROR_MESSAGES.has(String(rest.error ?? ''));
        const level =
          entry.level <= logLevel.ERROR && !retried
            ? 'error'
            : entry.level <= logLevel.WARN && !expected && !retried
              ? 'warn'
              : 'debug';
        this.logger[level]({ kafkajs: entry.namespace, ...rest }, message);
      },
    });
  }

  private admin(): Promise<Admin> {
    this.adminClient ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.adminClient;
  }

  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.admin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return;
    // kafkajs's own wait for leaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft
    // broker answers for a moment after the controller has created the topic (its metadata
    // cache lags the controller, most on a fresh, busy machine), so this waits itself.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions ?? 1,
        configEntries: Object.entries({
          'cleanup.policy': spec.compacted ? 'compact' : 'delete',
          ...spec.config,
        }).map(([name, value]) => ({ name, value })),
      })),
    });
    await this.waitForLeaders(missing.map((spec) => spec.topic));
    this.logger.info({ topics: missing.map((spec) => spec.topic) }, 'created topics');
  }

  /** Waits until every partition of `topics` has a leader, and the leader serves it. */
  private async waitForLeaders(topics: string[]): Promise<void> {
    // A short-lived admin: kafkajs keeps every topic it fetched metadata for as a target of
    // all later refreshes, and a target someone else deletes would then fail them.
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await this.whileMetadataMoves(`leaders of ${topics.join(', ')}`, async () => {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        const ready =
          metadata.length === topics.length &&
          metadata.every(
            (topic) =>
              topic.partitions.length > 0 &&
              topic.partitions.every((partition) => partition.leader >= 0),
          );
        if (!ready) return undefined;
        // The metadata names a leader a moment before the leader serves: ask it.
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return true;
      });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Runs `work` until it has an answer (undefined is "not yet"), with backoff for up to 30 s,
   * riding out the answers a KRaft broker gives for a moment after a topic is created or a
   * leader moves, on which kafkajs's admin gives up at once.
   */
  private async whileMetadataMoves<T>(
    what: string,
    work: () => Promise<T | undefined>,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
      try {
        const answer = await work();
        if (answer !== undefined) return answer;
      } catch (error) {
        const type = (error as { type?: string }).type ?? '';
        if (!METADATA_IN_MOTION.has(type) || Date.now() > deadline) throw error;
        this.logger.debug({ what, type }, 'metadata still moving: retrying');
      }
      if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.admin();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  }

  /**
   * Removes a member from a group (LeaveGroup on its behalf): what a restarted process does
   * for its killed predecessor, whose member would otherwise hold the next rebalance until
   * its session times out. Kafka's answer is static membership (group.instance.id), which
   * kafkajs lacks; a client that has it should use it instead. kafkajs exposes no LeaveGroup
   * for another member, so this reaches for its cluster factory (kept to this one method).
   */
  async evictMember(groupId: string, memberId: string): Promise<boolean> {
    const createCluster = Object.getOwnPropertySymbols(this.kafka)
      .filter((symbol) => symbol.description === 'private:Kafka:createCluster')
      .map((symbol) => (this.kafka as unknown as Record<symbol, unknown>)[symbol])[0] as
      ((options: object) => KafkajsCluster) | undefined;
    if (!createCluster) return false;
    const cluster = createCluster({});
    await cluster.connect();
    try {
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      await coordinator.leaveGroup({ groupId, memberId });
      return true;
    } catch (error) {
      // UNKNOWN_MEMBER_ID: it has already gone.
      if ((error as { type?: string }).type === 'UNKNOWN_MEMBER_ID') return false;
      throw error;
    } finally {
      await cluster.disconnect();
    }
  }

  async listGroups(): Promise<string[]> {
    const admin = await this.admin();
    return (await admin.listGroups()).groups.map((group) => group.groupId);
  }

  /** Deletes consumer groups (a finished one-shot job's); missing groups are not an error. */
  async deleteGroups(groupIds: string[]): Promise<void> {
    const admin = await this.admin();
    await admin.deleteGroups(groupIds).catch(() => undefined);
  }

  async topicConfig(topic: string): Promise<Record<string, string>> {
    const admin = await this.admin();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2 /* TOPIC */, name: topic }],
    });
    return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  }

  async partitionCount(topic: string): Promise<number> {
    return (await this.topicOffsets(topic)).length;
  }

  /** The end offset of each partition: where a reader that started now has caught up. */
  async endOffsets(topic: string): Promise<Map<number, { low: string; high: string }>> {
    const offsets = await this.topicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: o.low, high: o.high }]));
  }

  /** ListOffsets for every partition of a topic, once the topic's metadata has settled. */
  private async topicOffsets(topic: string) {
    const admin = await this.admin();
    return this.whileMetadataMoves(`offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
  }

  /** Committed offsets of a consumer group, for lag metrics and tests. */
  async groupOffsets(groupId: string, topics: string[]): Promise<Map<string, string>> {
    const admin = await this.admin();
    const result = await admin.fetchOffsets({ groupId, topics });
    const offsets = new Map<string, string>();
    for (const topic of result) {
      for (const p of topic.partitions) offsets.set(`${topic.topic}:${p.partition}`, p.offset);
    }
    return offsets;
  }

  async createProducer(): Promise<MessageProducer> {
    // Idempotent with one request in flight: retries can neither duplicate nor reorder.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return {
      send: async (topic, messages) => {
        const written: WrittenOffsets = new Map();
        for (const chunk of chunksUnderBatchLimit(messages)) {
          const metadata = await producer.send({
            topic,
            acks: -1,
            messages: chunk.map(toKafkaMessage),
          });
          lastOffsetsOf(chunk, metadata, written);
        }
        return written;
      },
      sendMany: async (entries) => {
        const written = new Map<string, bigint>();
        for (const chunk of chunksUnderBatchLimit(entries, (entry) => entry.message)) {
          const byTopic = new Map<string, OutgoingMessage[]>();
          for (const { topic, message } of chunk) {
            let messages = byTopic.get(topic);
            if (!messages) byTopic.set(topic, (messages = []));
            messages.push(message);
          }
          const metadata = await producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, messages]) => ({
              topic,
              messages: messages.map(toKafkaMessage),
            })),
          });
          for (const [topic, messages] of byTopic) {
            const perPartition: WrittenOffsets = new Map();
            lastOffsetsOf(
              messages,
              metadata.filter((m) => m.topicName === topic),
              perPartition,
            );
            for (const [partition, offset] of perPartition) {
              written.set(`${topic}:${partition}`, offset);
            }
          }
        }
        return written;
      },
      disconnect: () => producer.disconnect(),
    };
  }

  /**
   * A fixed transactional id fences any older producer with the same id: a second
   * concurrent instance makes the first one's commit fail instead of interleaving.
   */
  async createTransactionalProducer(transactionalId: string): Promise<TransactionalProducer> {
    const producer: Producer = this.kafka.producer({
      transactionalId,
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
    });
    await producer.connect();
    const transactionalProducer: TransactionalProducer = {
      transaction: async (work) => {
        const transaction: Transaction = await producer.transaction();
        try {
          const result = await work({
            send: async (topic, messages) => {
              for (const chunk of chunksUnderBatchLimit(messages)) {
                await transaction.send({ topic, acks: -1, messages: chunk.map(toKafkaMessage) });
              }
            },
          });
          await transaction.commit();
          return result;
        } catch (error) {
          await transaction.abort().catch((abortError: unknown) => {
            this.logger.warn({ err: abortError }, 'transaction abort failed (already fenced?)');
          });
          throw error;
        }
      },
      disconnect: () => producer.disconnect(),
    };
    // kafkajs registers the transactional id with the broker only when the first
    // transaction begins; an empty one now fences any older producer at creation, as the
    // contract above promises, and aborts its open transaction.
    await transactionalProducer.transaction(async () => undefined);
    return transactionalProducer;
  }

  /**
   * Consumes batch by batch; a batch's offsets are committed only after `handle` resolves,
   * so a crash replays from the last acknowledged write instead of losing records.
   */
  async consume(
    options: ConsumeOptions,
    handle: (batch: RecordBatch) => Promise<void>,
  ): Promise<RunningConsumer> {
    const consumer: Consumer = this.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: options.readCommitted === false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 250,
    });
    const { onAssignment, onJoin, onRebalancing, onProgress } = options;
    if (onAssignment || onJoin) {
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        onJoin?.(event.payload.memberId);
        onAssignment?.(event.payload.memberAssignment);
      });
    }
    if (onRebalancing) consumer.on(consumer.events.REBALANCING, () => onRebalancing());
    const commitOffsets = options.commitOffsets !== false;
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      const { topic, partition, lastOffset, highWatermark, batchSize } = event.payload;
      onProgress?.(topic, partition, lastOffset, highWatermark, batchSize);
      // A batch of transaction markers only: commit past them, so that a caught-up group's
      // committed position is the end of the partition, and its lag 0 to any tool.
      if (batchSize === 0 && commitOffsets) {
        consumer
          .commitOffsets([{ topic, partition, offset: nextOffset(lastOffset) }])
          .catch((error: unknown) =>
            this.logger.debug({ err: error, topic, partition }, 'commit past markers failed'),
          );
      }
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: options.topics,
      fromBeginning: options.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isStale, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        await handle({
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          lastOffset: batch.lastOffset(),
          records: toKafkaRecords(batch),
          heartbeat,
          isStale,
        });
        resolveOffset(batch.lastOffset());
        if (!commitOffsets) return;
        await consumer
          .commitOffsets([
            {
              topic: batch.topic,
              partition: batch.partition,
              offset: nextOffset(batch.lastOffset()),
            },
          ])
          .catch((error: unknown) => {
            throw rejoinable(error);
          });
      },
    });
    return {
      stop: () => consumer.disconnect(),
      commit: async (positions) => {
        if (positions.length === 0) return;
        // Called from a batch handler too: a refusal after an eviction or a rebalance must
        // reach kafkajs's fetch loop as the protocol error, so that it joins again.
        await consumer
          .commitOffsets(
            positions.map(({ topic, partition, offset }) => ({
              topic,
              partition,
              offset: offset.toString(),
            })),
          )
          .catch((error: unknown) => {
            throw rejoinable(error);
          });
      },
      pause: (topics) => consumer.pause(topics.map((topic) => ({ topic }))),
      resume: (topics) => consumer.resume(topics.map((topic) => ({ topic }))),
    };
  }

  /**
   * Reads topics from the beginning up to the end offsets they have now, then stops: how
   * state is restored from compacted topics.
   */
  async readToEnd(
    topics: string[],
    handle: (records: KafkaRecord[]) => Promise<void> | void,
    options: { readCommitted?: boolean } = {},
  ): Promise<void> {
    const ranges = [];
    for (const topic of topics) {
      for (const [partition, { low, high }] of await this.endOffsets(topic)) {
        ranges.push({ topic, partition, from: BigInt(low), to: BigInt(high) });
      }
    }
    await this.readPartitions(ranges, handle, options);
  }

  /**
   * Reads the given offset ranges of single partitions (`from` inclusive, `to` exclusive),
   * then stops: how a task's state store is restored from its changelog. No consumer group:
   * the partitions are fetched by offset (kafka-fetch.ts).
   */
  async readPartitions(
    ranges: { topic: string; partition: number; from: bigint; to: bigint }[],
    handle: (records: KafkaRecord[]) => Promise<void> | void,
    options: { readCommitted?: boolean; fetchBytes?: number } = {},
  ): Promise<void> {
    if (ranges.every((range) => range.to <= range.from)) return;
    const fetcher = await PartitionFetcher.open(this.kafka, {
      readCommitted: options.readCommitted ?? true,
      logger: this.logger,
      maxWaitMs: 100,
      fetchBytes: options.fetchBytes,
    });
    try {
      await fetcher.run(ranges, async (batch) => {
        if (batch.records.length > 0) await handle(batch.records);
      });
    } finally {
      await fetcher.close();
    }
  }

  /** Removes records below the given offsets: how consumed repartition records are purged. */
  async deleteRecordsBefore(topic: string, offsets: Map<number, bigint>): Promise<void> {
    if (offsets.size === 0) return;
    const admin = await this.admin();
    await admin.deleteTopicRecords({
      topic,
      partitions: [...offsets].map(([partition, offset]) => ({
        partition,
        offset: offset.toString(),
      })),
    });
  }

  /**
   * Reads topics from the beginning and keeps following them, with no consumer group (a
   * global table's reader). `onCaughtUp` runs once every partition has reached the end offset
   * it had at the start: from then on the reader's state is as fresh as the topics.
   */
  async readAndFollow(
    options: { topics: string[]; readCommitted?: boolean },
    handle: (batch: RecordBatch) => Promise<void>,
    onCaughtUp: () => Promise<void> | void,
  ): Promise<{ stop(): Promise<void> }> {
    const ranges: { topic: string; partition: number; from: bigint }[] = [];
    const ends = new Map<string, bigint>();
    for (const topic of options.topics) {
      for (const [partition, { low, high }] of await this.endOffsets(topic)) {
        ranges.push({ topic, partition, from: BigInt(low) });
        if (BigInt(high) > BigInt(low)) ends.set(`${topic}:${partition}`, BigInt(high));
      }
    }
    let caughtUp = false;
    const markCaughtUp = () => {
      if (caughtUp) return;
      caughtUp = true;
      void Promise.resolve(onCaughtUp()).catch((error: unknown) =>
        this.logger.error({ err: error }, 'catch-up work failed'),
      );
    };
    const fetcher = await PartitionFetcher.open(this.kafka, {
      readCommitted: options.readCommitted ?? true,
      logger: this.logger,
    });
    const following = fetcher
      .run(ranges, async (batch) => {
        if (batch.records.length > 0) {
          await handle({
            topic: batch.topic,
            partition: batch.partition,
            records: batch.records,
            highWatermark: batch.highWatermark.toString(),
            lastOffset: (batch.next - 1n).toString(),
            heartbeat: async () => undefined,
            isStale: () => false,
          });
        }
        const key = `${batch.topic}:${batch.partition}`;
        const end = ends.get(key);
        if (end !== undefined && batch.next >= end) ends.delete(key);
        if (ends.size === 0) markCaughtUp();
      })
      .catch((error: unknown) => {
        this.logger.error({ err: error, topics: options.topics }, 'following topics failed');
      });
    if (ends.size === 0) markCaughtUp();
    return {
      stop: async () => {
        fetcher.stop();
        await following;
        await fetcher.close();
      },
    };
  }

  async disconnect(): Promise<void> {
    if (this.adminClient) await (await this.adminClient).disconnect();
    this.adminClient = undefined;
  }
}

// The messages of the protocol errors kafkajs recovers from by itself: the retriable ones,
// and the group-membership answers it meets by rejoining (a rebalance in progress, a member
// the coordinator has forgotten, as after our eviction of a killed predecessor).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsErrors = require('kafkajs/src/protocol/error') as {
  errorCodes: { type: string; message: string; retriable: boolean }[];
};
const REJOINED = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID']);
const RETRIABLE_ERROR_MESSAGES = new Set(
  kafkajsErrors.errorCodes
    .filter((code) => code.retriable || REJOINED.has(code.type))
    .map((code) => code.message),
);

// kafkajs's Java-compatible murmur2, so that our partition choice matches Kafka's default.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: Buffer | string,
) => number;

/** The partition Kafka's default partitioner gives a key. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/** Per partition, the offset of the last message of `chunk` that the broker acknowledged. */
function lastOffsetsOf(
  chunk: OutgoingMessage[],
  metadata: { partition: number; baseOffset?: string }[],
  into: WrittenOffsets,
): void {
  const counts = new Map<number, number>();
  for (const message of chunk) {
    if (message.partition === undefined) continue;
    counts.set(message.partition, (counts.get(message.partition) ?? 0) + 1);
  }
  for (const { partition, baseOffset } of metadata) {
    const count = counts.get(partition);
    if (baseOffset === undefined || count === undefined) continue;
    const last = BigInt(baseOffset) + BigInt(count) - 1n;
    if (last > (into.get(partition) ?? -1n)) into.set(partition, last);
  }
}

/** The group errors after which a member must join the group again, not give up. */
const REJOIN_ERRORS = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/**
 * A commit refused because this member was evicted from its group (its batch outlasted the
 * session timeout: Elasticsearch or MongoDB away, a starved CPU) reaches kafkajs wrapped by
 * its commit retrier as a non-retriable error. kafkajs then stops the consumer for good
 * while the process runs on, consuming nothing. Its fetch loop joins the group again, and
 * reads again from the last committed position, only when it sees the protocol error itself:
 * so the commit's error is unwrapped to it.
 */
export function rejoinable(error: unknown): unknown {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (REJOIN_ERRORS.has(String((cause as { type?: unknown }).type))) return cause;
  }
  return error;
}

function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

// Kafka refuses a record batch above message.max.bytes (1 MiB by default); stay well below.
const MAX_BATCH_BYTES = 512 * 1024;

function* chunksUnderBatchLimit<T = OutgoingMessage>(
  items: T[],
  messageOf: (item: T) => OutgoingMessage = (item) => item as OutgoingMessage,
): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const message = messageOf(item);
    const size = (message.key?.length ?? 0) + (message.value?.length ?? 0) + 64;
    if (chunk.length > 0 && bytes + size > MAX_BATCH_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function toKafkaMessage(message: OutgoingMessage) {
  return {
    key: message.key,
    value: message.value,
    headers: message.headers,
    partition: message.partition,
  };
}

function toKafkaRecords(batch: Batch): KafkaRecord[] {
  return batch.messages.map((message) => toKafkaRecord(batch.topic, batch.partition, message));
}
