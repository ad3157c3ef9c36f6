// Bad input is never dropped: a record a processor cannot handle goes to the dead-letter
// topic with its original bytes and the reason, and the processor carries on.
import type { KafkaRecord, MessageProducer, OutgoingMessage } from './kafka';
import type { SchemaRegistryCodecs } from './registry';
import type { Logger } from './logger';
import { metrics } from './metrics';

export const DLQ_HEADERS = {
  topic: 'reval.dlq.topic',
  partition: 'reval.dlq.partition',
  offset: 'reval.dlq.offset',
  reason: 'reval.dlq.reason',
  processor: 'reval.dlq.processor',
} as const;

export interface DeadLetter {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  processor: string;
  reason: string;
  failedAt: Date;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

export class DeadLetterQueue {
  constructor(
    private readonly producer: MessageProducer,
    private readonly codecs: SchemaRegistryCodecs,
    private readonly dlqTopic: string,
    private readonly processor: string,
    private readonly logger: Logger,
  ) {}

  async send(failures: { record: KafkaRecord; reason: string }[]): Promise<void> {
    if (failures.length === 0) return;
    const messages: OutgoingMessage[] = [];
    for (const { record, reason } of failures) {
      const letter: DeadLetter = {
        sourceTopic: record.topic,
        sourcePartition: record.partition,
        sourceOffset: Number(record.offset),
        processor: this.processor,
        reason: reason.slice(0, 2_000),
        failedAt: new Date(),
        key: record.key,
        value: record.value,
        headers: record.headers,
      };
      messages.push({
        key: record.key,
        value: await this.codecs.encode('deadLetter', letter),
        headers: {
          [DLQ_HEADERS.topic]: record.topic,
          [DLQ_HEADERS.partition]: String(record.partition),
          [DLQ_HEADERS.offset]: record.offset,
          [DLQ_HEADERS.reason]: letter.reason,
          [DLQ_HEADERS.processor]: this.processor,
        },
      });
      this.logger.warn(
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          reason: letter.reason,
        },
        'record sent to the dead-letter topic',
      );
      metrics.deadLetters.inc({ processor: this.processor, topic: record.topic });
    }
    await this.producer.send(this.dlqTopic, messages);
  }
}
