// Proves each real service the project starts: Kafka with the schema registry, the
// MongoDB-wire server and Elasticsearch, each through the project's own client module.
import { randomUUID } from 'node:crypto';
import {
  elasticsearchConfig,
  kafkaConfig,
  mongoConfig,
  registryConfig,
} from '../../processors/platform/config';
import { topicsOf as topics } from '../../processors/platform/topics';
import { createElasticsearchClient } from '../../processors/platform/elasticsearch';
import { KafkaClient, type KafkaRecord } from '../../processors/platform/kafka';
import { connectMongo } from '../../processors/platform/mongodb';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';

const runId = randomUUID().slice(0, 8);

describe('smoke: the real services', () => {
  it('carries an Avro record through Kafka and the schema registry', async () => {
    const topic = `smoke-${runId}.gmc.doctors`;
    const kafka = new KafkaClient(kafkaConfig());
    const codecs = new SchemaRegistryCodecs(registryConfig(), { ...topics(), gmcDoctors: topic });
    try {
      await kafka.ensureTopics([{ topic, compacted: true }]);
      expect((await kafka.topicConfig(topic))['cleanup.policy']).toBe('compact');
      const doctor = {
        gmcReferenceNumber: '7000001',
        doctorFirstName: 'Ada',
        doctorLastName: 'Lovelace',
        submissionDate: '2027-01-31',
        dateAdded: null,
        underNotice: 'NO',
        doctorStatus: null,
        breach: null,
        investigation: null,
        preliminaryInvestigation: null,
        sanction: null,
        designatedBody: '1-1RSG4X0',
        existsInGmc: true,
        requestTime: new Date('2026-11-25T02:00:00Z'),
        runId,
      };
      const producer = await kafka.createProducer();
      await producer.send(topic, [
        { key: '7000001', value: await codecs.encode('gmcDoctor', doctor) },
      ]);
      await producer.disconnect();

      const received: KafkaRecord[] = [];
      await kafka.readToEnd([topic], (records) => {
        received.push(...records);
      });
      expect(received).toHaveLength(1);
      expect(received[0].key?.toString()).toBe('7000001');
      expect(await codecs.decode(received[0].value as Buffer)).toEqual(doctor);
    } finally {
      await kafka.deleteTopics([topic]);
      await kafka.disconnect();
    }
  });

  it('upserts a document and reads it back through the mongodb driver', async () => {
    const mongo = await connectMongo({ ...mongoConfig(), database: `smoke_${runId}` });
    try {
      const collection = mongo.db.collection<{ _id: string; doctorStatus: string; n: number }>(
        'doctorsForDB',
      );
      await collection.updateOne(
        { _id: '7000001' },
        { $set: { doctorStatus: 'NOT_STARTED', n: 1 } },
        { upsert: true },
      );
      await collection.updateOne({ _id: '7000001' }, { $inc: { n: 1 } }, { upsert: true });
      expect(await collection.findOne({ _id: '7000001' })).toEqual({
        _id: '7000001',
        doctorStatus: 'NOT_STARTED',
        n: 2,
      });
    } finally {
      await mongo.db.dropDatabase();
      await mongo.close();
    }
  });

  it('indexes a document in Elasticsearch and finds it by a term query', async () => {
    const client = createElasticsearchClient(elasticsearchConfig());
    const index = `smoke-${runId}`;
    try {
      await client.index({
        index,
        id: '7000001',
        document: { gmcReferenceNumber: '7000001' },
        refresh: 'wait_for',
      });
      const found = await client.search({
        index,
        query: { term: { 'gmcReferenceNumber.keyword': '7000001' } },
      });
      expect(found.hits.hits.map((hit) => hit._id)).toEqual(['7000001']);
    } finally {
      await client.indices.delete({ index, ignore_unavailable: true });
      await client.close();
    }
  });
});
