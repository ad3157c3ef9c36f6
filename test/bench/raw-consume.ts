// The benchmark's consume baseline: a plain kafkajs consumer (kafkajs imported directly, not
// through KafkaClient, with its default fetch sizes) reading topics from the beginning to
// the end offsets they have at the start. No decoding, no join, no output: the rate at which
// this machine's Kafka and kafkajs hand over the records at all.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export interface RawConsumeResult {
  records: number;
  bytes: number;
  /** From connecting to the last record (group join included, as for any reader). */
  seconds: number;
}

export async function rawConsume(brokers: string[], topics: string[]): Promise<RawConsumeResult> {
  const kafka = new Kafka({ clientId: 'bench-raw-consumer', brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `bench-raw-${randomUUID()}`;
  try {
    const remaining = new Map<string, bigint>();
    for (const topic of topics) {
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) remaining.set(`${topic}:${partition}`, BigInt(high) - 1n);
      }
    }
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    let records = 0;
    let bytes = 0;
    let finished!: () => void;
    let failed!: (error: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      finished = resolve;
      failed = reject;
    });
    if (remaining.size === 0) finished();
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const key = `${payload.topic}:${payload.partition}`;
      const last = remaining.get(key);
      if (last !== undefined && BigInt(payload.lastOffset) >= last) remaining.delete(key);
      if (remaining.size === 0) finished();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => failed(payload.error));
    const started = performance.now();
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          records += batch.messages.length;
          for (const message of batch.messages) bytes += message.value?.length ?? 0;
        },
      });
      await done;
      return { records, bytes, seconds: (performance.now() - started) / 1000 };
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Deletes consumer groups left by the processors under test (absent ones are fine). */
export async function deleteGroups(brokers: string[], groupIds: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-clean-up', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
    const present = groupIds.filter((id) => existing.has(id));
    if (present.length > 0) await admin.deleteGroups(present);
  } finally {
    await admin.disconnect();
  }
}
