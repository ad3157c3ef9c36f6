// The Programme global table: the small TCS Programme topic, read whole by every instance and
// followed, so every doctors task can look up any programme. A change re-derives the
// programme's doctors in each task this instance owns.
import type { DeadLetterSink } from '../streams/kafka-runtime';
import type { KafkaClient } from '../platform/kafka';
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
        const decoded = await whileRegistryUnavailable(
          () => decodeChange('programme', record, codecs),
          (error, retryInMs) =>
            options.logger.warn(
              { err: error, retryInMs },
              'Programme table waits for the registry',
            ),
        );
        if (!decoded.ok) {
          failures.push({ record, reason: decoded.error.reason });
          continue;
        }
        const change = decoded.value;
        if (change.source !== 'programme') continue;
        const id = Number(change.key);
        if (!supersedes(positions.get(id), change)) continue;
        positions.set(id, { position: change.position ?? positions.get(id)?.position });
        if (change.op === 'upsert') rows.set(id, change.row);
        else rows.delete(id);
        changed.add(id);
      }
      await deadLetters.send(failures);
      for (const id of changed) await onChange(id);
    },
    () => caughtUp(),
  );
  await ready;
  return { rows, stop: () => reader.stop() };
}
