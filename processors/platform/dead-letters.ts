// Bad input is never dropped: a record a processor cannot handle goes to the dead-letter
// topic with its original bytes and the reason, and the processor carries on. And it is
// dead-lettered once: a record met again after a restart or in a rebuild, for the same
// reason, is not written a second time (the letters already there are read on first use).
import { createHash } from 'node:crypto';
import type { KafkaClient, KafkaRecord, MessageProducer, OutgoingMessage } from './kafka';
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

/** Whether a decoded dead-letter value has the shape of a letter. */
export function isDeadLetter(value: unknown): value is DeadLetter {
  const letter = value as Partial<DeadLetter> | null;
  return (
    typeof letter?.sourceTopic === 'string' &&
    typeof letter.sourcePartition === 'number' &&
    letter.failedAt instanceof Date &&
    (letter.key === null || Buffer.isBuffer(letter.key)) &&
    (letter.value === null || Buffer.isBuffer(letter.value))
  );
}

/** What makes two letters the same: the source record's place and the reason. */
export function deadLetterIdentity(
  topic: string,
  partition: number | string,
  offset: string,
  reason: string,
): string {
  const digest = createHash('sha1').update(reason.slice(0, 2_000)).digest('base64url');
  return `${topic}\u0000${partition}\u0000${offset}\u0000${digest}`;
}

export class DeadLetterQueue {
  /** Identities of the letters on the topic; loaded on first use. */
  private sent?: Promise<Set<string>>;

  /**
   * With `kafka`, letters already on the topic are not written again. Without it (tests of
   * the letter format), every failure is written.
   */
  constructor(
    private readonly producer: MessageProducer,
    private readonly codecs: SchemaRegistryCodecs,
    private readonly dlqTopic: string,
    private readonly processor: string,
    private readonly logger: Logger,
    private readonly kafka?: Pick<KafkaClient, 'readToEnd'>,
  ) {}

  async send(failures: { record: KafkaRecord; reason: string }[]): Promise<void> {
    if (failures.length === 0) return;
    const sent = await this.lettersSent();
    const messages: OutgoingMessage[] = [];
    const identities = new Set<string>();
    for (const { record, reason } of failures) {
      const identity = deadLetterIdentity(record.topic, record.partition, record.offset, reason);
      if (sent.has(identity) || identities.has(identity)) {
        this.logger.debug(
          { topic: record.topic, partition: record.partition, offset: record.offset },
          'record already in the dead-letter topic for this reason: not written again',
        );
        continue;
      }
      identities.add(identity);
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
    if (messages.length === 0) return;
    await this.producer.send(this.dlqTopic, messages);
    for (const identity of identities) sent.add(identity);
  }

  private lettersSent(): Promise<Set<string>> {
    this.sent ??= (async () => {
      const identities = new Set<string>();
      if (!this.kafka) return identities;
      const started = Date.now();
      await this.kafka.readToEnd([this.dlqTopic], (records) => {
        for (const { headers } of records) {
          const [topic, partition, offset, reason] = [
            DLQ_HEADERS.topic,
            DLQ_HEADERS.partition,
            DLQ_HEADERS.offset,
            DLQ_HEADERS.reason,
          ].map((name) => headers[name]?.toString('utf8'));
          if (topic === undefined || partition === undefined || offset === undefined) continue;
          identities.add(deadLetterIdentity(topic, partition, offset, reason ?? ''));
        }
      });
      this.logger.debug(
        { letters: identities.size, ms: Date.now() - started },
        'read the dead-letter topic, to write each letter once',
      );
      return identities;
    })();
    // A failed read is tried again at the next send, not remembered.
    this.sent.catch(() => (this.sent = undefined));
    return this.sent;
  }
}
