// Plain and transactional producers, both idempotent with one request in flight, so that a
// retry can neither duplicate nor reorder; sends are cut under the broker's batch size limit.
import { Partitioners, type Kafka, type Producer, type Transaction } from 'kafkajs';
import type { Logger } from '../logger';
import type {
  MessageProducer,
  OutgoingMessage,
  TransactionalProducer,
  WrittenOffsets,
} from './types';

// Wait for every in-sync replica (acks=all): kafkajs exports no name for it, and an
// idempotent producer requires it.
const ALL_REPLICAS = -1;

// Kafka refuses a record batch above message.max.bytes (1 MiB by default); stay well below.
const MAX_BATCH_BYTES = 512 * 1024;

export async function createProducer(kafka: Kafka): Promise<MessageProducer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    send: async (topic, messages) => {
      const written: WrittenOffsets = new Map();
      for (const chunk of chunksUnderBatchLimit(messages)) {
        const metadata = await producer.send({
          topic,
          acks: ALL_REPLICAS,
          messages: chunk.map(toKafkaMessage),
        });
        lastOffsetsOf(chunk, metadata, written);
      }
      return written;
    },
    sendMany: async (entries) => {
      const written = new Map<string, bigint>();
      for (const chunk of chunksUnderBatchLimit(entries, (entry) => entry.message)) {
        const byTopic = new Map<string, OutgoingMessage[]>();
        for (const { topic, message } of chunk) {
          let messages = byTopic.get(topic);
          if (!messages) byTopic.set(topic, (messages = []));
          messages.push(message);
        }
        const metadata = await producer.sendBatch({
          acks: ALL_REPLICAS,
          topicMessages: [...byTopic].map(([topic, messages]) => ({
            topic,
            messages: messages.map(toKafkaMessage),
          })),
        });
        for (const [topic, messages] of byTopic) {
          const perPartition: WrittenOffsets = new Map();
          lastOffsetsOf(
            messages,
            metadata.filter((m) => m.topicName === topic),
            perPartition,
          );
          for (const [partition, offset] of perPartition) {
            written.set(`${topic}:${partition}`, offset);
          }
        }
      }
      return written;
    },
    disconnect: () => producer.disconnect(),
  };
}

/**
 * A fixed transactional id fences any older producer with the same id: a second
 * concurrent instance makes the first one's commit fail instead of interleaving.
 */
export async function createTransactionalProducer(
  kafka: Kafka,
  transactionalId: string,
  logger: Logger,
): Promise<TransactionalProducer> {
  const producer: Producer = kafka.producer({
    transactionalId,
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
    maxInFlightRequests: 1,
    transactionTimeout: 60_000,
  });
  await producer.connect();
  const transactionalProducer: TransactionalProducer = {
    transaction: async (work) => {
      const transaction: Transaction = await producer.transaction();
      try {
        const result = await work({
          send: async (topic, messages) => {
            for (const chunk of chunksUnderBatchLimit(messages)) {
              await transaction.send({
                topic,
                acks: ALL_REPLICAS,
                messages: chunk.map(toKafkaMessage),
              });
            }
          },
        });
        await transaction.commit();
        return result;
      } catch (error) {
        await transaction.abort().catch((abortError: unknown) => {
          logger.warn({ err: abortError }, 'transaction abort failed (already fenced?)');
        });
        throw error;
      }
    },
    disconnect: () => producer.disconnect(),
  };
  // kafkajs registers the transactional id with the broker only when the first
  // transaction begins; an empty one now fences any older producer at creation, as the
  // contract above promises, and aborts its open transaction.
  await transactionalProducer.transaction(async () => undefined);
  return transactionalProducer;
}

/** Per partition, the offset of the last message of `chunk` that the broker acknowledged. */
function lastOffsetsOf(
  chunk: OutgoingMessage[],
  metadata: { partition: number; baseOffset?: string }[],
  into: WrittenOffsets,
): void {
  const counts = new Map<number, number>();
  for (const message of chunk) {
    if (message.partition === undefined) continue;
    counts.set(message.partition, (counts.get(message.partition) ?? 0) + 1);
  }
  for (const { partition, baseOffset } of metadata) {
    const count = counts.get(partition);
    if (baseOffset === undefined || count === undefined) continue;
    const last = BigInt(baseOffset) + BigInt(count) - 1n;
    if (last > (into.get(partition) ?? -1n)) into.set(partition, last);
  }
}

function* chunksUnderBatchLimit<T = OutgoingMessage>(
  items: T[],
  messageOf: (item: T) => OutgoingMessage = (item) => item as OutgoingMessage,
): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const message = messageOf(item);
    const size = (message.key?.length ?? 0) + (message.value?.length ?? 0) + 64;
    if (chunk.length > 0 && bytes + size > MAX_BATCH_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function toKafkaMessage(message: OutgoingMessage) {
  return {
    key: message.key,
    value: message.value,
    headers: message.headers,
    partition: message.partition,
  };
}
