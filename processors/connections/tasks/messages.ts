// The records on the connections repartition topics: one row change each, keyed by the entity
// the next stage joins on (programme membership uuid, person id, GMC number). `key` names the
// row inside that entity; `position` is the row's place in its source's history, for the
// next stage's duplicate and reordering guard; `origin` is where the change was read (provenance).
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

/** Where an input row came from: its place in Kafka and in its source system. */
export interface InputOrigin {
  topic: string;
  partition: number;
  offset: string;
  /**
   * The source's own position, or null: MySQL `<binlog file>:<pos>`, MongoDB the cluster time
   * `<seconds>:<ord>` (the Debezium source block carries no resume token), gmc.doctors the sync
   * run id.
   */
  sourcePosition: string | null;
  /** When the source made the change (Debezium source ts_ms, GMC sync time), ISO 8601, or null. */
  sourceTime: string | null;
}

/** One input row a derived entity was assembled from, and where it came from. */
export interface RowOrigin {
  source: string;
  key: string;
  origin: InputOrigin;
}

/**
 * The raw input row whose change a message passes on, when that is not the message's own row
 * (a TIS person re-sent because one of its placements changed): the doctors stage names it as
 * the cause of a change of status. Its origin is the message's `origin`.
 */
export interface Trigger {
  source: string;
  key: string;
}

/**
 * `origin` is the Kafka record of the raw input that caused this message (set by the source
 * tables, passed on by every stage); absent in messages written before provenance was kept.
 */
export interface Provenance {
  origin?: InputOrigin;
  trigger?: Trigger;
}

export type RowChange<S extends string, R> =
  | ({ source: S; key: string; op: 'upsert'; row: R; position?: number } & Provenance)
  | ({ source: S; key: string; op: 'delete'; position?: number } & Provenance);

/** Topic `<app>-memberships-repartition`, keyed by programme membership uuid. */
export type MembershipMessage =
  | RowChange<'programmeMembership', ProgrammeMembershipRow>
  | RowChange<'curriculumMembership', CurriculumMembershipRow>;

/** A programme membership with its curriculum memberships: what a person holds of it. */
export interface MembershipAggregate {
  membership: ProgrammeMembershipRow;
  curricula: CurriculumMembershipRow[];
  /** The programme and curriculum membership rows' origins (absent before they were kept). */
  origins?: RowOrigin[];
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
  /**
   * One per input row the person was assembled from (person, contactDetails, gmcDetails, each
   * programme and curriculum membership, placement) whose origin is known; absent in records
   * written before origins were kept.
   */
  origins?: RowOrigin[];
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
  | (Patch<'doctorsForDB'> & Provenance);

/** A row as a stage keeps it: the last change applied, deletes included (as null). */
export interface Versioned<R> {
  position?: number;
  row: R | null;
  /** The origin of the last change applied to the row (absent before origins were kept). */
  origin?: InputOrigin;
}

/** Only the provenance known: states and messages carry no empty keys. */
export function provenance(origin?: InputOrigin, trigger?: Trigger): Provenance {
  return { ...(origin && { origin }), ...(trigger && { trigger }) };
}

/**
 * A row's origin kept beside the rows by key: set with the row, dropped with it (a delete
 * takes the row's origin away, not just its row), undefined once none is left.
 */
export function withOrigin(
  origins: Record<string, InputOrigin> | undefined,
  key: string,
  origin: InputOrigin | undefined,
  present = true,
): Record<string, InputOrigin> | undefined {
  const next = { ...origins };
  if (origin && present) next[key] = origin;
  else delete next[key];
  return Object.keys(next).length > 0 ? next : undefined;
}

/** The origin of a change read off its Kafka record and its source's own coordinates. */
export function inputOrigin(
  record: { topic: string; partition: number; offset: string },
  point: { sourcePosition?: string; sourceTime?: string },
): InputOrigin {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    sourcePosition: point.sourcePosition ?? null,
    sourceTime: point.sourceTime ?? null,
  };
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
