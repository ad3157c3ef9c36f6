// The es-sink's dependencies from the environment (the rebuild opens the same ones): every
// setting read and checked first, then Kafka, the registry and Elasticsearch connected, and
// the topics it touches created as the catalogue says.
import {
  connectionsConfig,
  elasticsearchConfig,
  elasticsearchViewsConfig,
} from '../platform/config';
import { openDeadLetteringClients } from '../platform/clients';
import { ElasticsearchClient } from '../platform/elasticsearch';
import {
  launch,
  type OpenedRuntime,
  type RunningProcessor,
  type RuntimeOptions,
} from '../platform/running';
import { topicSpecs } from '../platform/topics';
import { PROCESSOR, start, type EsSinkDeps } from './processor';
import { historyOfEnv, viewNamesOfEnv } from './view-sets';

/** `processor`: `es-sink`, or `es-rebuild` for the rebuild. */
export interface EsSinkOptions extends RuntimeOptions {
  /** Overrides ES_SINK_GROUP_ID. */
  groupId?: string;
}

export type EsRuntime = EsSinkDeps & { bulk: { maxActions: number; maxInFlight: number } };

export async function openRuntime(options: EsSinkOptions = {}): Promise<EsRuntime & OpenedRuntime> {
  const env = options.env ?? process.env;
  const connectionsPartitions = connectionsConfig(env).partitions;
  const esSettings = elasticsearchConfig(env);
  const viewSettings = elasticsearchViewsConfig(env);
  const viewNames = viewNamesOfEnv(env);
  const groupId = options.groupId ?? env.ES_SINK_GROUP_ID ?? 'reval-es-sink';
  const clients = await openDeadLetteringClients(env, {
    processor: options.processor ?? PROCESSOR,
    ensureTopics: (topics) =>
      topicSpecs(topics, ['connections', 'connectionChanges', 'dlq'], connectionsPartitions, env),
  });
  const es = new ElasticsearchClient(esSettings, clients.logger);
  return {
    ...clients,
    es,
    ...viewNames,
    topic: clients.topics.connections,
    history: historyOfEnv(env, clients.topics.connectionChanges),
    groupId,
    bulk: { maxActions: viewSettings.bulkMaxActions, maxInFlight: viewSettings.bulkMaxInFlight },
    close: async () => {
      await clients.close();
      await es.close();
    },
  };
}

/** `reval run es-sink`: the sink on dependencies from the environment. */
export async function startFromEnv(options: EsSinkOptions = {}): Promise<RunningProcessor> {
  return launch(await openRuntime(options), start);
}
