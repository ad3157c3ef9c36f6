// The partition Kafka's default partitioner gives a key (murmur2, as the Java client and
// Debezium hash it): tasks, repartition topics and the dead-letter replay must place a key
// where every producer of the topic does. kafkajs's DefaultPartitioner is that function.
import { Partitioners, type PartitionMetadata } from 'kafkajs';

const defaultPartitioner = Partitioners.DefaultPartitioner();

/** Partitions 0..n-1, each with a leader: the partitioner needs only their number. */
const metadataByCount = new Map<number, PartitionMetadata[]>();

function metadataOf(partitions: number): PartitionMetadata[] {
  let metadata = metadataByCount.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    metadataByCount.set(partitions, metadata);
  }
  return metadata;
}

/** The partition Kafka's default partitioner gives a key. */
export function partitionForKey(key: string, partitions: number): number {
  return defaultPartitioner({
    topic: '',
    partitionMetadata: metadataOf(partitions),
    message: { key, value: null },
  });
}
