// kafkajs's cluster object, which it keeps private: the only way to fetch partitions by
// offset without a group and to send LeaveGroup for another member, neither of which its
// public API offers. Reached for here alone, so a kafkajs upgrade that moves it breaks one
// lookup with a clear error.
import type { Kafka } from 'kafkajs';

/** The part of a decoded record (kafkajs's protocol decoder) the fetcher uses. */
export interface KafkajsRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: Record<string, Buffer | Buffer[] | undefined>;
  isControlRecord?: boolean;
  batchContext?: { firstOffset: string; lastOffsetDelta: number };
}

export interface KafkajsPartitionData {
  partition: number;
  highWatermark: string;
  lastStableOffset?: string;
  abortedTransactions?: { producerId: string; firstOffset: string }[];
  messages: KafkajsRecord[];
}

export interface KafkajsBroker {
  fetch(request: {
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: {
      topic: string;
      partitions: { partition: number; fetchOffset: string; maxBytes: number }[];
    }[];
  }): Promise<{ responses: { topicName: string; partitions: KafkajsPartitionData[] }[] }>;
}

export interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(options: { nodeId: string }): Promise<KafkajsBroker>;
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  findGroupCoordinator(options: { groupId: string }): Promise<{
    leaveGroup(options: { groupId: string; memberId: string }): Promise<unknown>;
  }>;
}

// Kafka's isolation levels (FetchRequest); kafkajs has them only on a private path.
export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

/** A new, unconnected cluster of `kafka`'s brokers and settings. */
export function createCluster(
  kafka: Kafka,
  options: { isolationLevel?: number } = {},
): KafkajsCluster {
  const factory = Object.getOwnPropertySymbols(kafka)
    .filter((symbol) => symbol.description === 'private:Kafka:createCluster')
    .map((symbol) => (kafka as unknown as Record<symbol, unknown>)[symbol])[0] as
    ((options: object) => KafkajsCluster) | undefined;
  if (!factory) throw new Error('this kafkajs version has no cluster factory');
  return factory(options);
}
