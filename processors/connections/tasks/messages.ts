// The records on the connections repartition topics: one row change each, keyed by the entity
// the next stage joins on (programme membership uuid, person id, GMC number). `key` names the
// row inside that entity; `position` is the row's place in its source's history, for the
// next stage's duplicate and reordering guard.
import type { SyncedGmcState } from '../state/gmc-doctor-state';
import type {
  ConnectionLogRow,
  ContactDetailsRow,
  CurriculumMembershipRow,
  DoctorsForDbRow,
  ExceptionLogRow,
  GmcDetailsRow,
  HiddenDiscrepancyRow,
  Patch,
  PersonRow,
  PlacementRow,
  ProgrammeMembershipRow,
  RecommendationRow,
} from '../sources';

export type RowChange<S extends string, R> =
  | { source: S; key: string; op: 'upsert'; row: R; position?: number }
  | { source: S; key: string; op: 'delete'; position?: number };

/** Topic `<app>-memberships-repartition`, keyed by programme membership uuid. */
export type MembershipMessage =
  | RowChange<'programmeMembership', ProgrammeMembershipRow>
  | RowChange<'curriculumMembership', CurriculumMembershipRow>;

/** A programme membership with its curriculum memberships: what a person holds of it. */
export interface MembershipAggregate {
  membership: ProgrammeMembershipRow;
  curricula: CurriculumMembershipRow[];
}

/** Topic `<app>-persons-repartition`, keyed by TCS person id. */
export type PersonMessage =
  | RowChange<'contactDetails', ContactDetailsRow>
  | RowChange<'gmcDetails', GmcDetailsRow>
  | RowChange<'person', PersonRow>
  | RowChange<'placement', PlacementRow>
  | RowChange<'membership', MembershipAggregate>;

/**
 * A TIS person as the doctors stage needs it: the rules' TisPerson before the Programme global
 * table is joined in (programme name and owner are looked up by id when deriving).
 */
export interface TisPersonRecord {
  personId: number;
  role: string | null;
  firstName: string | null;
  lastName: string | null;
  memberships: MembershipAggregate[];
  placements: PlacementRow[];
}

/** Topic `<app>-doctors-repartition`, keyed by GMC reference number. */
export type DoctorMessage =
  | RowChange<'tisPerson', TisPersonRecord>
  | RowChange<'gmcDoctors', SyncedGmcState>
  | RowChange<'doctorsForDB', DoctorsForDbRow>
  | RowChange<'exceptionLogs', ExceptionLogRow>
  | RowChange<'connectionLogs', ConnectionLogRow>
  | RowChange<'hiddenDiscrepancy', HiddenDiscrepancyRow>
  | RowChange<'recommendation', RecommendationRow>
  | Patch<'doctorsForDB'>;

/** A row as a stage keeps it: the last change applied, deletes included (as null). */
export interface Versioned<R> {
  position?: number;
  row: R | null;
}

/**
 * Duplicates and reordering must not move a row backwards: a change older than the last one
 * applied to its row is ignored. A tombstone carries no position; after a positioned history
 * it only repeats the delete event before it, so it is ignored too.
 */
export function supersedes(
  known: { position?: number } | undefined,
  change: { op: string; position?: number },
): boolean {
  const knownPosition = known?.position;
  if (change.position === undefined)
    return !(change.op === 'delete' && knownPosition !== undefined);
  return knownPosition === undefined || change.position >= knownPosition;
}
