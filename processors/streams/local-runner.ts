// Runs a topology inside one process that owns every partition: records forwarded to a
// repartition topic go straight to the task that would read them, serialised and read back
// as Kafka would carry them, in the order Kafka would deliver them per partition. It backs
// the test driver (memory storage) and the replay from offset zero (disk storage: the state
// stays bounded, and no repartition or changelog record crosses the network).
import { partitionForKey } from '../platform/kafka';
import type { StorageBackend } from './storage';
import { Task, type Forwarded } from './task';
import type { ProcessorContext, Sink, SubTopology, Topology } from './topology';
import { decodeValue, encodeValue } from './values';

export interface LocalOutput {
  sink: Sink<never>;
  key: string;
  value: unknown;
  partition: number;
}

export interface LocalRunnerOptions {
  backend: StorageBackend;
  /** The folder of a task's storage (ignored by memory storage). */
  dirOf(sub: SubTopology<never>, partition: number): string;
  now(): Date;
  /** Records that reach a sink no sub-topology reads: the outputs. */
  onOutput(output: LocalOutput): void;
  onRefusal(topic: string, key: string, reason: string): void;
  /** Partitions of the topics from outside the topology; default 1 each. */
  sourcePartitions?: Record<string, number>;
}

export class LocalRunner {
  private readonly tasks = new Map<string, Task>();
  private readonly sinks: Map<string, Sink<never>>;
  private readonly readers = new Map<string, SubTopology<never>>();
  private readonly partitionsByTopic = new Map<string, number>();

  constructor(
    readonly topology: Topology,
    private readonly options: LocalRunnerOptions,
  ) {
    this.sinks = new Map(topology.sinks.map((sink) => [sink.name, sink]));
    for (const sub of topology.subTopologies) this.readers.set(sub.source, sub);
    for (const { topic, partitions } of topology.internalTopics) {
      this.partitionsByTopic.set(topic, partitions);
    }
    for (const [topic, partitions] of Object.entries(options.sourcePartitions ?? {})) {
      this.partitionsByTopic.set(topic, partitions);
    }
  }

  /** Applies one input of `topic` (on the key's partition unless given), and what follows. */
  pipe(topic: string, key: string, input: unknown, partition?: number): void {
    const sub = this.readers.get(topic);
    if (!sub) throw new Error(`no sub-topology reads ${topic}`);
    const at = partition ?? partitionForKey(key, this.partitionsOf(topic));
    const refusal = sub.process(key, input as never, this.task(sub, at).context(this.options.now));
    if (refusal) this.options.onRefusal(topic, key, refusal.reason);
  }

  /** Runs `work` in one task (creating it), as a punctuation does. */
  punctuateTask(subTopology: string, partition: number, work: (c: ProcessorContext) => void): void {
    work(this.task(this.sub(subTopology), partition).context(this.options.now));
  }

  /** Runs `work` in every partition's task of a sub-topology. */
  punctuate(subTopology: string, work: (context: ProcessorContext) => void): void {
    const sub = this.sub(subTopology);
    for (let partition = 0; partition < this.partitionsOf(sub.source); partition += 1) {
      work(this.task(sub, partition).context(this.options.now));
    }
  }

  /** Runs `work` for each key in the task of the key's partition. */
  punctuateByKey(
    subTopology: string,
    keys: Iterable<string>,
    work: (key: string, context: ProcessorContext) => void,
  ): void {
    const sub = this.sub(subTopology);
    const partitions = this.partitionsOf(sub.source);
    for (const key of keys) {
      work(key, this.task(sub, partitionForKey(key, partitions)).context(this.options.now));
    }
  }

  /**
   * Delivers everything forwarded, stage after stage, then commits every task's writes (each
   * task's `beforeCommit` first, and whatever that forwards).
   */
  commit(): void {
    this.deliver();
    for (;;) {
      const dirty = [...this.tasks.values()].filter((task) => task.dirty);
      if (dirty.length === 0) return;
      for (const task of dirty) {
        const { writes, forwarded } = task.drain(this.options.now);
        task.storage.commit(writes, new Map());
        this.route(forwarded);
      }
      this.deliver();
    }
  }

  /** The tasks that exist (have been given work), for inspection. */
  taskList(): Task[] {
    return [...this.tasks.values()];
  }

  close(): void {
    for (const task of this.tasks.values()) task.storage.close();
    this.tasks.clear();
  }

  private deliver(): void {
    for (;;) {
      const forwarded = [...this.tasks.values()].flatMap((task) => task.takeForwarded());
      if (forwarded.length === 0) return;
      this.route(forwarded);
    }
  }

  private route(forwarded: Forwarded[]): void {
    for (const record of forwarded) {
      const sink = this.sinks.get(record.sink);
      if (!sink) throw new Error(`forwarded to unknown sink ${record.sink}`);
      const partition = partitionForKey(record.key, sink.partitions);
      const reader = this.readers.get(sink.topic);
      if (!reader || record.value === null) {
        this.options.onOutput({ sink, key: record.key, value: record.value, partition });
        continue;
      }
      // As Kafka would carry it: a copy, not an object shared between two stages.
      const input = decodeValue(encodeValue(record.value));
      const refusal = reader.process(
        record.key,
        input as never,
        this.task(reader, partition).context(this.options.now),
      );
      if (refusal) this.options.onRefusal(sink.topic, record.key, refusal.reason);
    }
  }

  private sub(name: string): SubTopology<never> {
    const sub = this.topology.subTopologies.find((candidate) => candidate.name === name);
    if (!sub) throw new Error(`no sub-topology ${name}`);
    return sub;
  }

  private partitionsOf(topic: string): number {
    return this.partitionsByTopic.get(topic) ?? 1;
  }

  private task(sub: SubTopology<never>, partition: number): Task {
    const id = `${sub.name}:${partition}`;
    let task = this.tasks.get(id);
    if (!task) {
      const storage = this.options.backend.open(this.options.dirOf(sub, partition), sub.stores, 1);
      task = new Task(sub, partition, storage);
      this.tasks.set(id, task);
    }
    return task;
  }
}
