// Where a freshness edit's time goes inside connections. Each stage writes to the next one's
// repartition topic, and the producer stamps every record with its CreateTime on this same
// machine, so following those topics during a freshness pass times each stage: from the
// record it read (or the CDC produce) to the record it wrote. Repartition records are purged
// once committed, which is why they are followed as they come rather than read afterwards.
import { repartitionTopic, STAGES } from '../../processors/connections/topology';
import type { KafkaClient, RunningConsumer } from '../../processors/platform/kafka';
import type { SeenEdit } from './freshness';
import type { LiveApp } from './live';

export const HOPS = ['source tables', 'memberships', 'persons', 'doctors'] as const;
export type Hop = (typeof HOPS)[number];

export class HopRecorder {
  private readonly written = new Map<string, number[]>();
  private consumer?: RunningConsumer;

  private constructor(private readonly app: LiveApp) {}

  /** Follows the app's repartition topics and output from their ends, once assigned. */
  static async start(kafka: KafkaClient, app: LiveApp, groupId: string): Promise<HopRecorder> {
    const recorder = new HopRecorder(app);
    let joined!: () => void;
    const assigned = new Promise<void>((resolve) => (joined = resolve));
    recorder.consumer = await kafka.consume(
      {
        groupId,
        topics: [...Object.values(STAGES).map((s) => repartitionTopic(app.appId, s)), app.output],
        fromBeginning: false,
        commitOffsets: false,
        onAssignment: () => joined(),
      },
      async (batch) => {
        for (const record of batch.records) {
          const id = `${record.topic}\u0000${record.key?.toString('utf8') ?? ''}`;
          const times = recorder.written.get(id) ?? [];
          times.push(Number(record.timestamp));
          recorder.written.set(id, times);
        }
      },
    );
    await assigned;
    // The first fetch resolves "the end": let it happen before anything is produced.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return recorder;
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  /** Seconds each stage took, per hop, sorted; an edit counts up to its last hop found. */
  split(seen: SeenEdit[]): Record<Hop, number[]> {
    const into = (stage: string) => repartitionTopic(this.app.appId, stage);
    const result = Object.fromEntries(HOPS.map((hop) => [hop, [] as number[]])) as Record<
      Hop,
      number[]
    >;
    for (const edit of seen) {
      // A membership edit enters at the memberships stage; a surname edit at the persons one.
      const path: [Hop, string, string][] = edit.membershipUuid
        ? [
            ['source tables', into(STAGES.memberships), edit.membershipUuid],
            ['memberships', into(STAGES.persons), String(edit.personId)],
          ]
        : [['source tables', into(STAGES.persons), String(edit.personId)]];
      path.push(
        ['persons', into(STAGES.doctors), edit.gmc],
        ['doctors', this.app.output, edit.gmc],
      );
      let from = edit.producedEpochMs;
      for (const [hop, topic, key] of path) {
        const at = (this.written.get(`${topic}\u0000${key}`) ?? []).find((t) => t >= from - 5);
        if (at === undefined) break;
        result[hop].push((at - from) / 1000);
        from = at;
      }
    }
    for (const hop of HOPS) result[hop].sort((a, b) => a - b);
    return result;
  }

  /** Produce → the record on the output, seconds, sorted. */
  toOutput(seen: SeenEdit[]): number[] {
    const stages: number[] = [];
    for (const { gmc, producedEpochMs } of seen) {
      const times = this.written.get(`${this.app.output}\u0000${gmc}`) ?? [];
      const at = times.find((t) => t >= producedEpochMs - 5);
      if (at !== undefined) stages.push((at - producedEpochMs) / 1000);
    }
    return stages.sort((a, b) => a - b);
  }
}
