// Real Kafka and registry: a poison CDC record is dead-lettered with its original bytes and
// the reval.dlq.* headers, then `dlq replay` sends it back to its source topic.
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { kafkaConfig, registryConfig } from '../platform/config';
import { topicsOf as topics } from '../platform/topics';
import { DeadLetterQueue, DLQ_HEADERS, type DeadLetter } from '../platform/dead-letters';
import { KafkaClient, type KafkaRecord } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { SchemaRegistryCodecs } from '../platform/registry';
import { DebeziumEvents } from '../../dev/debezium';
import { decodeChange } from '../connections/sources/decode';
import { register as registerDlqCommand } from '../cli/commands/dlq';
import { replayDeadLetters } from './replay';

const run = randomUUID().slice(0, 8);
const sourceTopic = `it-${run}.tcs.tcs.Person`;
const dlqTopic = `it-${run}.reval.dlq`;
const env = { ...process.env, TOPIC_DLQ: dlqTopic };
const logger = createLogger('test', 'error');
const kafka = new KafkaClient(kafkaConfig(env), logger);
const codecs = new SchemaRegistryCodecs(registryConfig(env), topics(env));
const events = new DebeziumEvents({ topics: { Person: sourceTopic } });

async function consume(topic: string): Promise<KafkaRecord[]> {
  const records: KafkaRecord[] = [];
  await kafka.readToEnd([topic], (batch) => void records.push(...batch));
  return records.sort((a, b) => Number(a.offset) - Number(b.offset));
}

let poison: KafkaRecord;

beforeAll(async () => {
  await kafka.ensureTopics([
    { topic: sourceTopic, compacted: false },
    { topic: dlqTopic, compacted: false },
  ]);
  const [good] = await events.mysqlRow('Person', 'c', { after: { id: 1, role: 'DR' } });
  const [bad] = await events.mysqlRow('Person', 'c', { after: { id: 'not-a-number', role: 'DR' } });
  const producer = await kafka.createProducer();
  await producer.send(sourceTopic, [
    { key: good.key, value: good.value },
    {
      key: bad.key,
      value: bad.value,
      headers: { traceparent: '00-4bf92f3577b34da6-00f067aa0ba902b7-01' },
    },
  ]);
  // What the connections processor does with what it cannot decode.
  const dlq = new DeadLetterQueue(producer, codecs, dlqTopic, 'connections', logger);
  for (const record of await consume(sourceTopic)) {
    const change = await decodeChange('person', record, codecs);
    if (!change.ok) {
      poison = record;
      await dlq.send([{ record, reason: change.error.reason }]);
    }
  }
  await producer.disconnect();
});

afterAll(async () => {
  await kafka.deleteTopics([sourceTopic, dlqTopic]);
  await kafka.disconnect();
});

test('the poison record lands in the DLQ with its original bytes and the reason in headers', async () => {
  const [letter] = await consume(dlqTopic);
  expect(poison.offset).toBe('1');
  expect(letter.key).toEqual(poison.key);
  expect(
    Object.fromEntries(Object.entries(letter.headers).map(([k, v]) => [k, v.toString()])),
  ).toEqual({
    [DLQ_HEADERS.topic]: sourceTopic,
    [DLQ_HEADERS.partition]: '0',
    [DLQ_HEADERS.offset]: '1',
    [DLQ_HEADERS.reason]: expect.stringMatching(/person row: field "id": expected an integer/),
    [DLQ_HEADERS.processor]: 'connections',
  });
  const decoded = (await codecs.decode(letter.value as Buffer)) as DeadLetter;
  expect(decoded).toMatchObject({
    sourceTopic,
    sourcePartition: 0,
    sourceOffset: 1,
    processor: 'connections',
  });
  expect(decoded.key).toEqual(poison.key);
  expect(decoded.value).toEqual(poison.value);
  expect(decoded.headers.traceparent).toEqual(poison.headers.traceparent);
});

test('reval dlq replay --dry-run counts the letter and sends nothing', async () => {
  const output: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output.push(String(chunk));
    return true;
  });
  const saved = process.env.TOPIC_DLQ;
  process.env.TOPIC_DLQ = dlqTopic;
  try {
    const program = new Command().exitOverride();
    registerDlqCommand(program);
    await program.parseAsync(
      ['dlq', 'replay', '--topic', sourceTopic, '--since', '1h', '--dry-run'],
      { from: 'user' },
    );
  } finally {
    process.env.TOPIC_DLQ = saved;
    write.mockRestore();
  }
  expect(output.join('')).toBe(`Read 1 dead letter(s).\nWould replay 1:\n  ${sourceTopic}  1\n`);
  expect(await consume(sourceTopic)).toHaveLength(2);
});

test('replay sends the original key, value and headers back to the source topic', async () => {
  const summary = await replayDeadLetters({ kafka, codecs, dlqTopic }, { topic: sourceTopic });
  expect(summary).toEqual({
    scanned: 1,
    selected: { [sourceTopic]: 1 },
    replayed: 1,
    unreadable: [],
  });
  const records = await consume(sourceTopic);
  expect(records).toHaveLength(3);
  const replayed = records[2];
  expect(replayed.partition).toBe(poison.partition);
  expect(replayed.key).toEqual(poison.key);
  expect(replayed.value).toEqual(poison.value);
  expect(replayed.headers).toEqual(poison.headers);
  // Still poison, until the fix: replaying is for after the cause has been dealt with.
  expect(await decodeChange('person', replayed, codecs)).toMatchObject({
    ok: false,
    error: { reason: expect.stringMatching(/person row: field "id": expected an integer/) },
  });
});
