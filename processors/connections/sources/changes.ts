// The one shape every CDC input takes after the edge (docs/design.md principle 2): a keyed upsert,
// delete or — for MongoDB updates that carry no full document — patch of a typed row.
// Nothing past this file knows whether a row came as Avro or JSON, snapshot or stream.
import type { GmcNumber } from '../../rules/identity';
import type { LocalDate } from '../../rules/dates';
import type {
  ProgrammeMembershipType,
  RecommendationOutcome,
  UnderNotice,
} from '../../rules/types';

export const MYSQL_SOURCES = [
  'contactDetails',
  'gmcDetails',
  'person',
  'programmeMembership',
  'curriculumMembership',
  'programme',
  'placement',
] as const;
export const MONGO_SOURCES = [
  'doctorsForDB',
  'exceptionLogs',
  'connectionLogs',
  'hiddenDiscrepancy',
  'recommendation',
] as const;
export const SOURCE_NAMES = [...MYSQL_SOURCES, ...MONGO_SOURCES] as const;

export type MySqlSourceName = (typeof MYSQL_SOURCES)[number];
export type MongoSourceName = (typeof MONGO_SOURCES)[number];
/** Also the configuration name of the source's topic (processors/platform/config.ts). */
export type SourceName = (typeof SOURCE_NAMES)[number];

export function isMongoSource(source: string): source is MongoSourceName {
  return (MONGO_SOURCES as readonly string[]).includes(source);
}

/** The field that names the doctor, by GMC number, in each MongoDB collection about doctors. */
export const DOCTOR_FIELDS = {
  exceptionLogs: 'gmcId',
  connectionLogs: 'gmcId',
  hiddenDiscrepancy: 'gmcId',
  recommendation: 'gmcNumber',
} as const;
export type DoctorLinkedSource = keyof typeof DOCTOR_FIELDS;

/** TCS ContactDetails: `id` is the person id. */
export interface ContactDetailsRow {
  id: number;
  forenames: string | null;
  surname: string | null;
}

/** TCS GmcDetails: `id` is the person id. */
export interface GmcDetailsRow {
  id: number;
  gmcNumber: string | null;
  gmcStatus: string | null;
}

export interface PersonRow {
  id: number;
  role: string | null;
}

export interface ProgrammeMembershipRow {
  uuid: string;
  personId: number;
  programmeId: number | null;
  programmeMembershipType: ProgrammeMembershipType | null;
  programmeStartDate: LocalDate | null;
  programmeEndDate: LocalDate | null;
}

export interface CurriculumMembershipRow {
  id: number;
  programmeMembershipUuid: string | null;
  curriculumId: number | null;
  curriculumStartDate: LocalDate | null;
  curriculumEndDate: LocalDate | null;
}

export interface ProgrammeRow {
  id: number;
  programmeName: string | null;
  programmeNumber: string | null;
  owner: string | null;
}

export interface PlacementRow {
  id: number;
  traineeId: number | null;
  gradeId: number | null;
  dateFrom: LocalDate | null;
  dateTo: LocalDate | null;
}

/** A `doctorsForDB` document; fields the document lacks are null. */
export interface DoctorsForDbRow {
  /** The document's `_id`. */
  gmcReferenceNumber: GmcNumber;
  doctorFirstName: string | null;
  doctorLastName: string | null;
  /** Stored as an instant; read as its calendar date in Europe/London. */
  submissionDate: LocalDate | null;
  designatedBodyCode: string | null;
  existsInGmc: boolean | null;
  gmcLastUpdatedDateTime: Date | null;
  underNotice: UnderNotice | null;
  admin: string | null;
  doctorStatus: string | null;
  /** When the recommendation service (or doctors-sync) last saved the document, as a date. */
  lastUpdatedDate: LocalDate | null;
}

/** An `exceptionLogs` document: a failed GMC connect/disconnect request. */
export interface ExceptionLogRow {
  /** The document's `_id` as a string (hex for an ObjectId). */
  id: string;
  gmcId: GmcNumber;
  errorMessage: string | null;
  timestamp: Date;
  admin: string | null;
}

/**
 * A `connectionLogs` entry of the connection service: a connect or disconnect request made from
 * the screens (with GMC's return code), or a change GMC made (`updatedBy` "Updated by GMC").
 */
export interface ConnectionLogRow {
  /** The document's `_id` as a string (a UUID, or hex for an ObjectId). */
  id: string;
  gmcId: GmcNumber;
  updatedBy: string | null;
  requestTime: Date | null;
  responseCode: string | null;
}

/** A `hiddenDiscrepancy` document of the connection service: one doctor, one designated body. */
export interface HiddenDiscrepancyRow {
  id: string;
  gmcId: GmcNumber;
  hiddenForDesignatedBodyCode: string | null;
  hiddenBy: string | null;
  reason: string | null;
  hiddenDateTime: Date | null;
  /** Stored as an instant; read as its calendar date in Europe/London. */
  hiddenUntilDate: LocalDate | null;
}

/** A `recommendation` document of the recommendation service. */
export interface RecommendationRow {
  id: string;
  gmcNumber: GmcNumber;
  /** GMC's outcome, stored as the enum name (APPROVED...), held as the screens' label. */
  outcome: RecommendationOutcome | null;
  actualSubmissionDate: LocalDate | null;
  gmcSubmissionDate: LocalDate | null;
}

export interface RowsBySource {
  contactDetails: ContactDetailsRow;
  gmcDetails: GmcDetailsRow;
  person: PersonRow;
  programmeMembership: ProgrammeMembershipRow;
  curriculumMembership: CurriculumMembershipRow;
  programme: ProgrammeRow;
  placement: PlacementRow;
  doctorsForDB: DoctorsForDbRow;
  exceptionLogs: ExceptionLogRow;
  connectionLogs: ConnectionLogRow;
  hiddenDiscrepancy: HiddenDiscrepancyRow;
  recommendation: RecommendationRow;
}

/** The row field that is the source's identity; `key` is its value as a string. */
export const KEY_FIELDS = {
  contactDetails: 'id',
  gmcDetails: 'id',
  person: 'id',
  programmeMembership: 'uuid',
  curriculumMembership: 'id',
  programme: 'id',
  placement: 'id',
  doctorsForDB: 'gmcReferenceNumber',
  exceptionLogs: 'id',
  connectionLogs: 'id',
  hiddenDiscrepancy: 'id',
  recommendation: 'id',
} as const satisfies { [S in SourceName]: keyof RowsBySource[S] };

/**
 * Where the change sits in its source's history (see position.ts); absent when the record
 * does not say (tombstones, flattened records).
 */
interface Positioned {
  position?: number;
  /**
   * The source's own coordinates of the change, readable by a person (binlog file:pos, the
   * MongoDB cluster time), and when the source made it (ISO 8601); for provenance only.
   */
  sourcePosition?: string;
  sourceTime?: string;
}

export type Upsert<S extends SourceName = SourceName> = {
  [K in S]: { source: K; key: string; op: 'upsert'; row: RowsBySource[K] } & Positioned;
}[S];

export type Delete<S extends SourceName = SourceName> = {
  [K in S]: { source: K; key: string; op: 'delete' } & Positioned;
}[S];

/**
 * A MongoDB update that arrived without the full document (capture mode `change_streams`, or
 * `change_streams_update_full` when the document was deleted before the lookup): the fields
 * it set and the fields it removed. Merge it into the current row with `applyPatch`.
 */
export type Patch<S extends MongoSourceName = MongoSourceName> = {
  [K in S]: {
    source: K;
    key: string;
    op: 'patch';
    set: Partial<RowsBySource[K]>;
    unset: (keyof RowsBySource[K])[];
  } & Positioned;
}[S];

export type Change = Upsert | Delete | Patch;
