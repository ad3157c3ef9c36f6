// Pure: one reval.connection-changes record → the Elasticsearch action that puts it in the
// history index (`connectionhistory`). Its id is `<gmc>-<version>` and its external version is
// the record's version, so a replayed change finds itself already there: each change is
// indexed once, however often the topic is read.
import {
  statusSnapshot,
  type CauseOfChange,
  type ConnectionChange,
  type StatusSnapshot,
} from '../connections/connection-record';
import { err, ok, type Result } from '../platform/result';
import type { SinkAction } from './doctor-document';

export type HistoryStatus = StatusSnapshot;

// Type aliases, not interfaces: a bulk document must be indexable by field name.
export type HistoryDocument = {
  gmcReferenceNumber: string;
  version: number;
  time: string;
  before: HistoryStatus | null;
  after: HistoryStatus | null;
  cause: Omit<CauseOfChange, 'sourceTime'> & { sourceTime: string | null };
};

/** The action, or the reason the record is dead-lettered. */
export function toHistoryAction(
  key: string | null,
  value: unknown,
): Result<SinkAction<HistoryDocument>, string> {
  if (key === null || key === '') return err('change record has no key (GMC number)');
  if (value === null) return err('a tombstone on the history topic, which keeps no state');
  const change = value as Partial<ConnectionChange>;
  if (change.gmcReferenceNumber !== key) {
    return err(
      `key ${JSON.stringify(key)} differs from gmcReferenceNumber ${JSON.stringify(change.gmcReferenceNumber)}`,
    );
  }
  const { version, time, cause } = change;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return err(`version ${String(version)} is not a whole number from 0 to 2^53-1`);
  }
  if (!(time instanceof Date) || Number.isNaN(time.getTime()))
    return err('time is not a timestamp');
  if (!cause || typeof cause.kind !== 'string') return err('cause is missing');
  return ok({
    kind: 'index',
    id: `${key}-${version}`,
    version,
    document: {
      gmcReferenceNumber: key,
      version,
      time: time.toISOString(),
      before: change.before ? statusSnapshot(change.before) : null,
      after: change.after ? statusSnapshot(change.after) : null,
      cause: {
        kind: cause.kind,
        source: cause.source ?? null,
        key: cause.key ?? null,
        topic: cause.topic ?? null,
        partition: cause.partition ?? null,
        offset: cause.offset ?? null,
        sourcePosition: cause.sourcePosition ?? null,
        sourceTime: cause.sourceTime?.toISOString() ?? null,
      },
    },
  });
}

const keyword = { type: 'keyword' } as const;
const instant = { type: 'date', format: 'strict_date_optional_time' } as const;
const status = {
  properties: {
    connectionStatus: keyword,
    connectionReason: keyword,
    exceptionReasons: keyword,
    discrepancy: keyword,
    designatedBody: keyword,
    tcsDesignatedBody: keyword,
  } satisfies Record<keyof HistoryStatus, unknown>,
};

/** Bumped whenever a field changes; a change that is not additive needs `reval rebuild`. */
export const HISTORY_MAPPING_VERSION = 1;

/** Strict, as the doctor mapping: an unknown field is a dead letter, not a guessed type. */
export const HISTORY_MAPPINGS = {
  dynamic: 'strict',
  _meta: { mappingVersion: HISTORY_MAPPING_VERSION, source: 'reval.connection-changes' },
  properties: {
    gmcReferenceNumber: keyword,
    version: { type: 'long' },
    time: instant,
    before: status,
    after: status,
    cause: {
      properties: {
        kind: keyword,
        source: keyword,
        key: keyword,
        topic: keyword,
        partition: { type: 'integer' },
        offset: keyword,
        sourcePosition: keyword,
        sourceTime: instant,
      } satisfies Record<keyof HistoryDocument['cause'], unknown>,
    },
  } satisfies Record<keyof HistoryDocument, unknown>,
};
