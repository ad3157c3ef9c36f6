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
