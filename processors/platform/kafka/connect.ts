// From our KafkaConfig to a kafkajs client, with kafkajs's logs sorted into ours: its error
// logs include answers it then retries by itself, which are start-up weather, not errors.
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../config';
import type { Logger } from '../logger';
import { RETRIABLE_ERROR_MESSAGES } from './errors';

export function createKafka(config: KafkaConfig, logger: Logger): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.tls
      ? { ca: config.tls.ca, rejectUnauthorized: config.tls.rejectUnauthorized }
      : undefined,
    sasl: config.sasl as SASLOptions | undefined,
    connectionTimeout: 10_000,
    retry: { initialRetryTime: 300, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      // Bounded producer retries are deliberate (an outage must surface, not hang), so
      // kafkajs's warning about them is not news.
      const expected = message.startsWith('Limiting retries for the idempotent producer');
      // kafkajs logs every error answer at error level, even the ones it then retries
      // (coordinator not available or moving, leader elections, a topic just created):
      // normal at start-up. If the retries run out, the caller's error says so.
      const retried = RETRIABLE_ERROR_MESSAGES.has(String(rest.error ?? ''));
      const level =
        entry.level <= logLevel.ERROR && !retried
          ? 'error'
          : entry.level <= logLevel.WARN && !expected && !retried
            ? 'warn'
            : 'debug';
      logger[level]({ kafkajs: entry.namespace, ...rest }, message);
    },
  });
}
