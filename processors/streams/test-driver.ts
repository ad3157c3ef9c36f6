// The in-memory test driver (Kafka Streams' TopologyTestDriver): pipes inputs through a
// topology with no broker, lets a test read what reached each output sink and what each store
// holds, and runs on simulated time. Repartitioned records are serialised and read back, and
// go to the partition Kafka's partitioner would choose, so partitioning mistakes show here.
import { partitionForKey } from '../platform/kafka';
import { memoryBackend } from './memory-storage';
import { Task } from './task';
import type { ProcessorContext, Sink, SubTopology, Topology, Unreadable } from './topology';
import { decodeValue, encodeValue } from './values';

export interface DriverOutput<V = unknown> {
  key: string;
  value: V | null;
  partition: number;
  headers: Record<string, string>;
}

export class TopologyTestDriver {
  private readonly tasks = new Map<string, Task>();
  private readonly outputs = new Map<string, DriverOutput[]>();
  private readonly sinks: Map<string, Sink<never>>;
  private readonly readers = new Map<string, SubTopology<never>>();
  private readonly partitionsByTopic = new Map<string, number>();
  readonly deadLetters: { topic: string; key: string; reason: string }[] = [];

  constructor(
    private readonly topology: Topology,
    private time: Date,
    /** Partitions of the topics from outside the topology (raw inputs); default 1 each. */
    sourcePartitions: Record<string, number> = {},
  ) {
    this.sinks = new Map(topology.sinks.map((sink) => [sink.name, sink]));
    for (const sub of topology.subTopologies) this.readers.set(sub.source, sub);
    for (const { topic, partitions } of topology.internalTopics) {
      this.partitionsByTopic.set(topic, partitions);
    }
    for (const [topic, partitions] of Object.entries(sourcePartitions)) {
      this.partitionsByTopic.set(topic, partitions);
    }
  }

  now(): Date {
    return this.time;
  }

  setTime(time: Date | string): void {
    this.time = new Date(time);
  }

  /** Feeds one already-deserialised input to the sub-topology that reads `topic`. */
  pipe(topic: string, key: string, input: unknown): void {
    const sub = this.readers.get(topic);
    if (!sub) throw new Error(`no sub-topology reads ${topic}`);
    const partition = partitionForKey(key, this.partitionsByTopic.get(topic) ?? 1);
    this.run(sub, partition, (context) => {
      const outcome = sub.process(key, input as never, context);
      if (outcome) this.deadLetters.push({ topic, key, reason: outcome.error });
    });
  }

  /** Runs `work` in every task of a sub-topology, as a punctuation (midnight, a global table). */
  punctuate(subTopology: string, work: (context: ProcessorContext) => void): void {
    const sub = this.topology.subTopologies.find((candidate) => candidate.name === subTopology);
    if (!sub) throw new Error(`no sub-topology ${subTopology}`);
    const partitions = this.partitionsByTopic.get(sub.source) ?? 1;
    for (let partition = 0; partition < partitions; partition += 1) {
      this.run(sub, partition, work);
    }
  }

  /** Everything that reached an output topic since the last read, in order. */
  readOutput<V>(topic: string): DriverOutput<V>[] {
    const records = this.outputs.get(topic) ?? [];
    this.outputs.set(topic, []);
    return records as DriverOutput<V>[];
  }

  /** The entries of one store of one task. */
  store<V>(subTopology: string, partition: number, store: string): Map<string, V> {
    const task = this.tasks.get(`${subTopology}:${partition}`);
    if (!task) return new Map();
    return new Map(task.range<V>(store, {}));
  }

  /** Every task of a sub-topology that holds state, by partition. */
  partitionsWithState(subTopology: string): number[] {
    return [...this.tasks.values()]
      .filter((task) => task.subTopology.name === subTopology)
      .map((task) => task.partition);
  }

  private task(sub: SubTopology<never>, partition: number): Task {
    const id = `${sub.name}:${partition}`;
    let task = this.tasks.get(id);
    if (!task) {
      task = new Task(sub, partition, memoryBackend.open(id, sub.stores, 1));
      this.tasks.set(id, task);
    }
    return task;
  }

  private run(
    sub: SubTopology<never>,
    partition: number,
    work: (context: ProcessorContext) => void,
  ): void {
    const queue: { sub: SubTopology<never>; partition: number; key: string; bytes: Buffer }[] = [];
    const step = (target: SubTopology<never>, targetPartition: number, act: typeof work) => {
      const task = this.task(target, targetPartition);
      act(task.context(() => this.time));
      const { writes, forwarded } = task.drain(() => this.time);
      task.storage.commit(writes, new Map());
      for (const record of forwarded) {
        const sink = this.sinks.get(record.sink);
        if (!sink) throw new Error(`${target.name} forwarded to unknown sink ${record.sink}`);
        const sinkPartition = partitionForKey(record.key, sink.partitions);
        const reader = this.readers.get(sink.topic);
        if (reader && record.value !== null) {
          queue.push({
            sub: reader,
            partition: sinkPartition,
            key: record.key,
            bytes: encodeValue(record.value),
          });
        } else {
          const records = this.outputs.get(sink.topic) ?? [];
          records.push({
            key: record.key,
            value: record.value,
            partition: sinkPartition,
            headers: record.value === null ? {} : (sink.headers?.(record.value as never) ?? {}),
          });
          this.outputs.set(sink.topic, records);
        }
      }
    };
    step(sub, partition, work);
    while (queue.length > 0) {
      const next = queue.shift() as (typeof queue)[number];
      step(next.sub, next.partition, (context) => {
        const outcome = next.sub.process(next.key, decodeValue(next.bytes) as never, context);
        if (outcome) {
          this.deadLetters.push({
            topic: next.sub.source,
            key: next.key,
            reason: (outcome as Unreadable).error,
          });
        }
      });
    }
  }
}
