// Real Kafka and the real schema registry (KAFKA_BROKERS, SCHEMA_REGISTRY_URL from the test
// harness): Debezium events in every converter format are produced to topics of their own,
// consumed with KafkaClient and decoded with decodeChange.
import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { kafkaConfig, registryConfig } from '../../platform/config';
import { topicsOf as topics } from '../../platform/topics';
import { logicalTypes } from '../../platform/avro-types';
import { KafkaClient, type KafkaRecord } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { SchemaRegistryCodecs } from '../../platform/registry';
import { DebeziumEvents, type DebeziumMessage, type Format } from '../../../dev/debezium';
import { exactLongTypeHook } from '../../platform/avro-long';
import { decodeChange, type AvroDecoder } from './decode';
import { changeOf } from './test-lens';

const run = randomUUID().slice(0, 8);
const personTopic = `it-${run}.tcs.tcs.Person`;
const doctorsTopic = `it-${run}.tis.revalidation.doctorsForDB`;
const kafka = new KafkaClient(kafkaConfig(), createLogger('test', 'warn'));
const codecs = new SchemaRegistryCodecs(registryConfig(), topics());
const events = new DebeziumEvents({
  registrar: codecs,
  topics: { Person: personTopic, doctorsForDB: doctorsTopic },
  clock: () => new Date('2026-03-02T09:30:00Z'),
});

/**
 * The registry client as registry.ts would build it with the exact long type: what makes
 * Debezium 3's ts_ns (beyond 2^53) decodable at all.
 */
const exactRegistry = new SchemaRegistry(
  { host: registryConfig().url },
  { [SchemaType.AVRO]: { logicalTypes, wrapUnions: false, typeHook: exactLongTypeHook } },
);
const exactDecoder: AvroDecoder = { decode: (buffer) => exactRegistry.decode(buffer) };

async function produce(messages: DebeziumMessage[]): Promise<void> {
  const producer = await kafka.createProducer();
  try {
    for (const m of messages) await producer.send(m.topic, [{ key: m.key, value: m.value }]);
  } finally {
    await producer.disconnect();
  }
}

async function consume(topic: string): Promise<KafkaRecord[]> {
  const records: KafkaRecord[] = [];
  await kafka.readToEnd([topic], (batch) => void records.push(...batch));
  return records.sort((a, b) => Number(a.offset) - Number(b.offset));
}

const FORMATS: Format[] = ['json', 'json-schemaless', 'avro'];
const person = { id: 4711, role: 'DR in Training', addedDate: new Date('2019-08-01T08:00:00Z') };
const doctor = {
  _id: '1234567',
  doctorFirstName: 'Aoife',
  submissionDate: new Date('2026-06-30T23:00:00Z'),
  existsInGmc: true,
  gmcLastUpdatedDateTime: new Date('2026-03-01T02:00:00Z'),
  underNotice: 'ON_HOLD',
};

beforeAll(async () => {
  await kafka.ensureTopics([
    { topic: personTopic, compacted: false },
    { topic: doctorsTopic, compacted: false },
  ]);
  for (const format of FORMATS) {
    await produce([
      ...(await events.mysqlRow('Person', 'r', { after: person }, format)),
      ...(await events.mysqlRow('Person', 'd', { before: person }, format)),
      ...(await events.mongoDocument('doctorsForDB', 'c', doctor, format)),
      ...(await events.mongoDocument('doctorsForDB', 'u', doctor, format, {
        fullDocument: false,
        updatedFields: { underNotice: 'YES' },
        removedFields: ['admin'],
      })),
      ...(await events.mongoDocument('doctorsForDB', 'd', doctor, format)),
    ]);
  }
});

afterAll(async () => {
  await kafka.deleteTopics([personTopic, doctorsTopic]);
  await kafka.disconnect();
});

test('every format of a TCS row decodes to the same changes', async () => {
  const records = await consume(personTopic);
  const changes = await Promise.all(
    records.map((r) => decodeChange('person', r, exactDecoder).then(changeOf)),
  );
  const oneFormat = [
    { source: 'person', key: '4711', op: 'upsert', row: { id: 4711, role: 'DR in Training' } },
    { source: 'person', key: '4711', op: 'delete' },
    { source: 'person', key: '4711', op: 'delete' },
  ];
  expect(changes).toEqual([...oneFormat, ...oneFormat, ...oneFormat]);
  // The Avro records really are registry-framed, with the key and value under their subjects.
  expect(
    records.slice(6).every((r) => r.key?.[0] === 0 && (r.value === null || r.value[0] === 0)),
  ).toBe(true);
});

test('every format of a doctorsForDB document decodes to the same changes', async () => {
  const records = await consume(doctorsTopic);
  const changes = await Promise.all(
    records.map((r) => decodeChange('doctorsForDB', r, exactDecoder).then(changeOf)),
  );
  const oneFormat = [
    {
      source: 'doctorsForDB',
      key: '1234567',
      op: 'upsert',
      row: {
        gmcReferenceNumber: '1234567',
        doctorFirstName: 'Aoife',
        doctorLastName: null,
        submissionDate: '2026-07-01',
        designatedBodyCode: null,
        existsInGmc: true,
        gmcLastUpdatedDateTime: new Date('2026-03-01T02:00:00Z'),
        underNotice: 'ON_HOLD',
        admin: null,
        doctorStatus: null,
        lastUpdatedDate: null,
      },
    },
    {
      source: 'doctorsForDB',
      key: '1234567',
      op: 'patch',
      set: { underNotice: 'YES' },
      unset: ['admin'],
    },
    { source: 'doctorsForDB', key: '1234567', op: 'delete' },
    { source: 'doctorsForDB', key: '1234567', op: 'delete' },
  ];
  expect(changes).toEqual([...oneFormat, ...oneFormat, ...oneFormat]);
});

// Debezium 3 writes ts_ns (~1.8e18) in every event; avsc's default long refuses it, so the
// registry codecs decode longs with exactLongTypeHook.
test('SchemaRegistryCodecs itself decodes a real Debezium 3 Avro event', async () => {
  const [avroCreate] = (await consume(personTopic)).slice(6);
  expect(await decodeChange('person', avroCreate, codecs).then(changeOf)).toMatchObject({
    op: 'upsert',
    key: '4711',
  });
});
