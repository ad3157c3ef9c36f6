// The connections processor's dependencies from the environment: every setting is read and
// checked first (a bad one fails naming its variable before anything connects), then the
// clients are connected and the topics it touches created as the catalogue says.
import {
  connectionsConfig,
  kafkaConfig,
  registryConfig,
  timeZone,
  type Env,
} from '../platform/config';
import { DeadLetterQueue } from '../platform/dead-letters';
import { loadDesignatedBodies } from '../platform/designated-bodies';
import { KafkaClient } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { SchemaRegistryCodecs } from '../platform/registry';
import { launch, type OpenedRuntime } from '../platform/running';
import { topicsOf } from '../platform/topics';
import type { Clock } from './midnight';
import { PROCESSOR, start, type ConnectionsDeps, type RunningConnections } from './processor';
import { ensureConnectionsTopics } from './wiring';

export interface ConnectionsOptions {
  env?: Env;
  clock?: Clock;
  reevaluationCheckMs?: number;
  /** Overrides CONNECTIONS_GROUP_ID (the application id). */
  groupId?: string;
  /** Overrides CONNECTIONS_PARTITIONS when this process creates reval.connections. */
  partitions?: number;
}

export async function openRuntime(
  options: ConnectionsOptions = {},
): Promise<ConnectionsDeps & OpenedRuntime> {
  const env = options.env ?? process.env;
  const topics = topicsOf(env);
  const connections = connectionsConfig(env);
  const zone = timeZone(env);
  const designatedBodies = loadDesignatedBodies(env);
  const kafkaSettings = kafkaConfig(env);
  const registrySettings = registryConfig(env);

  const logger = createLogger(PROCESSOR);
  const kafka = new KafkaClient(kafkaSettings, logger);
  const codecs = new SchemaRegistryCodecs(registrySettings, topics);
  try {
    await ensureConnectionsTopics(kafka, topics, options.partitions ?? connections.partitions);
    await codecs.register('connection');
    // The topic may predate this process: its partitions, not the setting, are the truth.
    const partitions = await kafka.partitionCount(topics.connections);
    const producer = await kafka.createProducer();
    return {
      kafka,
      producer,
      codecs,
      deadLetters: new DeadLetterQueue(producer, codecs, topics.dlq, PROCESSOR, logger, kafka),
      topics,
      logger,
      clock: options.clock ?? { now: () => new Date() },
      settings: {
        applicationId: options.groupId ?? connections.groupId,
        partitions,
        stateDir: connections.stateDir,
        timeZone: zone,
        designatedBodies,
        reevaluationCheckMs: options.reevaluationCheckMs ?? 30_000,
      },
      close: async () => {
        await producer.disconnect();
        await kafka.disconnect();
      },
    };
  } catch (error) {
    await kafka.disconnect().catch(() => undefined);
    throw error;
  }
}

/** `reval run connections`: the processor on dependencies from the environment. */
export async function startFromEnv(options: ConnectionsOptions = {}): Promise<RunningConnections> {
  return launch(await openRuntime(options), start);
}
