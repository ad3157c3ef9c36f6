// The step every runtime takes from the environment to the Kafka side of its dependencies:
// the topic names, Kafka and registry settings read and checked (before any connection, so
// a bad variable fails naming itself), then the Kafka client and the registry codecs under
// the processor's logger, its topics created as the catalogue says, and (for processors that
// dead-letter) a producer and the dead-letter queue.
import { kafkaConfig, registryConfig, type Env } from './config';
import { DeadLetterQueue } from './dead-letters';
import { KafkaClient, type MessageProducer } from './kafka';
import { createLogger, type Logger } from './logger';
import { SchemaRegistryCodecs } from './registry';
import type { OpenedRuntime } from './running';
import { topicsOf, type TopicSpec, type Topics } from './topics';

export interface KafkaClientsRequest {
  /** Names the logs and the dead letters' origin. */
  processor: string;
  /** The topics to create when missing (from the catalogue), before anything else is done. */
  ensureTopics(topics: Topics): TopicSpec[];
}

export interface KafkaClients extends OpenedRuntime {
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  logger: Logger;
  /** Every topic's configured name. */
  topics: Topics;
}

export interface DeadLetteringClients extends KafkaClients {
  producer: MessageProducer;
  deadLetters: DeadLetterQueue;
}

/** Kafka and the registry; nothing to close but the Kafka client. */
export async function openKafkaClients(
  env: Env,
  request: KafkaClientsRequest,
): Promise<KafkaClients> {
  const topics = topicsOf(env);
  const kafkaSettings = kafkaConfig(env);
  const registrySettings = registryConfig(env);
  const specs = request.ensureTopics(topics);
  const logger = createLogger(request.processor);
  const kafka = new KafkaClient(kafkaSettings, logger);
  const codecs = new SchemaRegistryCodecs(registrySettings, topics, (subject) =>
    logger.warn({ subject }, 'registry subject had no compatibility rule: set it to BACKWARD'),
  );
  try {
    if (specs.length > 0) await kafka.ensureTopics(specs);
  } catch (error) {
    await kafka.disconnect().catch(() => undefined);
    throw error;
  }
  return { kafka, codecs, logger, topics, close: () => kafka.disconnect() };
}

/** Kafka, the registry, a producer and the dead-letter queue on `topics.dlq`. */
export async function openDeadLetteringClients(
  env: Env,
  request: KafkaClientsRequest,
): Promise<DeadLetteringClients> {
  const clients = await openKafkaClients(env, request);
  const { kafka, codecs, logger, topics } = clients;
  let producer: MessageProducer;
  try {
    producer = await kafka.createProducer();
  } catch (error) {
    await clients.close().catch(() => undefined);
    throw error;
  }
  return {
    ...clients,
    producer,
    deadLetters: new DeadLetterQueue(
      producer,
      codecs,
      topics.dlq,
      request.processor,
      logger,
      kafka,
    ),
    close: async () => {
      await producer.disconnect();
      await clients.close();
    },
  };
}

/**
 * Runs `more` (further clients, or checks) with `clients` open; if it fails, closes them and
 * rethrows, so a start that fails half way leaves nothing connected.
 */
export async function withClients<C extends OpenedRuntime, T>(
  clients: C,
  more: (clients: C) => Promise<T>,
): Promise<T> {
  try {
    return await more(clients);
  } catch (error) {
    await clients.close().catch(() => undefined);
    throw error;
  }
}
