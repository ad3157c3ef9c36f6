// The Programme global table: the small TCS Programme topic, read whole by every instance and
// followed, so every doctors task can look up any programme. A change re-derives the
// programme's doctors in each task this instance owns.
import type { DeadLetterSink } from '../streams/kafka-runtime';
import type { KafkaClient, KafkaRecord } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { whileRegistryUnavailable, type SchemaRegistryCodecs } from '../platform/registry';
import type { ProgrammeRow } from './sources';
import { decodeChange } from './sources/decode';
import { supersedes } from './tasks/messages';

export interface ProgrammeTable {
  rows: ReadonlyMap<number, ProgrammeRow>;
  stop(): Promise<void>;
}

export async function followProgrammes(
  kafka: KafkaClient,
  codecs: SchemaRegistryCodecs,
  deadLetters: DeadLetterSink,
  options: { topic: string; rows: Map<number, ProgrammeRow>; logger: Logger },
  onChange: (programmeId: number) => Promise<void>,
): Promise<ProgrammeTable> {
  const { rows } = options;
  const positions = new Map<number, { position?: number }>();
  let caughtUp!: () => void;
  const ready = new Promise<void>((resolve) => (caughtUp = resolve));
  const reader = await kafka.readAndFollow(
    { topics: [options.topic] },
    async (batch) => {
      const failures = [];
      const changed = new Set<number>();
      for (const record of batch.records) {
        // Decoding is retried while the registry cannot answer: this reader has no group to
        // read the batch again, and a row applies only once it is decoded.
        const applied = await whileRegistryUnavailable(
          () => applyProgrammeRecord(record, codecs, rows, positions),
          (error, retryInMs) =>
            options.logger.warn(
              { err: error, retryInMs },
              'Programme table waits for the registry',
            ),
        );
        if (typeof applied === 'string') failures.push({ record, reason: applied });
        else if (applied !== undefined) changed.add(applied);
      }
      await deadLetters.send(failures);
      for (const id of changed) await onChange(id);
    },
    () => caughtUp(),
  );
  await ready;
  return { rows, stop: () => reader.stop() };
}

/**
 * The Programme table as its topic holds it now, read once (`reval explain` with no instance
 * running); unreadable records are skipped, as the live table dead-letters them.
 */
export async function readProgrammes(
  kafka: KafkaClient,
  codecs: SchemaRegistryCodecs,
  topic: string,
): Promise<Map<number, ProgrammeRow>> {
  const rows = new Map<number, ProgrammeRow>();
  const positions = new Map<number, { position?: number }>();
  await kafka.readToEnd([topic], async (records) => {
    for (const record of records) await applyProgrammeRecord(record, codecs, rows, positions);
  });
  return rows;
}

/** Applies one Programme record: the id it changed, undefined for none, or why it is unreadable. */
async function applyProgrammeRecord(
  record: KafkaRecord,
  codecs: SchemaRegistryCodecs,
  rows: Map<number, ProgrammeRow>,
  positions: Map<number, { position?: number }>,
): Promise<number | string | undefined> {
  const decoded = await decodeChange('programme', record, codecs);
  if (!decoded.ok) return decoded.error.reason;
  const change = decoded.value;
  if (change.source !== 'programme') return undefined;
  const id = Number(change.key);
  if (!supersedes(positions.get(id), change)) return undefined;
  positions.set(id, { position: change.position ?? positions.get(id)?.position });
  if (change.op === 'upsert') rows.set(id, change.row);
  else rows.delete(id);
  return id;
}
