// The in-memory test driver (Kafka Streams' TopologyTestDriver): pipes inputs through a
// topology with no broker, lets a test read what reached each output sink and what each store
// holds, and runs on simulated time. It commits after every input, as a runtime that is
// caught up does. Repartitioned records are serialised and read back, and go to the partition
// Kafka's partitioner would choose, so partitioning mistakes show here.
import type { KafkaRecord } from '../platform/kafka';
import { LocalRunner } from './local-runner';
import { memoryBackend } from './memory-storage';
import type { ProcessorContext, Topology } from './topology';

export interface DriverOutput<V = unknown> {
  key: string;
  value: V | null;
  partition: number;
  headers: Record<string, string>;
}

export class TopologyTestDriver {
  private readonly runner: LocalRunner;
  private readonly outputs = new Map<string, DriverOutput[]>();
  readonly deadLetters: { topic: string; key: string; reason: string }[] = [];

  constructor(
    topology: Topology,
    private time: Date,
    /** Partitions of the topics from outside the topology (raw inputs); default 1 each. */
    sourcePartitions: Record<string, number> = {},
  ) {
    this.runner = new LocalRunner(topology, {
      backend: memoryBackend,
      dirOf: (sub, partition) => `${sub.name}-${partition}`,
      now: () => this.time,
      sourcePartitions,
      onRefusal: (topic, key, reason) => this.deadLetters.push({ topic, key, reason }),
      onOutput: ({ sink, key, value, partition }) => {
        const records = this.outputs.get(sink.topic) ?? [];
        records.push({
          key,
          value,
          partition,
          headers: value === null ? {} : (sink.headers?.(value as never) ?? {}),
        });
        this.outputs.set(sink.topic, records);
      },
    });
  }

  now(): Date {
    return this.time;
  }

  setTime(time: Date | string): void {
    this.time = new Date(time);
  }

  /** Feeds one already-deserialised input to the sub-topology that reads `topic`. */
  pipe(topic: string, key: string, input: unknown): void {
    this.runner.pipe(topic, key, input);
    this.runner.commit();
  }

  /**
   * Feeds one Kafka record as the runtime reads it: deserialised by the sub-topology that reads
   * its topic (a refusal is dead-lettered), then processed on the record's partition.
   */
  async pipeRecord(record: KafkaRecord): Promise<void> {
    const sub = this.runner.topology.subTopologies.find((s) => s.source === record.topic);
    if (!sub) throw new Error(`no sub-topology reads ${record.topic}`);
    const key = record.key?.toString('utf8') ?? '';
    const input = await sub.deserialize(record);
    if (!input.ok) {
      this.deadLetters.push({ topic: record.topic, key, reason: input.error.reason });
      return;
    }
    this.runner.pipe(record.topic, key, input.value, record.partition);
    this.runner.commit();
  }

  /** Runs `work` in every task of a sub-topology, as a punctuation (midnight, a global table). */
  punctuate(subTopology: string, work: (context: ProcessorContext) => void): void {
    this.runner.punctuate(subTopology, work);
    this.runner.commit();
  }

  /** Everything that reached an output topic since the last read, in order. */
  readOutput<V>(topic: string): DriverOutput<V>[] {
    const records = this.outputs.get(topic) ?? [];
    this.outputs.set(topic, []);
    return records as DriverOutput<V>[];
  }

  /** The entries of one store of one task. */
  store<V>(subTopology: string, partition: number, store: string): Map<string, V> {
    const task = this.runner
      .taskList()
      .find((t) => t.subTopology.name === subTopology && t.partition === partition);
    return new Map(task?.range<V>(store, {}) ?? []);
  }

  /** Every task of a sub-topology that holds state, by partition. */
  partitionsWithState(subTopology: string): number[] {
    return this.runner
      .taskList()
      .filter((task) => task.subTopology.name === subTopology)
      .map((task) => task.partition);
  }
}
