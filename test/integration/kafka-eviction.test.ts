// A consumer whose batch outlasts the session timeout (its handler waits on Elasticsearch or
// MongoDB, or the CPU is starved) is evicted from its group, and its commit is refused. Found
// by the chaos suite (Elasticsearch SIGSTOPped for 60 s): kafkajs then stopped the consumer for
// good while the process ran on, consuming nothing. It must join again, read the batch again
// from the last committed position (nothing skipped), and go on consuming.
import { randomUUID } from 'node:crypto';
import { kafkaConfig } from '../../processors/platform/config';
import { KafkaClient, type RunningConsumer } from '../../processors/platform/kafka';
import { describeWithServices } from '../harness/endpoints';

const runId = randomUUID().slice(0, 8);

describeWithServices('a consumer evicted from its group during a long batch', () => {
  const kafka = new KafkaClient(kafkaConfig());
  const topic = `eviction-${runId}`;
  const groupId = `eviction-${runId}`;
  let consumer: RunningConsumer | undefined;
  afterAll(async () => {
    await consumer?.stop();
    await kafka.deleteGroups([groupId, `${groupId}-own`]).catch(() => undefined);
    await kafka.deleteTopics([topic]);
    await kafka.disconnect();
  });

  const committed = async (group: string) =>
    Number((await kafka.groupOffsets(group, [topic])).get(`${topic}:0`) ?? -1);
  const until = async (check: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  it('joins again, reads the unacknowledged batch again and goes on consuming', async () => {
    await kafka.ensureTopics([{ topic, compacted: false, partitions: 1 }]);
    const producer = await kafka.createProducer();
    await producer.send(topic, [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    const handled: string[] = [];
    let first = true;
    consumer = await kafka.consume(
      { groupId, topics: [topic], sessionTimeoutMs: 6_000 },
      async (batch) => {
        if (first) {
          first = false;
          // No heartbeat for longer than the session: the group evicts this member.
          await new Promise((resolve) => setTimeout(resolve, 10_000));
        }
        handled.push(...batch.records.map((r) => r.offset));
      },
    );
    await until(async () => (await committed(groupId)) === 2, 60_000);
    // Still consuming after the eviction.
    await producer.send(topic, [{ key: 'c', value: '3' }]);
    await until(async () => (await committed(groupId)) === 3, 30_000);
    await producer.disconnect();
    await consumer.stop();
    consumer = undefined;
    expect(new Set(handled)).toEqual(new Set(['0', '1', '2']));
  }, 120_000);

  it('also when the handler commits its own positions (as the connections runtime does)', async () => {
    // Found by the chaos suite: a second connections instance joining made the first one's
    // commit fail with ILLEGAL_GENERATION inside its batch, and its consumer stopped for good.
    const group = `${groupId}-own`;
    const handled: string[] = [];
    let first = true;
    const own: RunningConsumer = await kafka.consume(
      { groupId: group, topics: [topic], sessionTimeoutMs: 6_000, commitOffsets: false },
      async (batch) => {
        if (first) {
          first = false;
          await new Promise((resolve) => setTimeout(resolve, 10_000));
        }
        handled.push(...batch.records.map((r) => r.offset));
        const last = batch.records[batch.records.length - 1];
        await own.commit([{ topic, partition: batch.partition, offset: BigInt(last.offset) + 1n }]);
      },
    );
    try {
      await until(async () => (await committed(group)) === 3, 60_000);
    } finally {
      await own.stop();
    }
    expect(new Set(handled)).toEqual(new Set(['0', '1', '2']));
  }, 120_000);
});
