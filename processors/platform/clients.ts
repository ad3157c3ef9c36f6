// The step every runtime takes from its settings to the Kafka side of its dependencies: the
// Kafka client and the registry codecs under the processor's logger, its topics created as
// the catalogue says, and (for processors that dead-letter) a producer and the dead-letter
// queue. Settings are read by the caller first, so a bad variable fails before any connection.
import type { KafkaConfig, RegistryConfig } from './config';
import { DeadLetterQueue } from './dead-letters';
import { KafkaClient, type MessageProducer } from './kafka';
import { createLogger, type Logger } from './logger';
import { SchemaRegistryCodecs } from './registry';
import type { OpenedRuntime } from './running';
import type { TopicSpec, Topics } from './topics';

export interface KafkaSettings {
  processor: string;
  kafka: KafkaConfig;
  registry: RegistryConfig;
  topics: Topics;
  /** Created when missing, before anything else is done. */
  ensureTopics: TopicSpec[];
}

export interface KafkaClients extends OpenedRuntime {
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  logger: Logger;
}

export interface DeadLetteringClients extends KafkaClients {
  producer: MessageProducer;
  deadLetters: DeadLetterQueue;
}

/** Kafka and the registry; nothing to close but the Kafka client. */
export async function openKafkaClients(settings: KafkaSettings): Promise<KafkaClients> {
  const logger = createLogger(settings.processor);
  const kafka = new KafkaClient(settings.kafka, logger);
  const codecs = new SchemaRegistryCodecs(settings.registry, settings.topics);
  try {
    await kafka.ensureTopics(settings.ensureTopics);
  } catch (error) {
    await kafka.disconnect().catch(() => undefined);
    throw error;
  }
  return { kafka, codecs, logger, close: () => kafka.disconnect() };
}

/** Kafka, the registry, a producer and the dead-letter queue on `topics.dlq`. */
export async function openDeadLetteringClients(
  settings: KafkaSettings,
): Promise<DeadLetteringClients> {
  const clients = await openKafkaClients(settings);
  const { kafka, codecs, logger } = clients;
  let producer: MessageProducer;
  try {
    producer = await kafka.createProducer();
  } catch (error) {
    await clients.close().catch(() => undefined);
    throw error;
  }
  const { dlq } = settings.topics;
  return {
    ...clients,
    producer,
    deadLetters: new DeadLetterQueue(producer, codecs, dlq, settings.processor, logger, kafka),
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
