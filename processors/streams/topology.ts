// What flows where, apart from what happens to one record: a topology is a set of
// sub-topologies, each reading one topic (a task per partition) with its own state stores,
// and a set of sinks it may forward to. The runtime (Kafka) and the test driver (memory) run
// the same topology, so what the golden tests see is what production does.
import type { Refusal, Result } from '../platform/result';
import type { KafkaRecord } from '../platform/kafka';
import type { KeyRange } from './storage';

/** What a processor may do while it handles one record (or one punctuation) in one task. */
export interface ProcessorContext {
  /** The task's partition: the partition of the sub-topology's source topic. */
  readonly partition: number;
  now(): Date;
  get<V>(store: string, key: string): V | undefined;
  /** `undefined` deletes. The write reaches the store and its changelog when the task commits. */
  put<V>(store: string, key: string, value: V | undefined): void;
  range<V>(store: string, range: KeyRange): [string, V][];
  /**
   * Sends a record to a sink; `null` is a tombstone. With `latest`, the record is the current
   * state of the entity so named, and an earlier record for the same sink, key and entity
   * that is not yet committed is replaced (Kafka Streams' record cache): only state, never a
   * change with a source position, may be sent this way.
   */
  forward(sink: string, key: string, value: unknown, latest?: string): void;
  /** Asks for `beforeCommit` to see this key once before the work in hand is committed. */
  later(key: string): void;
}

export interface SubTopology<In = unknown> {
  name: string;
  /** The topic it reads. */
  source: string;
  /** Store names, unique in the topology: each has a changelog topic of its own. */
  stores: readonly string[];
  /**
   * Bytes to input (may be asynchronous: registry Avro). Never throws for bad input: a
   * refusal goes to the dead-letter topic with its reason.
   */
  deserialize(record: KafkaRecord): Promise<Result<In, Refusal>> | Result<In, Refusal>;
  /**
   * Applies one input, keyed by the record's key; what it cannot use it answers with a
   * refusal, for the dead-letter topic.
   */
  process(key: string, input: In, context: ProcessorContext): Refusal | void;
  /** Runs once per commit with the keys `later` named since the last one. */
  beforeCommit?(keys: ReadonlySet<string>, context: ProcessorContext): void;
}

export interface Sink<V = unknown> {
  name: string;
  topic: string;
  /** Partitions of the topic (records go to the key's partition, as Kafka's partitioner does). */
  partitions: number;
  /** Null writes a tombstone. */
  serialize(value: V): Promise<Buffer | null> | Buffer | null;
  headers?(value: V): Record<string, string>;
}

export interface Topology {
  /** Names the consumer group, the changelog and repartition topics and the state folder. */
  applicationId: string;
  subTopologies: SubTopology<never>[];
  sinks: Sink<never>[];
  /** Topics owned by the topology (repartition topics): created, and purged once consumed. */
  internalTopics: { topic: string; partitions: number }[];
}

export function changelogTopic(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`;
}
