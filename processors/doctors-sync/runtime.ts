// The doctors-sync processor's dependencies from the environment: every setting read and
// checked first, then Kafka, the registry and MongoDB connected, and its topics created as
// the catalogue says.
import { kafkaConfig, mongoConfig, registryConfig, type Env } from '../platform/config';
import { DeadLetterQueue } from '../platform/dead-letters';
import { KafkaClient } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { connectMongo } from '../platform/mongodb';
import { SchemaRegistryCodecs } from '../platform/registry';
import { launch, type OpenedRuntime, type RunningProcessor } from '../platform/running';
import { topicSpecs, topicsOf } from '../platform/topics';
import { DOCTORS_FOR_DB_COLLECTION } from './apply';
import type { DoctorsForDbDocument } from './doctors-for-db-document';
import { PROCESSOR, start, type DoctorsSyncDeps } from './processor';

export interface DoctorsSyncOptions {
  env?: Env;
  /** Overrides DOCTORS_SYNC_GROUP_ID. */
  groupId?: string;
}

export async function openRuntime(
  options: DoctorsSyncOptions = {},
): Promise<DoctorsSyncDeps & OpenedRuntime> {
  const env = options.env ?? process.env;
  const topics = topicsOf(env);
  const kafkaSettings = kafkaConfig(env);
  const registrySettings = registryConfig(env);
  const mongoSettings = mongoConfig(env);
  const groupId = options.groupId ?? env.DOCTORS_SYNC_GROUP_ID ?? 'reval-doctors-sync';

  const logger = createLogger(PROCESSOR);
  const kafka = new KafkaClient(kafkaSettings, logger);
  const codecs = new SchemaRegistryCodecs(registrySettings, topics);
  const mongo = await connectMongo(mongoSettings);
  try {
    await kafka.ensureTopics(topicSpecs(topics, ['gmcDoctors', 'gmcSyncRuns', 'dlq']));
    const producer = await kafka.createProducer();
    return {
      kafka,
      codecs,
      deadLetters: new DeadLetterQueue(producer, codecs, topics.dlq, PROCESSOR, logger, kafka),
      doctorsForDB: mongo.db.collection<DoctorsForDbDocument>(DOCTORS_FOR_DB_COLLECTION),
      topics,
      logger,
      groupId,
      close: async () => {
        await producer.disconnect();
        await kafka.disconnect();
        await mongo.close();
      },
    };
  } catch (error) {
    await kafka.disconnect().catch(() => undefined);
    await mongo.close().catch(() => undefined);
    throw error;
  }
}

/** `reval run doctors-sync`: the processor on dependencies from the environment. */
export async function startFromEnv(options: DoctorsSyncOptions = {}): Promise<RunningProcessor> {
  return launch(await openRuntime(options), start);
}
