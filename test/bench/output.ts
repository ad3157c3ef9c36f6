// What a live connections run has written, read back from its own output topic: how many
// doctors it holds now (followed as it is written, to time the catch-up), and the latest
// derived record per doctor, to compare two runs field by field.
import { fingerprint, VERSION_HEADER } from '../../processors/connections/connection-record';
import type { ConnectionRecord } from '../../processors/connections/connection-record';
import type { KafkaClient, KafkaRecord } from '../../processors/platform/kafka';
import type { SchemaRegistryCodecs } from '../../processors/platform/registry';

/** Follows a topic from the start: doctors whose latest record is not a tombstone, and records. */
export class OutputFollower {
  private readonly live = new Map<string, boolean>();
  private holding = 0;
  private count = 0;

  private reader?: { stop(): Promise<void> };

  static async start(kafka: KafkaClient, topic: string): Promise<OutputFollower> {
    const follower = new OutputFollower();
    follower.reader = await kafka.readAndFollow(
      { topics: [topic] },
      async (batch) => follower.take(batch.records),
      () => undefined,
    );
    return follower;
  }

  /** Doctors the topic holds a record (not a tombstone) for. */
  doctors(): number {
    return this.holding;
  }

  /** Records read so far, tombstones included. */
  records(): number {
    return this.count;
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
  }

  private take(records: KafkaRecord[]): void {
    for (const { key, value } of records) {
      this.count += 1;
      const id = key?.toString('utf8') ?? '';
      const was = this.live.get(id) ?? false;
      const is = value !== null;
      if (was !== is) this.holding += is ? 1 : -1;
      this.live.set(id, is);
    }
  }
}

/** The derived fields (not version or time) of the newest record per doctor; null: deleted. */
export async function latestFingerprints(
  kafka: KafkaClient,
  codecs: SchemaRegistryCodecs,
  topic: string,
): Promise<Map<string, string | null>> {
  const newest = new Map<string, { version: number; value: Buffer | null }>();
  await kafka.readToEnd([topic], (records) => {
    for (const record of records) {
      const key = record.key?.toString('utf8') ?? '';
      const version = Number(record.headers[VERSION_HEADER]?.toString() ?? 0);
      const known = newest.get(key);
      if (!known || known.version < version) newest.set(key, { version, value: record.value });
    }
  });
  const prints = new Map<string, string | null>();
  for (const [key, { value }] of newest) {
    prints.set(key, value ? fingerprint((await codecs.decode(value)) as ConnectionRecord) : null);
  }
  return prints;
}

export interface Comparison {
  compared: number;
  onlyFirst: number;
  onlySecond: number;
  differ: number;
  /** A few GMC numbers that differ, to look at. */
  examples: string[];
}

export function compareOutputs(
  first: ReadonlyMap<string, string | null>,
  second: ReadonlyMap<string, string | null>,
): Comparison {
  const result: Comparison = { compared: 0, onlyFirst: 0, onlySecond: 0, differ: 0, examples: [] };
  const note = (key: string) => {
    if (result.examples.length < 3) result.examples.push(key);
  };
  // A tombstone and no record at all mean the same to a reader.
  for (const [key, print] of first) {
    const other = second.get(key) ?? null;
    if (print === null && other === null) continue;
    result.compared += 1;
    if (other === null) {
      result.onlyFirst += 1;
      note(key);
    } else if (print === null) {
      result.onlySecond += 1;
      note(key);
    } else if (print !== other) {
      result.differ += 1;
      note(key);
    }
  }
  for (const [key, print] of second) {
    if (print !== null && !first.has(key)) {
      result.compared += 1;
      result.onlySecond += 1;
      note(key);
    }
  }
  return result;
}

export function describeComparison(c: Comparison): string {
  if (c.onlyFirst + c.onlySecond + c.differ === 0) return `identical (${c.compared} doctors)`;
  return (
    `${c.differ} differ, ${c.onlyFirst} only in the first, ${c.onlySecond} only in the second ` +
    `of ${c.compared} (e.g. ${c.examples.join(', ')})`
  );
}
