// What the doctors stage remembers of the status it last wrote, to say since when a doctor has
// it (`statusSince`) and to write each change of it to reval.connection-changes with its
// cause. Pure: the stage hands in what it derived and forwards what comes out.
import {
  rowlessCause,
  snapshotChanged,
  statusMoved,
  statusSnapshot,
  type CauseKind,
  type CauseOfChange,
  type ConnectionChange,
  type ConnectionRecord,
  type StatusSnapshot,
} from '../connection-record';
import type { InputOrigin, Trigger } from './messages';

/** The input that changed a doctor's state since it was last derived: the cause of a change. */
export interface PendingCause extends Trigger {
  origin?: InputOrigin;
}

/** What a stored state knows of the status last written (absent in states stored before). */
export interface StatusMemory {
  /** Null after a tombstone. */
  snapshot?: StatusSnapshot | null;
  /** Epoch millis: when connectionStatus, exceptionReasons or discrepancy last changed. */
  statusSince?: number;
}

/**
 * The status written before, as far as known: null when there was no record (none yet, or a
 * tombstone), undefined when the state predates this memory and the record is not known.
 */
export function statusBefore(
  emitted: (StatusMemory & { fingerprint: string | null }) | undefined,
): StatusSnapshot | null | undefined {
  if (!emitted || emitted.fingerprint === null) return null;
  return emitted.snapshot;
}

/**
 * When the new record's status began: kept while connectionStatus, exceptionReasons and
 * discrepancy stay; now when they change, when the doctor (re)appears, and for a state stored
 * before statusSince was kept (its first derivation after the upgrade).
 */
export function statusSinceOf(
  before: StatusSnapshot | null | undefined,
  after: StatusSnapshot,
  held: number | undefined,
  now: number,
): number {
  if (!before || held === undefined || statusMoved(before, after)) return now;
  return held;
}

/**
 * The change record due between two written records, or null: none when nothing recorded
 * changed, and none when the status before is unknown (a state stored before history was
 * kept: its first change after the upgrade has no known "before").
 */
export function changeRecord(
  gmcReferenceNumber: string,
  before: StatusSnapshot | null | undefined,
  after: ConnectionRecord | null,
  version: number,
  time: Date,
  cause: CauseOfChange,
): ConnectionChange | null {
  const next = after && statusSnapshot(after);
  if (before === undefined || !snapshotChanged(before, next)) return null;
  return { gmcReferenceNumber, version, time, before, after: next, cause };
}

/**
 * The cause as recorded: the pending input when the doctor's inputs changed since it was last
 * derived (whatever else asked for the derivation), else what asked (midnight, a programme, a
 * task's start).
 */
export function causeOf(pending: PendingCause | undefined, kind: CauseKind): CauseOfChange {
  if (!pending) return rowlessCause(kind);
  const { origin } = pending;
  return {
    kind: 'INPUT',
    source: pending.source,
    key: pending.key,
    topic: origin?.topic ?? null,
    partition: origin?.partition ?? null,
    offset: origin?.offset ?? null,
    sourcePosition: origin?.sourcePosition ?? null,
    sourceTime: origin?.sourceTime ? new Date(origin.sourceTime) : null,
  };
}
