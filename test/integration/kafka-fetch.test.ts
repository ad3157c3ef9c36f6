// Reading partitions by offset with no consumer group (processors/platform/kafka/
// partition-fetcher.ts), on real Kafka: every record of every range, whatever the fetch size
// limits crowd out, and past transaction markers.
import { randomUUID } from 'node:crypto';
import { kafkaConfig } from '../../processors/platform/config';
import { KafkaClient, type KafkaRecord } from '../../processors/platform/kafka';
import { describeWithServices } from '../harness/endpoints';

const runId = randomUUID().slice(0, 8);

describeWithServices('reading partitions without a consumer group', () => {
  const kafka = new KafkaClient(kafkaConfig());
  const topics: string[] = [];
  afterAll(async () => {
    await kafka.deleteTopics(topics);
    await kafka.disconnect();
  });

  it('reads every record of many partitions whose data is larger than one fetch answer', async () => {
    // 24 partitions × 24 records × 100 KB ≈ 57 MB: one answer holds at most 16 MB, so most
    // partitions get nothing in a given answer, often several times running, and must be
    // asked again, never skipped (as a restore of many changelog partitions meets it).
    const topic = `fetch-${runId}-large`;
    topics.push(topic);
    await kafka.ensureTopics([{ topic, compacted: false, partitions: 24 }]);
    const producer = await kafka.createProducer();
    const value = Buffer.alloc(100 * 1024, 7);
    try {
      for (let partition = 0; partition < 24; partition += 1) {
        for (let chunk = 0; chunk < 2; chunk += 1) {
          await producer.send(
            topic,
            Array.from({ length: 12 }, (_, i) => ({
              key: `${partition}-${chunk * 12 + i}`,
              value,
              partition,
            })),
          );
        }
      }
    } finally {
      await producer.disconnect();
    }
    const read = new Map<number, number>();
    await kafka.readToEnd([topic], (records: KafkaRecord[]) => {
      for (const record of records)
        read.set(record.partition, (read.get(record.partition) ?? 0) + 1);
    });
    expect([...read].sort(([a], [b]) => a - b)).toEqual(
      Array.from({ length: 24 }, (_, partition) => [partition, 24]),
    );
  });

  it('reads committed transactions to the end, past their markers, and skips aborted ones', async () => {
    const topic = `fetch-${runId}-tx`;
    topics.push(topic);
    await kafka.ensureTopics([{ topic, compacted: true, partitions: 2 }]);
    const producer = await kafka.createTransactionalProducer(`fetch-${runId}`);
    try {
      await producer.transaction((scope) =>
        scope.send(topic, [
          { key: 'a', value: '1', partition: 0 },
          { key: 'b', value: '1', partition: 1 },
        ]),
      );
      await producer
        .transaction(async (scope) => {
          await scope.send(topic, [{ key: 'a', value: 'aborted', partition: 0 }]);
          throw new Error('abort this one');
        })
        .catch(() => undefined);
      await producer.transaction((scope) =>
        scope.send(topic, [{ key: 'a', value: '2', partition: 0 }]),
      );
    } finally {
      await producer.disconnect();
    }
    const values: string[] = [];
    await kafka.readToEnd([topic], (records) => {
      for (const record of records) values.push(`${record.key}=${record.value}`);
    });
    expect(values.sort()).toEqual(['a=1', 'a=2', 'b=1']);
  });
});
