// The es-sink's dependencies from the environment (the rebuild opens the same ones): every
// setting read and checked first, then Kafka, the registry and Elasticsearch connected, and
// the topics it touches created as the catalogue says.
import {
  connectionsConfig,
  elasticsearchConfig,
  elasticsearchViewsConfig,
  kafkaConfig,
  registryConfig,
  type Env,
} from '../platform/config';
import { DeadLetterQueue } from '../platform/dead-letters';
import { ElasticsearchClient } from '../platform/elasticsearch';
import { KafkaClient } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { SchemaRegistryCodecs } from '../platform/registry';
import { launch, type OpenedRuntime, type RunningProcessor } from '../platform/running';
import { topicSpecs, topicsOf } from '../platform/topics';
import { PROCESSOR, start, type EsSinkDeps } from './processor';
import { viewNamesOfEnv } from './view-sets';

export interface EsSinkOptions {
  env?: Env;
  /** Names the dead letters' origin: `es-sink`, or `es-rebuild` for the rebuild. */
  processor?: string;
  /** Overrides ES_SINK_GROUP_ID. */
  groupId?: string;
}

export type EsRuntime = EsSinkDeps & { bulk: { maxActions: number; maxInFlight: number } };

export async function openRuntime(options: EsSinkOptions = {}): Promise<EsRuntime & OpenedRuntime> {
  const env = options.env ?? process.env;
  const processor = options.processor ?? PROCESSOR;
  const topics = topicsOf(env);
  const kafkaSettings = kafkaConfig(env);
  const registrySettings = registryConfig(env);
  const esSettings = elasticsearchConfig(env);
  const viewSettings = elasticsearchViewsConfig(env);
  const viewNames = viewNamesOfEnv(env);
  const connectionsPartitions = connectionsConfig(env).partitions;
  const groupId = options.groupId ?? env.ES_SINK_GROUP_ID ?? 'reval-es-sink';

  const logger = createLogger(processor);
  const kafka = new KafkaClient(kafkaSettings, logger);
  const codecs = new SchemaRegistryCodecs(registrySettings, topics);
  const es = new ElasticsearchClient(esSettings, logger);
  try {
    await kafka.ensureTopics(topicSpecs(topics, ['connections', 'dlq'], connectionsPartitions));
    const producer = await kafka.createProducer();
    return {
      kafka,
      codecs,
      es,
      deadLetters: new DeadLetterQueue(producer, codecs, topics.dlq, processor, logger, kafka),
      logger,
      ...viewNames,
      topic: topics.connections,
      groupId,
      bulk: { maxActions: viewSettings.bulkMaxActions, maxInFlight: viewSettings.bulkMaxInFlight },
      close: async () => {
        await producer.disconnect();
        await kafka.disconnect();
        await es.close();
      },
    };
  } catch (error) {
    await kafka.disconnect().catch(() => undefined);
    await es.close().catch(() => undefined);
    throw error;
  }
}

/** `reval run es-sink`: the sink on dependencies from the environment. */
export async function startFromEnv(options: EsSinkOptions = {}): Promise<RunningProcessor> {
  return launch(await openRuntime(options), start);
}
