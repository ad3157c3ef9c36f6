// Wiring from configuration: the clients the sink and the rebuild share, and their teardown.
import type { EsClients } from './clients';
import {
  connectionsConfig,
  elasticsearchConfig,
  elasticsearchViewsConfig,
  kafkaConfig,
  registryConfig,
  topics as topicNames,
  type Env,
} from '../platform/config';
import { DeadLetterQueue } from '../platform/dead-letters';
import { ElasticsearchClient } from '../platform/elasticsearch';
import { KafkaClient } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { SchemaRegistryCodecs } from '../platform/registry';
import { startEsSink, PROCESSOR, type RunningEsSink } from './topology';
import { viewNamesOfEnv } from './view-sets';

export interface EsRuntime extends EsClients {
  bulk: { maxActions: number; maxInFlight: number };
  close(): Promise<void>;
}

/** Reads and validates every setting before connecting to anything. */
export async function connectEsRuntime(env: Env, processor: string): Promise<EsRuntime> {
  const topics = topicNames(env);
  const kafkaSettings = kafkaConfig(env);
  const registrySettings = registryConfig(env);
  const esSettings = elasticsearchConfig(env);
  const viewSettings = elasticsearchViewsConfig(env);
  const logger = createLogger(processor);

  const kafka = new KafkaClient(kafkaSettings, logger);
  const codecs = new SchemaRegistryCodecs(registrySettings, topics);
  const es = new ElasticsearchClient(esSettings, logger);
  // Same specs as the connections processor, so whichever starts first creates them alike.
  await kafka.ensureTopics([
    {
      topic: topics.connections,
      compacted: true,
      partitions: connectionsConfig(env).partitions,
    },
    { topic: topics.dlq, compacted: false },
  ]);
  const producer = await kafka.createProducer();
  const deadLetters = new DeadLetterQueue(producer, codecs, topics.dlq, processor, logger, kafka);
  return {
    kafka,
    codecs,
    es,
    deadLetters,
    logger,
    ...viewNamesOfEnv(env),
    topic: topics.connections,
    bulk: { maxActions: viewSettings.bulkMaxActions, maxInFlight: viewSettings.bulkMaxInFlight },
    close: async () => {
      await producer.disconnect();
      await kafka.disconnect();
      await es.close();
    },
  };
}

/** `reval run es-sink`: the sink with clients from the environment. */
export async function startEsSinkFromEnv(
  env: Env = process.env,
  options: { groupId?: string } = {},
): Promise<RunningEsSink> {
  const runtime = await connectEsRuntime(env, PROCESSOR);
  let sink: RunningEsSink;
  try {
    sink = await startEsSink({
      ...runtime,
      groupId: options.groupId ?? env.ES_SINK_GROUP_ID ?? 'reval-es-sink',
    });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return {
    stop: async () => {
      await sink.stop();
      await runtime.close();
    },
  };
}
