// One bulk writer per view set, fed the same actions: each set gets its own document of the
// doctor, and a batch is settled only when every set has settled it. A document one set's
// mapping refuses is dead-lettered with the set named; the other sets still take theirs.
import type { DeadLetterQueue } from '../platform/dead-letters';
import type { ElasticsearchClient } from '../platform/elasticsearch';
import type { KafkaRecord } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { BulkWriter, type BulkWriterOptions, type WriteItem, type WriteTally } from './bulk-writer';
import type { DoctorDocument } from './doctor-document';
import { projectAction, type ViewSet } from './view-sets';

type Sinkable = WriteItem<KafkaRecord, DoctorDocument>;

export type ViewWriterOptions = Partial<Omit<BulkWriterOptions, 'target'>>;

export class ViewWriters {
  private readonly writers: { set: ViewSet; writer: BulkWriter<KafkaRecord> }[];
  private readonly waiting = new Set<ViewSet>();

  /**
   * `targets[i]` is where set i is written: its write alias, or a new generation.
   * `backpressure` is told true while any set waits for Elasticsearch, false once none does.
   */
  constructor(
    es: ElasticsearchClient,
    sets: ViewSet[],
    targets: string[],
    deadLetters: DeadLetterQueue,
    logger: Logger,
    options: ViewWriterOptions,
    backpressure?: (waiting: boolean) => void,
  ) {
    this.writers = sets.map((set, i) => ({
      set,
      writer: new BulkWriter<KafkaRecord>(
        es,
        {
          deadLetter: (items) =>
            deadLetters.send(
              items.map(({ source, reason }) => ({
                record: source,
                reason: i === 0 ? reason : `${set.label}: ${reason}`,
              })),
            ),
          backpressure: (waiting) => {
            const before = this.waiting.size > 0;
            if (waiting) this.waiting.add(set);
            else this.waiting.delete(set);
            if (before !== this.waiting.size > 0) backpressure?.(!before);
          },
        },
        logger,
        { ...options, target: targets[i] },
      ),
    }));
  }

  /** Adds the actions to every set; resolves when they are buffered or sent (see BulkWriter). */
  async add(items: Sinkable[], heartbeat?: () => Promise<void>): Promise<void> {
    await Promise.all(
      this.writers.map(({ set, writer }) => writer.add(this.projected(set, items), heartbeat)),
    );
  }

  /** Writes the actions to every set and resolves once every set has settled them. */
  async write(items: Sinkable[], heartbeat?: () => Promise<void>): Promise<void> {
    await Promise.all(
      this.writers.map(({ set, writer }) => writer.write(this.projected(set, items), heartbeat)),
    );
  }

  async flush(): Promise<void> {
    await Promise.all(this.writers.map(({ writer }) => writer.flush()));
  }

  stopRetrying(): void {
    for (const { writer } of this.writers) writer.stopRetrying();
  }

  /** The first set's tally: the project's own views, one document per doctor. */
  get tally(): WriteTally {
    return this.writers[0].writer.tally;
  }

  /** Documents refused by any set's mapping. */
  get malformed(): number {
    return this.writers.reduce((sum, { writer }) => sum + writer.tally.malformed, 0);
  }

  private projected(set: ViewSet, items: Sinkable[]): WriteItem<KafkaRecord>[] {
    return items.map(({ source, action }) => ({
      source,
      action: projectAction(set, action),
    }));
  }
}
