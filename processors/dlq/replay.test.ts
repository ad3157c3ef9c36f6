// Which dead letters `dlq replay` sends back, and how, against an in-memory stand-in for
// Kafka (the real round trip is in replay.integration.test.ts).
import type { DeadLetter } from '../platform/dead-letters';
import type { KafkaRecord, OutgoingMessage } from '../platform/kafka';
import { parseSince, replayDeadLetters } from './replay';

const letter = (overrides: Partial<DeadLetter>): DeadLetter => ({
  sourceTopic: 'tcs.tcs.Person',
  sourcePartition: 0,
  sourceOffset: 7,
  processor: 'connections',
  reason: 'person row: field "id": expected an integer',
  failedAt: new Date('2026-03-02T09:00:00Z'),
  key: Buffer.from('{"id":1}'),
  value: Buffer.from('{"op":"c"}'),
  headers: { traceparent: Buffer.from('00-abc') },
  ...overrides,
});

function fakeKafka(letters: (DeadLetter | 'garbage')[], partitions: Record<string, number> = {}) {
  const sent: { topic: string; messages: OutgoingMessage[] }[] = [];
  const records: KafkaRecord[] = letters.map((_letter, offset) => ({
    topic: 'reval.dlq',
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(JSON.stringify(offset)),
    headers: {},
    timestamp: '0',
  }));
  let disconnected = false;
  return {
    sent,
    disconnected: () => disconnected,
    codecs: {
      decode: async (buffer: Buffer) => {
        const l = letters[Number(buffer.toString())];
        if (l === 'garbage') throw new Error('not Avro');
        return l;
      },
    },
    kafka: {
      endOffsets: async () => new Map([[0, { low: '0', high: String(records.length) }]]),
      partitionCount: async (topic: string) => partitions[topic] ?? 1,
      readToEnd: async (
        _topics: string[],
        handle: (batch: KafkaRecord[]) => Promise<void> | void,
      ) => {
        for (let i = 0; i < records.length; i += 2) await handle(records.slice(i, i + 2));
      },
      createProducer: async () => ({
        send: async (topic: string, messages: OutgoingMessage[]) => {
          sent.push({ topic, messages });
          return new Map<number, bigint>();
        },
        sendMany: async () => new Map<string, bigint>(),
        disconnect: async () => {
          disconnected = true;
        },
      }),
    },
  };
}

test('every letter goes back to its source topic and partition with its original bytes', async () => {
  const fake = fakeKafka(
    [
      letter({ sourcePartition: 2 }),
      letter({ sourceTopic: 'tis.revalidation.doctorsForDB', key: null, value: null }),
    ],
    { 'tcs.tcs.Person': 3 },
  );
  const progress: number[] = [];
  const summary = await replayDeadLetters(
    { ...fake, dlqTopic: 'reval.dlq' },
    { onProgress: (n) => progress.push(n) },
  );
  expect(summary).toEqual({
    scanned: 2,
    selected: { 'tcs.tcs.Person': 1, 'tis.revalidation.doctorsForDB': 1 },
    replayed: 2,
    unreadable: [],
  });
  expect(fake.sent).toEqual([
    {
      topic: 'tcs.tcs.Person',
      messages: [
        {
          key: Buffer.from('{"id":1}'),
          value: Buffer.from('{"op":"c"}'),
          headers: { traceparent: Buffer.from('00-abc') },
          partition: 2,
        },
      ],
    },
    {
      topic: 'tis.revalidation.doctorsForDB',
      messages: [
        { key: null, value: null, headers: { traceparent: Buffer.from('00-abc') }, partition: 0 },
      ],
    },
  ]);
  expect(progress).toEqual([2]);
  expect(fake.disconnected()).toBe(true);
});

test('--topic and --since select; a partition that no longer exists is left to the partitioner', async () => {
  const fake = fakeKafka([
    letter({ failedAt: new Date('2026-03-01T00:00:00Z') }),
    letter({ sourcePartition: 5 }),
    letter({ sourceTopic: 'tcs.tcs.Placement' }),
  ]);
  const summary = await replayDeadLetters(
    { ...fake, dlqTopic: 'reval.dlq' },
    { topic: 'tcs.tcs.Person', since: new Date('2026-03-02T00:00:00Z') },
  );
  expect(summary.selected).toEqual({ 'tcs.tcs.Person': 1 });
  expect(fake.sent).toHaveLength(1);
  expect(fake.sent[0].messages[0].partition).toBeUndefined();
});

test('a dry run sends nothing; records that are not dead letters are counted, not fatal', async () => {
  const fake = fakeKafka([letter({}), 'garbage', letter({})]);
  const summary = await replayDeadLetters({ ...fake, dlqTopic: 'reval.dlq' }, { dryRun: true });
  expect(summary).toEqual({
    scanned: 3,
    selected: { 'tcs.tcs.Person': 2 },
    replayed: 0,
    unreadable: ['0:1'],
  });
  expect(fake.sent).toEqual([]);
});

test('--since takes an ISO instant, a date, or a duration before now', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  expect(parseSince('2h', now)).toEqual(new Date('2026-03-02T10:00:00Z'));
  expect(parseSince('7d', now)).toEqual(new Date('2026-02-23T12:00:00Z'));
  expect(parseSince('2026-03-01T08:30:00+01:00', now)).toEqual(new Date('2026-03-01T07:30:00Z'));
  expect(parseSince('2026-03-01', now)).toEqual(new Date('2026-03-01T00:00:00Z'));
  for (const bad of ['yesterday', '2h30m', '2026-02-30', '2026-03-01T25:00:00Z', ''])
    expect(parseSince(bad, now)).toBeNull();
});
