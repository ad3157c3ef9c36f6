// partitionForKey must keep choosing the partition Kafka's Java default partitioner (murmur2)
// gives a key: repartition topics, co-partitioned inputs and the dead-letter replay rely on
// it, and a change would scatter every key's state. Values computed with the implementation
// that hashed with kafkajs's murmur2 directly.
import { partitionForKey } from './partitioner';

describe('partitionForKey', () => {
  const known: [string, number[]][] = [
    // key, partitions for 1, 3, 4, 6, 12 and 100 partitions
    ['7000001', [0, 1, 1, 1, 1, 69]],
    ['7000009', [0, 2, 0, 2, 8, 52]],
    ['1234567', [0, 0, 2, 0, 6, 22]],
    ['', [0, 0, 1, 3, 9, 81]],
    ['reval', [0, 2, 1, 5, 5, 85]],
    ['ABC-123', [0, 0, 2, 0, 6, 82]],
    ['doctor:6012345', [0, 0, 0, 0, 0, 56]],
    ['ü-key', [0, 2, 1, 5, 5, 61]],
  ];

  it.each(known)('puts %j where the Java client would', (key, expected) => {
    expect([1, 3, 4, 6, 12, 100].map((partitions) => partitionForKey(key, partitions))).toEqual(
      expected,
    );
  });
});
