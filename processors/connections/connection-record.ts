// The derived record as it travels on reval.connections: the rules' output plus the
// bookkeeping (per-doctor version, time, contributing sources) of docs/rules.md §6.
import type { RevalidationFields } from '../rules/revalidation';
import type { DerivedConnection } from '../rules/types';

export type { HiddenDiscrepancy } from '../rules/types';

/**
 * The fields added with schema version 2 (docs/rules.md §4.9). The processor always writes
 * them; they are optional here because a record written before them, decoded with its
 * writer's schema (as the registry codecs do), does not have them.
 */
type AddedFields = keyof RevalidationFields;

export interface ConnectionRecord
  extends Omit<DerivedConnection, 'placementGrades' | AddedFields>, Partial<RevalidationFields> {
  placementGrades: string[];
  version: number;
  updatedTime: Date;
  sources: string[];
  /**
   * Schema version 3; optional for the same reason as the version 2 fields. The rules'
   * explanation (rules/explain.ts, undated: it names no date that is only today's), and when
   * connectionStatus, exceptionReasons or discrepancy last changed. Neither is compared
   * (`fingerprint`): a re-derivation that changes only them writes nothing.
   */
  explanation?: string | null;
  statusSince?: Date | null;
}

/** Kafka header that carries the version on every record, tombstones included. */
export const VERSION_HEADER = 'reval.version';

const COMPARED_FIELDS = [
  'gmcReferenceNumber',
  'tcsPersonId',
  'doctorFirstName',
  'doctorLastName',
  'submissionDate',
  'programmeName',
  'membershipType',
  'programmeOwner',
  'designatedBody',
  'tcsDesignatedBody',
  'membershipStartDate',
  'membershipEndDate',
  'curriculumEndDate',
  'placementGrades',
  'existsInGmc',
  'underNotice',
  'admin',
  'connectionStatus',
  'connectionReason',
  'exceptionReasons',
  'discrepancy',
  'nextReevaluationDate',
  'selectedProgrammeMembershipUuid',
  'tisStatus',
  'lastUpdatedDate',
  'gmcStatus',
  'updatedBy',
  'lastConnectionDateTime',
  'hiddenDiscrepancies',
] as const satisfies readonly (keyof ConnectionRecord)[];

/**
 * What "the derived record changed" means: the rule outputs and display fields, not the
 * bookkeeping, so a re-derivation that reaches the same answer emits nothing.
 */
export function fingerprint(record: Omit<ConnectionRecord, 'version' | 'updatedTime'>): string {
  return JSON.stringify(COMPARED_FIELDS.map((field) => record[field] ?? null));
}

/** The fields whose change reval.connection-changes records (schemas/connection-change.avsc). */
export const SNAPSHOT_FIELDS = [
  'connectionStatus',
  'connectionReason',
  'exceptionReasons',
  'discrepancy',
  'designatedBody',
  'tcsDesignatedBody',
] as const satisfies readonly (keyof ConnectionRecord)[];

export type StatusSnapshot = Pick<ConnectionRecord, (typeof SNAPSHOT_FIELDS)[number]>;

/** What made a change: an input row, the date (midnight), a Programme row, or a task's start. */
export type CauseKind = 'INPUT' | 'MIDNIGHT' | 'PROGRAMME' | 'RESTORE';

export interface CauseOfChange {
  kind: CauseKind;
  /** The input source and row key (INPUT only), and where the row's change was read. */
  source: string | null;
  key: string | null;
  topic: string | null;
  partition: number | null;
  offset: string | null;
  sourcePosition: string | null;
  sourceTime: Date | null;
}

/** The cause of a change no input row made (midnight, a programme edit, a task's start). */
export function rowlessCause(kind: CauseKind): CauseOfChange {
  return {
    kind,
    source: null,
    key: null,
    topic: null,
    partition: null,
    offset: null,
    sourcePosition: null,
    sourceTime: null,
  };
}

/** A value of reval.connection-changes: no names or other personal data beyond the number. */
export interface ConnectionChange {
  gmcReferenceNumber: string;
  /** The reval.connections version that made the change: `${gmc}-${version}` is its id. */
  version: number;
  time: Date;
  /** Null: no record (first appearance; a tombstone). */
  before: StatusSnapshot | null;
  after: StatusSnapshot | null;
  cause: CauseOfChange;
}

export function statusSnapshot(record: StatusSnapshot): StatusSnapshot {
  return {
    connectionStatus: record.connectionStatus,
    connectionReason: record.connectionReason ?? null,
    exceptionReasons: [...(record.exceptionReasons ?? [])],
    discrepancy: record.discrepancy ?? null,
    designatedBody: record.designatedBody ?? null,
    tcsDesignatedBody: record.tcsDesignatedBody ?? null,
  };
}

/** Whether a change record is due between two snapshots (null: no record). */
export function snapshotChanged(a: StatusSnapshot | null, b: StatusSnapshot | null): boolean {
  return JSON.stringify(a && statusSnapshot(a)) !== JSON.stringify(b && statusSnapshot(b));
}

/** Whether `statusSince` moves: connectionStatus, exceptionReasons or discrepancy changed. */
export function statusMoved(a: StatusSnapshot, b: StatusSnapshot): boolean {
  const moving = (s: StatusSnapshot) =>
    JSON.stringify([s.connectionStatus, s.exceptionReasons ?? [], s.discrepancy ?? null]);
  return moving(a) !== moving(b);
}

export function toConnectionRecord(
  derived: DerivedConnection,
  version: number,
  updatedTime: Date,
  sources: string[],
): ConnectionRecord {
  return {
    ...derived,
    placementGrades: derived.placementGrades.map(String),
    version,
    updatedTime,
    sources,
  };
}

/**
 * Versions are a hybrid logical clock in microseconds: above the last version seen for the
 * doctor, and close to wall-clock time so that a new owner after a rebalance — which may not
 * yet have seen the old owner's last write — still writes a higher version.
 */
export function nextVersion(previous: number | undefined, nowMs: number): number {
  return Math.max((previous ?? 0) + 1, nowMs * 1000);
}
