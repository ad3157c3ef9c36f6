// The benchmark's consume baselines: a plain kafkajs consumer (kafkajs imported directly, not
// through KafkaClient, with its default fetch sizes) reading topics from the beginning to
// the end offsets they have at the start. No join, no output: the rate at which this
// machine's Kafka and kafkajs hand over the records at all, and, with `parseJson`, the rate
// at which anything that must look inside the raw JSON values can at best read them.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export interface RawConsumeResult {
  records: number;
  bytes: number;
  /** Values JSON.parse'd (with `parseJson`); the others are not JSON (gmc.doctors is Avro). */
  parsed: number;
  notJson: number;
  /** From connecting to the last record (group join included, as for any reader). */
  seconds: number;
}

export async function rawConsume(
  brokers: string[],
  topics: string[],
  options: { parseJson?: boolean } = {},
): Promise<RawConsumeResult> {
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
    let parsed = 0;
    let notJson = 0;
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
          for (const message of batch.messages) {
            const value = message.value;
            if (!value) continue;
            bytes += value.length;
            if (!options.parseJson) continue;
            // Debezium JSON starts with "{"; a registry-framed Avro value starts with byte 0.
            if (value[0] === 0x7b) {
              JSON.parse(value.toString('utf8'));
              parsed += 1;
            } else {
              notJson += 1;
            }
          }
        },
      });
      await done;
      return { records, bytes, parsed, notJson, seconds: (performance.now() - started) / 1000 };
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
