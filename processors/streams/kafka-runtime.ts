// Runs a topology on Kafka. One consumer group (the application id) shares every source
// partition among the instances; each assigned partition is a task with its own local
// storage, restored from the changelogs before its first record. Work is committed, for all
// tasks at once, when an input partition is caught up or the commit interval has passed
// (Kafka Streams' commit.interval.ms), in this order: sink records and dead letters, then
// changelog records (each acknowledged), then each local store with its changelog offsets as
// the checkpoint, then the input positions. A crash at any point re-reads inputs whose effects
// may be partly written, which the stages tolerate: rows are upserts, and a record already
// written is recognised by its fingerprint.
import { changelogSpec, repartitionSpec } from '../platform/topics';
import { join } from 'node:path';
import {
  partitionForKey,
  type KafkaClient,
  type KafkaRecord,
  type MessageProducer,
  type OutgoingMessage,
  type RecordBatch,
  type RunningConsumer,
} from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { metrics, setConsumerLag } from '../platform/metrics';
import { SerialQueue } from './serial-queue';
import { ApplicationStateDir } from './state-dir';
import { locateElsewhere, type StoreOwner, type StoreQuery } from './interactive-queries';
import { openTaskStorage, restoreTasks, type RestoringTask } from './restore';
import type { StorageBackend } from './storage';
import { Task } from './task';
import { changelogTopic, type ProcessorContext, type SubTopology, type Topology } from './topology';
import { decodeValue } from './values';

/** Where unreadable records go: the dead-letter topic, or a count for a one-shot replay. */
export interface DeadLetterSink {
  send(failures: { record: KafkaRecord; reason: string }[]): Promise<void>;
}

export interface RuntimeOptions {
  kafka: KafkaClient;
  producer: MessageProducer;
  deadLetters: DeadLetterSink;
  topology: Topology;
  backend: StorageBackend;
  /** Local stores live in `<stateDir>/<applicationId>/<sub-topology>-<partition>/`. */
  stateDir: string;
  logger: Logger;
  now(): Date;
  /** Runs in a task right after its stores are restored (before its first record). */
  afterRestore?(sub: SubTopology<never>, context: ProcessorContext): void;
  /**
   * Longest time work waits to be committed while input keeps coming (default 1000 ms); a
   * caught-up input partition commits sooner, at most every `minCommitIntervalMs` (50 ms).
   */
  commitIntervalMs?: number;
  minCommitIntervalMs?: number;
  /** Uncommitted input records that force a commit (default 5,000). */
  maxUncommittedRecords?: number;
  /**
   * Where this instance answers interactive queries (Kafka Streams' application.server):
   * told to the group, so any instance or client can find a key's owner.
   */
  advertisedUrl?: string;
}

export class StreamsRuntime {
  private readonly tasks = new Map<string, Task>();
  private readonly serial = new SerialQueue();
  private readonly bySource: Map<string, SubTopology<never>>;
  private consumer?: RunningConsumer;
  private assigned = false;
  private restoring = 0;
  private purgeTimer?: NodeJS.Timeout;
  private readyWaiters: (() => void)[] = [];
  /** Work processed but not committed: the tasks touched, positions and dead letters. */
  private uncommitted = {
    tasks: new Set<Task>(),
    positions: new Map<string, { topic: string; partition: number; offset: bigint }>(),
    failures: [] as { record: KafkaRecord; reason: string }[],
    records: 0,
  };
  private lastCommit = 0;
  private stopping = false;
  /** This instance's member id in the group, once it has joined. */
  private memberId?: string;
  /** The partitions of the latest assignment, as `topic:partition`. */
  private assignment?: Set<string>;
  /** Input partitions whose last batch left records to read. */
  private readonly behind = new Set<string>();
  private stateDir?: ApplicationStateDir;
  /** A failed scheduled commit: the next batch throws it, so the consumer re-reads. */
  private commitError: unknown;
  private commitTimer?: NodeJS.Timeout;
  /** Records written to sinks outside the topology (the outputs). */
  written = 0;
  /** Changelog records restored since start. */
  restored = 0;
  /** Input records processed since start, by topic. */
  readonly consumed = new Map<string, number>();

  constructor(private readonly options: RuntimeOptions) {
    this.bySource = new Map(options.topology.subTopologies.map((sub) => [sub.source, sub]));
  }

  get applicationId(): string {
    return this.options.topology.applicationId;
  }

  async start(): Promise<void> {
    const { kafka, topology, logger } = this.options;
    this.stateDir = ApplicationStateDir.lock(join(this.options.stateDir, this.applicationId));
    const previous = this.stateDir.lastMemberId();
    if (previous) {
      // A predecessor killed without leaving would hold the first rebalance for a session.
      const evicted = await kafka.evictMember(this.applicationId, previous).catch((error) => {
        logger.warn({ err: error }, 'could not evict the previous member of the group');
        return false;
      });
      if (evicted)
        logger.info({ memberId: previous }, 'evicted the previous process from the group');
    }
    await kafka.ensureTopics([
      ...topology.internalTopics.map(({ topic, partitions }) => repartitionSpec(topic, partitions)),
      ...(await this.changelogSpecs()),
    ]);
    this.consumer = await kafka.consume(
      {
        groupId: this.applicationId,
        topics: [...this.bySource.keys()],
        fromBeginning: true,
        // Positions are committed by `commit`, after the work they cover is written.
        commitOffsets: false,
        advertisedUrl: this.options.advertisedUrl,
        onJoin: (memberId) => {
          this.memberId = memberId;
          this.stateDir?.rememberMemberId(memberId);
        },
        // Batches of transaction markers only reach no task, but they end the lag.
        onProgress: (topic, partition, lastOffset, highWatermark, records) => {
          if (records === 0) this.passMarkers(topic, partition, lastOffset, highWatermark);
        },
        onRebalancing: () => {
          // Partitions may move: write what is in hand while it is still ours to write.
          void this.serial
            .run(() => this.commit())
            .catch((error: unknown) =>
              this.options.logger.warn({ err: error }, 'commit before rebalance failed'),
            );
        },
        onAssignment: (assignment) => {
          const wanted = new Set<string>();
          for (const [topic, partitions] of Object.entries(assignment)) {
            for (const partition of partitions) wanted.add(`${topic}:${partition}`);
          }
          void this.serial
            .run(() => this.assign(wanted))
            .catch((error: unknown) =>
              this.options.logger.error({ err: error }, 'restoring assigned tasks failed'),
            );
        },
      },
      (batch) => this.serial.run(() => this.process(batch)),
    );
    this.purgeTimer = setInterval(() => void this.purge(), 30_000);
    this.purgeTimer.unref();
  }

  /** True once this member has an assignment and every assigned task is restored. */
  isReady(): boolean {
    return this.assigned && this.restoring === 0;
  }

  waitUntilReady(): Promise<void> {
    if (this.isReady()) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Runs `work` in one task, when this instance owns it, and commits it. */
  punctuateTask(
    subTopology: string,
    partition: number,
    work: (context: ProcessorContext) => void,
  ): Promise<boolean> {
    return this.serial.run(async () => {
      const task = [...this.tasks.values()].find(
        (candidate) =>
          candidate.subTopology.name === subTopology && candidate.partition === partition,
      );
      if (!task) return false;
      work(task.context(this.options.now));
      this.uncommitted.tasks.add(task);
      await this.commit();
      return true;
    });
  }

  /** Runs `work` for each key in the task that owns the key's partition (when owned here). */
  async punctuateByKey(
    subTopology: string,
    keys: string[],
    work: (key: string, context: ProcessorContext) => void,
  ): Promise<void> {
    const { partitions } = this.repartitioned(subTopology);
    const byPartition = new Map<number, string[]>();
    for (const key of keys) {
      const partition = partitionForKey(key, partitions);
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), key]);
    }
    for (const [partition, owned] of byPartition) {
      await this.punctuateTask(subTopology, partition, (context) => {
        for (const key of owned) work(key, context);
      });
    }
  }

  /**
   * An interactive query (interactive-queries.ts): the committed value of `key` in `store`
   * when this instance owns the key's task and has restored it, else who owns it.
   */
  async queryStore<V>(subTopology: string, store: string, key: string): Promise<StoreQuery<V>> {
    const { sub, partitions } = this.repartitioned(subTopology);
    if (!sub.stores.includes(store)) throw new Error(`${subTopology} has no store ${store}`);
    const partition = partitionForKey(key, partitions);
    const id = `${sub.source}:${partition}`;
    const self: StoreOwner = {
      instance: this.memberId ?? 'this instance',
      url: this.options.advertisedUrl ?? null,
    };
    const task = this.tasks.get(id);
    if (task) {
      const bytes = task.storage.get(store, key);
      const value = bytes === undefined ? undefined : decodeValue<V>(bytes);
      return { kind: 'local', partition, owner: self, value };
    }
    if (this.assignment?.has(id) || this.stopping) {
      return { kind: 'unavailable', partition, reason: 'restoring', owner: self };
    }
    let group;
    try {
      group = await this.options.kafka.groupMembers(this.applicationId);
    } catch (error) {
      // The broker cannot describe the group now: a "try again", not a failure of the query.
      this.options.logger.warn({ err: error }, 'cannot look up who owns a partition');
      return { kind: 'unavailable', partition, reason: 'owner unknown', owner: null };
    }
    return locateElsewhere(group, sub.source, partition, self);
  }

  /** A sub-topology that reads a repartition topic, and that topic's partition count. */
  private repartitioned(subTopology: string): { sub: SubTopology<never>; partitions: number } {
    const sub = this.options.topology.subTopologies.find((s) => s.name === subTopology);
    const partitions = this.options.topology.internalTopics.find(
      ({ topic }) => topic === sub?.source,
    )?.partitions;
    if (!sub || !partitions) throw new Error(`${subTopology} does not read a repartition topic`);
    return { sub, partitions };
  }

  /** Runs `work` in every task of the sub-topology this instance owns, and commits each. */
  punctuate(subTopology: string, work: (context: ProcessorContext) => void): Promise<void> {
    return this.serial.run(async () => {
      for (const task of this.tasks.values()) {
        if (task.subTopology.name !== subTopology) continue;
        work(task.context(this.options.now));
        this.uncommitted.tasks.add(task);
      }
      await this.commit();
    });
  }

  /** Per task: entries of each store and bytes on disk, for metrics and the benchmark. */
  storeSizes(): { task: string; bytes: number; entries: Record<string, number> }[] {
    return [...this.tasks.values()].map((task) => ({
      task: task.id,
      bytes: task.storage.sizeBytes(),
      entries: Object.fromEntries(
        task.subTopology.stores.map((store) => [store, task.storage.entries(store)]),
      ),
    }));
  }

  async stop(): Promise<void> {
    clearInterval(this.purgeTimer);
    this.stopping = true;
    await this.serial
      .run(() => this.commit())
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'final commit failed: the next start re-reads'),
      );
    await this.consumer?.stop();
    await this.serial.idle();
    clearTimeout(this.commitTimer);
    for (const task of this.tasks.values()) {
      task.discard();
      task.storage.close();
    }
    this.tasks.clear();
    this.stateDir?.release();
  }

  private async changelogSpecs() {
    const { kafka, topology } = this.options;
    const specs = [];
    for (const sub of topology.subTopologies) {
      if (sub.stores.length === 0) continue;
      const partitions =
        topology.internalTopics.find(({ topic }) => topic === sub.source)?.partitions ??
        (await kafka.partitionCount(sub.source));
      for (const store of sub.stores) {
        specs.push(changelogSpec(changelogTopic(this.applicationId, store), partitions));
      }
    }
    return specs;
  }

  private taskDir(sub: SubTopology<never>, partition: number): string {
    return join(this.options.stateDir, this.applicationId, `${sub.name}-${partition}`);
  }

  /** Closes tasks no longer assigned (their files stay for a quick return) and restores new ones. */
  private async assign(wanted: Set<string>): Promise<void> {
    this.assignment = wanted;
    for (const [id, task] of this.tasks) {
      if (wanted.has(id)) continue;
      // Work not committed before the rebalance is left to the partition's new owner.
      task.discard();
      this.behind.delete(id);
      this.uncommitted.tasks.delete(task);
      for (const key of this.uncommitted.positions.keys()) {
        if (key === id) this.uncommitted.positions.delete(key);
      }
      task.storage.close();
      this.tasks.delete(id);
      // Its gauges belong to the new owner now; left here they would read stale for ever.
      metrics.consumerLag.remove({
        processor: this.applicationId,
        topic: id.slice(0, id.lastIndexOf(':')),
        partition: String(task.partition),
      });
      metrics.storeBytes.remove({ task: task.id });
      for (const store of task.subTopology.stores) {
        metrics.storeEntries.remove({ task: task.id, store });
      }
      this.options.logger.info({ task: task.id }, 'task revoked: store closed');
    }
    const fresh: RestoringTask[] = [];
    for (const id of wanted) {
      if (this.tasks.has(id)) continue;
      const [topic, partitionText] = [
        id.slice(0, id.lastIndexOf(':')),
        id.slice(id.lastIndexOf(':') + 1),
      ];
      const sub = this.bySource.get(topic);
      if (!sub) continue;
      const partition = Number(partitionText);
      const dir = this.taskDir(sub, partition);
      fresh.push({
        sub,
        partition,
        dir,
        storage: openTaskStorage(this.options.backend, dir, sub, this.options.logger),
      });
    }
    this.restoring = fresh.length;
    this.assigned = true;
    await this.restore(fresh);
  }

  private trackLag(topic: string, partition: number, lastOffset: string, highWatermark: string) {
    const lag = setConsumerLag(this.applicationId, topic, partition, lastOffset, highWatermark);
    if (lag === 0) this.behind.delete(`${topic}:${partition}`);
    else this.behind.add(`${topic}:${partition}`);
  }

  private async restore(fresh: RestoringTask[]): Promise<void> {
    const { kafka, logger, backend } = this.options;
    const started = Date.now();
    let lastLog = 0;
    const total = await restoreTasks(
      kafka,
      this.applicationId,
      fresh,
      (task) => openTaskStorage(backend, task.dir, task.sub, logger),
      ({ restored, total: all }) => {
        metrics.restoreRemaining.set({ application: this.applicationId }, all - restored);
        if (Date.now() - lastLog < 1_000) return;
        lastLog = Date.now();
        logger.info({ restored, total: all }, `restoring state: ${restored}/${all} records`);
      },
    );
    metrics.restoreRemaining.set({ application: this.applicationId }, 0);
    this.restored += total;
    for (const restoring of fresh) {
      const task = new Task(restoring.sub, restoring.partition, restoring.storage);
      this.tasks.set(`${restoring.sub.source}:${restoring.partition}`, task);
      if (this.options.afterRestore) {
        this.options.afterRestore(restoring.sub, task.context(this.options.now));
        this.uncommitted.tasks.add(task);
      }
    }
    await this.commit();
    this.restoring = 0;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    if (fresh.length > 0) {
      logger.info(
        {
          tasks: fresh.map((task) => `${task.sub.name}-${task.partition}`),
          records: total,
          ms: Date.now() - started,
        },
        'tasks restored',
      );
    }
    this.recordStoreMetrics();
  }

  private async process(batch: RecordBatch): Promise<void> {
    // Skipped batches are not committed, so the next owner reads them again.
    if (this.stopping) return;
    if (this.commitError !== undefined) {
      const error = this.commitError;
      this.commitError = undefined;
      throw error;
    }
    const id = `${batch.topic}:${batch.partition}`;
    let task = this.tasks.get(id);
    if (!task) {
      // A batch fetched before a rebalance, for a partition since given to another instance:
      // not ours to process (and not committed, so its new owner reads it).
      if (batch.isStale() || (this.assignment && !this.assignment.has(id))) return;
      // A batch can arrive before the assignment event is handled: restore on demand.
      const sub = this.bySource.get(batch.topic) as SubTopology<never>;
      const dir = this.taskDir(sub, batch.partition);
      await this.restore([
        {
          sub,
          partition: batch.partition,
          dir,
          storage: openTaskStorage(this.options.backend, dir, sub, this.options.logger),
        },
      ]);
      task = this.tasks.get(id) as Task;
    }
    const sub = task.subTopology;
    const context = task.context(this.options.now);
    const failuresBefore = this.uncommitted.failures.length;
    try {
      for (const record of batch.records) {
        const input = await sub.deserialize(record);
        if (!input.ok) {
          this.uncommitted.failures.push({ record, reason: input.error.reason });
          continue;
        }
        const refusal = sub.process(record.key?.toString('utf8') ?? '', input.value, context);
        if (refusal) this.uncommitted.failures.push({ record, reason: refusal.reason });
      }
    } catch (error) {
      // Thrown (a registry that cannot answer): the batch is read again, so its letters must
      // not be sent twice. What it already applied is applied again harmlessly: every stage
      // ignores a change it has seen (its position guard).
      this.uncommitted.failures.length = failuresBefore;
      throw error;
    }
    this.uncommitted.tasks.add(task);
    // After the batch's transaction markers too, so the committed position can reach the end.
    this.uncommitted.positions.set(id, {
      topic: batch.topic,
      partition: batch.partition,
      offset: BigInt(batch.lastOffset) + 1n,
    });
    this.uncommitted.records += batch.records.length;
    this.consumed.set(batch.topic, (this.consumed.get(batch.topic) ?? 0) + batch.records.length);
    metrics.recordsIn.inc(
      { processor: this.applicationId, topic: batch.topic },
      batch.records.length,
    );
    this.trackLag(batch.topic, batch.partition, batch.lastOffset, batch.highWatermark);
    // Caught up everywhere: commit soon, for freshness. Behind somewhere (a replay): let the
    // write cache gather more, for throughput.
    const idle = this.behind.size === 0;
    const sinceCommit = Date.now() - this.lastCommit;
    const { commitIntervalMs = 1_000, minCommitIntervalMs = 50 } = this.options;
    if (
      this.uncommitted.records >= (this.options.maxUncommittedRecords ?? 5_000) ||
      sinceCommit >= commitIntervalMs ||
      (idle && sinceCommit >= minCommitIntervalMs)
    ) {
      try {
        await this.commit();
      } catch (error) {
        // Thrown here, the consumer restarts once from the committed positions.
        this.commitError = undefined;
        throw error;
      }
    } else {
      this.commitSoon(idle ? minCommitIntervalMs - sinceCommit : commitIntervalMs - sinceCommit);
    }
  }

  /** Nothing else may arrive: makes sure the work in hand is committed soon anyway. */
  private commitSoon(wait: number): void {
    if (this.commitTimer) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.serial
        .run(() => this.commit())
        .catch((error: unknown) =>
          this.options.logger.error({ err: error }, 'scheduled commit failed'),
        );
    }, wait);
  }

  /**
   * A batch of transaction markers only (after a GMC sync run): no work, but the committed
   * position moves past the markers, so that a caught-up group ends where its topics end.
   */
  private passMarkers(
    topic: string,
    partition: number,
    lastOffset: string,
    highWatermark: string,
  ): void {
    const id = `${topic}:${partition}`;
    // In turn with the work: a batch of markers can come before the assignment made its task.
    void this.serial.run(async () => {
      if (!this.tasks.has(id)) return;
      this.trackLag(topic, partition, lastOffset, highWatermark);
      const next = BigInt(lastOffset) + 1n;
      const pending = this.uncommitted.positions.get(id);
      if (pending && pending.offset >= next) return;
      this.uncommitted.positions.set(id, { topic, partition, offset: next });
      this.commitSoon(this.options.minCommitIntervalMs ?? 50);
    });
  }

  /** Writes all work in hand (see the top of this file for the order) and commits positions. */
  private async commit(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.lastCommit = Date.now();
    const { tasks, positions, failures } = this.uncommitted;
    this.uncommitted = { tasks: new Set(), positions: new Map(), failures: [], records: 0 };
    if (tasks.size === 0 && positions.size === 0 && failures.length === 0) return;
    const drained = [...tasks].map((task) => ({ task, ...task.drain(this.options.now) }));
    try {
      await this.write(drained, failures);
      await this.consumer?.commit([...positions.values()]);
    } catch (error) {
      // The drained work is gone; the inputs it came from are read again from the committed
      // positions when the consumer restarts, which the next batch makes it do.
      this.commitError = error;
      throw error;
    }
  }

  private async write(
    drained: ({ task: Task } & ReturnType<Task['drain']>)[],
    failures: { record: KafkaRecord; reason: string }[],
  ): Promise<void> {
    const { producer, topology } = this.options;
    const sinks = new Map(topology.sinks.map((sink) => [sink.name, sink]));
    const internal = new Set(topology.internalTopics.map(({ topic }) => topic));
    const outgoing: { topic: string; message: OutgoingMessage }[] = [];
    for (const { task, forwarded } of drained) {
      for (const record of forwarded) {
        const sink = sinks.get(record.sink);
        if (!sink) throw new Error(`${task.id} forwarded to unknown sink ${record.sink}`);
        outgoing.push({
          topic: sink.topic,
          message: {
            key: record.key,
            partition: partitionForKey(record.key, sink.partitions),
            value: await sink.serialize(record.value as never),
            headers: record.value === null ? undefined : sink.headers?.(record.value as never),
          },
        });
      }
    }
    await producer.sendMany(outgoing);
    for (const { topic } of outgoing) {
      if (!internal.has(topic)) this.written += 1;
    }
    metrics.recordsOut.inc(
      { processor: this.applicationId, destination: 'sinks' },
      outgoing.length,
    );
    await this.options.deadLetters.send(failures);
    const changelog: { topic: string; message: OutgoingMessage }[] = [];
    for (const { task, writes } of drained) {
      for (const [store, entries] of writes) {
        const topic = changelogTopic(this.applicationId, store);
        for (const [key, value] of entries) {
          changelog.push({ topic, message: { key, value, partition: task.partition } });
        }
      }
    }
    const written = await producer.sendMany(changelog);
    for (const { task, writes } of drained) {
      const checkpoint = new Map<string, bigint>();
      for (const store of writes.keys()) {
        const key = `${changelogTopic(this.applicationId, store)}:${task.partition}`;
        const last = written.get(key);
        if (last !== undefined) checkpoint.set(key, last + 1n);
      }
      task.storage.commit(writes, checkpoint);
    }
  }

  private recordStoreMetrics(): void {
    for (const { task, bytes, entries } of this.storeSizes()) {
      metrics.storeBytes.set({ task }, bytes);
      for (const [store, count] of Object.entries(entries)) {
        metrics.storeEntries.set({ task, store }, count);
      }
    }
  }

  /**
   * Repartition records below the group's committed offsets are deleted, as Kafka Streams
   * purges them: committed, not merely processed, so a crash never needs a purged record.
   */
  private async purge(): Promise<void> {
    this.recordStoreMetrics();
    const { kafka, topology, logger } = this.options;
    try {
      const topics = topology.internalTopics.map(({ topic }) => topic);
      const committed = await kafka.groupOffsets(this.applicationId, topics);
      for (const topic of topics) {
        const offsets = new Map<number, bigint>();
        for (const [key, offset] of committed) {
          const at = key.lastIndexOf(':');
          if (key.slice(0, at) === topic && BigInt(offset) > 0n) {
            offsets.set(Number(key.slice(at + 1)), BigInt(offset));
          }
        }
        await kafka.deleteRecordsBefore(topic, offsets);
      }
    } catch (error) {
      logger.warn({ err: error }, 'purging consumed repartition records failed');
    }
  }
}
