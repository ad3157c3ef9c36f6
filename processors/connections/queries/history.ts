// A doctor's history for `reval explain --history`: the records of reval.connection-changes
// for the doctor, from the Elasticsearch alias `connectionhistory` when Elasticsearch is
// configured, else from the doctor's partition of the topic itself. Each change once (a
// record written twice, by a retry or a replay, has the same version) and oldest first.
import type { EsDocument } from '../../platform/elasticsearch';
import type { CauseKind, CauseOfChange, StatusSnapshot } from '../connection-record';

export type { StatusSnapshot };

/** The cause as the report shows it: times as ISO text. */
export type ChangeCause = Omit<CauseOfChange, 'sourceTime'> & { sourceTime: string | null };

export interface HistoryEntry {
  version: number;
  /** When the processor derived the change, ISO 8601. */
  time: string;
  before: StatusSnapshot | null;
  after: StatusSnapshot | null;
  cause: ChangeCause;
}

export interface HistoryAnswer {
  from: 'elasticsearch' | 'topic';
  /** The alias or topic (and partition) read, for the report. */
  where: string;
  entries: HistoryEntry[];
}

const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

const instant = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value as string | number);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
};

function snapshotOf(value: unknown): StatusSnapshot | null {
  if (value === null || value === undefined || typeof value !== 'object') return null;
  const held = value as Record<string, unknown>;
  if (held.connectionStatus === null || held.connectionStatus === undefined) return null;
  // Enum symbols as the schema wrote them: read back, not checked.
  return {
    connectionStatus: String(held.connectionStatus),
    connectionReason: text(held.connectionReason),
    exceptionReasons: Array.isArray(held.exceptionReasons) ? held.exceptionReasons.map(String) : [],
    discrepancy: text(held.discrepancy),
    designatedBody: text(held.designatedBody),
    tcsDesignatedBody: text(held.tcsDesignatedBody),
  } as StatusSnapshot;
}

/** One change as the topic's Avro record or the index's document holds it. */
export function historyEntryOf(value: EsDocument): HistoryEntry {
  const cause = (value.cause ?? {}) as Record<string, unknown>;
  return {
    version: Number(value.version),
    time: instant(value.time) ?? '',
    before: snapshotOf(value.before),
    after: snapshotOf(value.after),
    cause: {
      kind: String(cause.kind ?? 'INPUT') as CauseKind,
      source: text(cause.source),
      key: text(cause.key),
      topic: text(cause.topic),
      partition:
        cause.partition === null || cause.partition === undefined ? null : Number(cause.partition),
      offset: text(cause.offset),
      sourcePosition: text(cause.sourcePosition),
      sourceTime: instant(cause.sourceTime),
    },
  };
}

/** Each version once, oldest first: versions of one doctor only ever grow. */
export function inOrder(entries: HistoryEntry[]): HistoryEntry[] {
  const byVersion = new Map<number, HistoryEntry>();
  for (const entry of entries) byVersion.set(entry.version, entry);
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}
