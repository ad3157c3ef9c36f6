// The doctorsForDB writer (`reval run doctors-sync`), playing the recommendation service's
// part: gmc.doctors (read committed: whole sync runs only) ──► guarded upserts into
// MongoDB doctorsForDB. A batch's offsets are committed only after MongoDB acknowledged
// every write of it; undecodable records go to the dead-letter topic.
import {
  kafkaConfig,
  mongoConfig,
  registryConfig,
  topics as topicNames,
  type Env,
} from '../platform/config';
import { DeadLetterQueue } from '../platform/dead-letters';
import { KafkaClient, type KafkaRecord, type RecordBatch } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { countInvalidGmcNumber, metrics, setConsumerLag } from '../platform/metrics';
import { connectMongo } from '../platform/mongodb';
import { SchemaRegistryCodecs } from '../platform/registry';
import { decodeGmcDoctorsRecord } from '../gmc-fetch/gmc-doctors-record';
import type { GmcDoctorState } from '../gmc-fetch/state';
import { gmcTopicSpecs } from '../gmc-fetch/topics';
import { applyGmcStates, DOCTORS_FOR_DB_COLLECTION } from './apply';
import type { DoctorsForDbDocument } from './doctors-for-db-document';

const PROCESSOR = 'doctors-sync';

export interface DoctorsSyncOptions {
  env?: Env;
  groupId?: string;
}

export interface RunningDoctorsSync {
  stop(): Promise<void>;
}

export async function startDoctorsSync(
  options: DoctorsSyncOptions = {},
): Promise<RunningDoctorsSync> {
  const env = options.env ?? process.env;
  const logger = createLogger(PROCESSOR);
  const topics = topicNames(env);
  const kafka = new KafkaClient(kafkaConfig(env), logger);
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topics);
  const mongo = await connectMongo(mongoConfig(env));
  const collection = mongo.db.collection<DoctorsForDbDocument>(DOCTORS_FOR_DB_COLLECTION);
  await kafka.ensureTopics([...gmcTopicSpecs(topics), { topic: topics.dlq, compacted: false }]);
  const producer = await kafka.createProducer();
  const deadLetters = new DeadLetterQueue(producer, codecs, topics.dlq, PROCESSOR, logger, kafka);

  const handle = async (batch: RecordBatch) => {
    // Within a partition a later record is a later state: keep the last per doctor.
    const latest = new Map<string, GmcDoctorState>();
    const failures: { record: KafkaRecord; reason: string }[] = [];
    for (const record of batch.records) {
      const decoded = await decodeGmcDoctorsRecord(record, codecs);
      if ('error' in decoded) {
        failures.push({ record, reason: decoded.error });
        countInvalidGmcNumber(PROCESSOR, batch.topic, decoded.gmcNumberProblem);
      } else if (decoded.state !== null) latest.set(decoded.gmcNumber, decoded.state);
      // GMC states are never deleted; a tombstone (compaction tooling) leaves the document.
    }
    metrics.recordsIn.inc({ processor: PROCESSOR, topic: batch.topic }, batch.records.length);
    await deadLetters.send(failures);
    const result = await applyGmcStates(collection, [...latest.values()]);
    metrics.recordsOut.inc(
      { processor: PROCESSOR, destination: DOCTORS_FOR_DB_COLLECTION },
      result.applied,
    );
    logger.debug({ partition: batch.partition, ...result }, 'batch applied to doctorsForDB');
  };

  const consumer = await kafka.consume(
    {
      groupId: options.groupId ?? env.DOCTORS_SYNC_GROUP_ID ?? 'reval-doctors-sync',
      topics: [topics.gmcDoctors],
      readCommitted: true,
      fromBeginning: true,
      // gmc.doctors is transactional: the markers after a run are part of the lag.
      onProgress: (topic, partition, lastOffset, highWatermark) =>
        setConsumerLag(PROCESSOR, topic, partition, lastOffset, highWatermark),
    },
    handle,
  );
  logger.info({ topic: topics.gmcDoctors }, 'doctors-sync started');

  return {
    stop: async () => {
      await consumer.stop();
      await producer.disconnect();
      await kafka.disconnect();
      await mongo.close();
      logger.info('doctors-sync stopped');
    },
  };
}
