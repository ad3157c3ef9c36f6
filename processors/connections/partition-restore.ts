// Which partitions of reval.connections this instance owns, and whether each has been
// re-read to its end since it was assigned. A partition counts as owned only once restored,
// so a doctor is never written from a partial picture of what is already there.
import type { Assignment, KafkaClient, KafkaRecord, RunningConsumer } from '../platform/kafka';
import type { Logger } from '../platform/logger';

export class PartitionRestore {
  private readonly owned = new Set<number>();
  private readonly pending = new Map<number, bigint>();
  private readonly progress = new Map<number, bigint>();
  private generation = 0;
  private assigned = false;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly topic: string,
    private readonly logger?: Logger,
  ) {}

  isOwned(partition: number): boolean {
    return this.owned.has(partition);
  }

  isSettled(): boolean {
    return this.assigned && this.pending.size === 0;
  }

  start(
    options: { groupId: string },
    handle: (records: KafkaRecord[]) => Promise<void>,
    onRestored: (partition: number) => Promise<void>,
  ): Promise<RunningConsumer> {
    const restored = (partition: number) => {
      this.pending.delete(partition);
      this.owned.add(partition);
      void onRestored(partition);
    };
    const check = (partition: number) => {
      const end = this.pending.get(partition);
      const seen = this.progress.get(partition);
      if (end !== undefined && seen !== undefined && seen >= end) restored(partition);
    };
    return this.kafka.consume(
      {
        groupId: options.groupId,
        topics: [this.topic],
        fromBeginning: true,
        // Never remembering a position makes every assignment start with a full re-read.
        commitOffsets: false,
        onRebalancing: () => {
          this.generation += 1;
          this.owned.clear();
          this.pending.clear();
          this.progress.clear();
        },
        onAssignment: (assignment: Assignment) => {
          const generation = ++this.generation;
          this.owned.clear();
          this.pending.clear();
          this.progress.clear();
          const partitions = assignment[this.topic] ?? [];
          this.logger?.info({ partitions }, 'partitions assigned: restoring them');
          void this.kafka.endOffsets(this.topic).then((ends) => {
            if (generation !== this.generation) return;
            this.assigned = true;
            for (const partition of partitions) {
              const end = ends.get(partition);
              if (!end || BigInt(end.high) <= BigInt(end.low)) {
                restored(partition);
              } else {
                this.pending.set(partition, BigInt(end.high) - 1n);
                check(partition);
              }
            }
          });
        },
        onProgress: (topic, partition, lastOffset) => {
          if (topic !== this.topic) return;
          this.progress.set(partition, BigInt(lastOffset));
          check(partition);
        },
      },
      (batch) => handle(batch.records),
    );
  }
}
