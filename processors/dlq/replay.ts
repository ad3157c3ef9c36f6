// `reval dlq replay`: after a fix, send dead letters back to the topics they came from, with
// their original key, value and headers, so the processors read them again as if new. The
// processors' writes are idempotent, so replaying a letter twice does no harm.
import { isDeadLetter, type DeadLetter } from '../platform/dead-letters';
import { isInstant, isLocalDate } from '../rules/dates';
import {
  rangesOf,
  recordsIn,
  type KafkaClient,
  type KafkaRecord,
  type OutgoingMessage,
} from '../platform/kafka';
import { RegistryUnavailableError, type SchemaRegistryCodecs } from '../platform/registry';

export interface ReplayFilter {
  /** Only letters whose source topic is this one. */
  topic?: string;
  /** Only letters that failed at or after this instant. */
  since?: Date;
}

export interface ReplayOptions extends ReplayFilter {
  /** Count what would be replayed; send nothing. */
  dryRun?: boolean;
  /** After each batch: letters read so far, and how many the topic held when we started. */
  onProgress?(scanned: number, total: number): void;
}

export interface ReplaySummary {
  /** Dead letters read from the topic. */
  scanned: number;
  /** Letters matching the filter, per source topic. */
  selected: Record<string, number>;
  /** Letters sent back (0 in a dry run). */
  replayed: number;
  /** DLQ records that could not be read as dead letters, with their offsets. */
  unreadable: string[];
}

export interface ReplayDependencies {
  kafka: Pick<KafkaClient, 'readToEnd' | 'endOffsets' | 'partitionCount' | 'createProducer'>;
  codecs: Pick<SchemaRegistryCodecs, 'decode'>;
  dlqTopic: string;
}

export function matches(letter: DeadLetter, filter: ReplayFilter): boolean {
  if (filter.topic !== undefined && letter.sourceTopic !== filter.topic) return false;
  if (filter.since !== undefined && letter.failedAt.getTime() < filter.since.getTime())
    return false;
  return true;
}

export async function replayDeadLetters(
  deps: ReplayDependencies,
  options: ReplayOptions = {},
): Promise<ReplaySummary> {
  const summary: ReplaySummary = { scanned: 0, selected: {}, replayed: 0, unreadable: [] };
  const total = recordsIn(rangesOf(deps.dlqTopic, await deps.kafka.endOffsets(deps.dlqTopic)));
  const producer = options.dryRun ? null : await deps.kafka.createProducer();
  const partitions = new Map<string, number>();
  // The original partition keeps the letter beside its key's other records (Debezium and
  // kafkajs hash keys alike); a partition that no longer exists is left to the partitioner.
  const partitionFor = async (letter: DeadLetter): Promise<number | undefined> => {
    if (!partitions.has(letter.sourceTopic)) {
      partitions.set(letter.sourceTopic, await deps.kafka.partitionCount(letter.sourceTopic));
    }
    const count = partitions.get(letter.sourceTopic) as number;
    return letter.sourcePartition < count ? letter.sourcePartition : undefined;
  };
  try {
    await deps.kafka.readToEnd([deps.dlqTopic], async (records: KafkaRecord[]) => {
      const outgoing = new Map<string, OutgoingMessage[]>();
      for (const record of records) {
        summary.scanned += 1;
        let letter: unknown;
        try {
          letter = record.value === null ? null : await deps.codecs.decode(record.value);
        } catch (error) {
          // A registry that cannot answer leaves the letters unread, not "unreadable".
          if (error instanceof RegistryUnavailableError) throw error;
          letter = null;
        }
        if (!isDeadLetter(letter)) {
          summary.unreadable.push(`${record.partition}:${record.offset}`);
          continue;
        }
        if (!matches(letter, options)) continue;
        summary.selected[letter.sourceTopic] = (summary.selected[letter.sourceTopic] ?? 0) + 1;
        if (!producer) continue;
        const messages = outgoing.get(letter.sourceTopic) ?? [];
        messages.push({
          key: letter.key,
          value: letter.value,
          headers: letter.headers,
          partition: await partitionFor(letter),
        });
        outgoing.set(letter.sourceTopic, messages);
      }
      for (const [topic, messages] of outgoing) {
        await producer?.send(topic, messages);
        summary.replayed += messages.length;
      }
      options.onProgress?.(summary.scanned, total);
    });
  } finally {
    await producer?.disconnect();
  }
  return summary;
}

const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;
const UNIT_MILLIS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `--since`: an ISO instant ('2026-03-02T09:00:00Z') or a duration before now ('2h', '7d'). */
export function parseSince(text: string, now: Date = new Date()): Date | null {
  const duration = DURATION.exec(text.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNIT_MILLIS[duration[2]]);
  const trimmed = text.trim();
  if (isLocalDate(trimmed)) return new Date(`${trimmed}T00:00:00Z`);
  return isInstant(trimmed) ? new Date(trimmed) : null;
}
