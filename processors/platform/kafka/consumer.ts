// The group consumer: partitions shared among a processor's instances by Kafka's group
// protocol, batch by batch, each batch's offsets committed only after its handler resolves,
// so a crash replays from the last acknowledged write instead of losing records.
import type { Batch, Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../logger';
import { rejoinable } from './errors';
import { advertisingAssigner } from './group-members';
import { nextOffset, toKafkaRecord } from './records';
import type { ConsumeOptions, KafkaRecord, RecordBatch, RunningConsumer } from './types';

export async function consume(
  kafka: Kafka,
  logger: Logger,
  options: ConsumeOptions,
  handle: (batch: RecordBatch) => Promise<void>,
): Promise<RunningConsumer> {
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    readUncommitted: options.readCommitted === false,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 250,
    partitionAssigners:
      options.advertisedUrl === undefined
        ? undefined
        : [advertisingAssigner(options.advertisedUrl)],
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
          logger.debug({ err: error, topic, partition }, 'commit past markers failed'),
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

function toKafkaRecords(batch: Batch): KafkaRecord[] {
  return batch.messages.map((message) => toKafkaRecord(batch.topic, batch.partition, message));
}
