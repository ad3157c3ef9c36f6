// KafkaClient: the one handle processors hold on Kafka, one connection configuration behind
// the admin, producers, the group consumer and the catch-up reads. It only chooses each
// call's policy (fetch sizes, waits, what a follower logs); the work lives in the files of
// each concern beside it.
import type { Kafka } from 'kafkajs';
import type { KafkaConfig } from '../config';
import { createLogger, type Logger } from '../logger';
import { KafkaAdmin } from './admin';
import { rangesOf, readToCapturedEnds, type CatchUpRange } from './catch-up';
import { createKafka } from './connect';
import { partitionForKey } from './partitioner';
import { consume } from './consumer';
import type { GroupMembers } from './group-members';
import { createProducer, createTransactionalProducer } from './producer';
import type {
  ConsumeOptions,
  EndOffsets,
  KafkaRecord,
  MessageProducer,
  RecordBatch,
  RunningConsumer,
  TopicSpec,
  TransactionalProducer,
} from './types';

/** How long a bounded read's fetch may wait at the broker: it is about to end anyway. */
const BOUNDED_READ_WAIT_MS = 100;

export class KafkaClient {
  private readonly kafka: Kafka;
  private readonly admin: KafkaAdmin;

  constructor(
    config: KafkaConfig,
    private readonly logger: Logger = createLogger('kafka'),
  ) {
    this.kafka = createKafka(config, logger);
    this.admin = new KafkaAdmin(this.kafka, logger);
  }

  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  ensureTopics(specs: TopicSpec[]): Promise<void> {
    return this.admin.ensureTopics(specs);
  }

  topicExists(topic: string): Promise<boolean> {
    return this.admin.topicExists(topic);
  }

  deleteTopics(topics: string[]): Promise<void> {
    return this.admin.deleteTopics(topics);
  }

  /** Removes a killed predecessor's member from a group (admin.ts says why and how). */
  evictMember(groupId: string, memberId: string): Promise<boolean> {
    return this.admin.evictMember(groupId, memberId);
  }

  listGroups(): Promise<string[]> {
    return this.admin.listGroups();
  }

  /** Who holds which partitions of a group now, and the URL each member advertised. */
  groupMembers(groupId: string): Promise<GroupMembers> {
    return this.admin.groupMembers(groupId);
  }

  /** Deletes consumer groups (a finished one-shot job's); missing groups are not an error. */
  deleteGroups(groupIds: string[]): Promise<void> {
    return this.admin.deleteGroups(groupIds);
  }

  topicConfig(topic: string): Promise<Record<string, string>> {
    return this.admin.topicConfig(topic);
  }

  partitionCount(topic: string): Promise<number> {
    return this.admin.partitionCount(topic);
  }

  /** The end offset of each partition: where a reader that started now has caught up. */
  endOffsets(topic: string): Promise<EndOffsets> {
    return this.admin.endOffsets(topic);
  }

  /** Every partition of `topics`, from its log start to the end offset it has now. */
  async captureEnds(topics: string[]): Promise<CatchUpRange[]> {
    const ranges: CatchUpRange[] = [];
    for (const topic of topics) ranges.push(...rangesOf(topic, await this.endOffsets(topic)));
    return ranges;
  }

  /** Committed offsets of a consumer group, for lag metrics and tests. */
  groupOffsets(groupId: string, topics: string[]): Promise<Map<string, string>> {
    return this.admin.groupOffsets(groupId, topics);
  }

  /** Removes records below the given offsets: how consumed repartition records are purged. */
  deleteRecordsBefore(topic: string, offsets: Map<number, bigint>): Promise<void> {
    return this.admin.deleteRecordsBefore(topic, offsets);
  }

  createProducer(): Promise<MessageProducer> {
    return createProducer(this.kafka);
  }

  /** A fixed transactional id fences any older producer with the same id (producer.ts). */
  createTransactionalProducer(transactionalId: string): Promise<TransactionalProducer> {
    return createTransactionalProducer(this.kafka, transactionalId, this.logger);
  }

  /**
   * Consumes batch by batch; a batch's offsets are committed only after `handle` resolves,
   * so a crash replays from the last acknowledged write instead of losing records.
   */
  consume(
    options: ConsumeOptions,
    handle: (batch: RecordBatch) => Promise<void>,
  ): Promise<RunningConsumer> {
    return consume(this.kafka, this.logger, options, handle);
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
    await this.readPartitions(await this.captureEnds(topics), handle, options);
  }

  /**
   * Reads the given offset ranges of single partitions (`from` inclusive, `to` exclusive),
   * then stops: how a task's state store is restored from its changelog.
   */
  async readPartitions(
    ranges: CatchUpRange[],
    handle: (records: KafkaRecord[]) => Promise<void> | void,
    options: { readCommitted?: boolean; fetchBytes?: number } = {},
  ): Promise<void> {
    const read = await readToCapturedEnds(
      this.kafka,
      this.logger,
      ranges,
      (batch) => handle(batch.records),
      { ...options, maxWaitMs: BOUNDED_READ_WAIT_MS },
    );
    try {
      await read.caughtUp;
    } finally {
      await read.stop();
    }
  }

  /**
   * Every record with `key` in a keyed topic, oldest first, read from the one partition the
   * default partitioner gives the key, from its log start to the end it has now: how a tool
   * reads one entity's history, or its latest state in a changelog, with no consumer group.
   */
  async recordsOfKey(
    topic: string,
    key: string,
  ): Promise<{ partition: number; records: KafkaRecord[] }> {
    const ends = await this.endOffsets(topic);
    const partition = partitionForKey(key, ends.size);
    const records: KafkaRecord[] = [];
    const range = rangesOf(topic, ends).filter((candidate) => candidate.partition === partition);
    await this.readPartitions(range, (batch) => {
      for (const record of batch) if (record.key?.toString('utf8') === key) records.push(record);
    });
    return { partition, records };
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
    const read = await readToCapturedEnds(
      this.kafka,
      this.logger,
      await this.captureEnds(options.topics),
      (batch) =>
        handle({
          topic: batch.topic,
          partition: batch.partition,
          records: batch.records,
          highWatermark: batch.highWatermark.toString(),
          lastOffset: (batch.next - 1n).toString(),
          heartbeat: async () => undefined,
          isStale: () => false,
        }),
      { readCommitted: options.readCommitted, follow: true },
    );
    read.finished.catch((error: unknown) => {
      this.logger.error({ err: error, topics: options.topics }, 'following topics failed');
    });
    read.caughtUp
      .then(onCaughtUp, () => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, 'catch-up work failed'));
    return { stop: () => read.stop() };
  }

  async disconnect(): Promise<void> {
    await this.admin.disconnect();
  }
}
