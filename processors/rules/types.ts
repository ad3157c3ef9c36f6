// The inputs and the output of the connection rules (docs/rules.md §§3, 4 and 6). Every
// enumeration is a string union backed by an exported const array, so that validators,
// generators and docs enumerate the same values as the type checker.
import type { Instant, LocalDate } from './dates';

export const PROGRAMME_MEMBERSHIP_TYPES = [
  'SUBSTANTIVE',
  'LAT',
  'FTSTA',
  'MILITARY',
  'VISITOR',
  'ACADEMIC',
] as const;
export type ProgrammeMembershipType = (typeof PROGRAMME_MEMBERSHIP_TYPES)[number];

export const UNDER_NOTICE_VALUES = ['YES', 'NO', 'ON_HOLD'] as const;
export type UnderNotice = (typeof UNDER_NOTICE_VALUES)[number];

export const CONNECTION_STATUSES = ['CONNECTED', 'DISCONNECTED'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** In precedence order: the first that applies is the reason (docs/rules.md §4.3). */
export const DISCONNECTION_REASONS = [
  'NOT_IN_TIS',
  'NO_PROGRAMME_MEMBERSHIP',
  'NO_CURRICULUM_MEMBERSHIP',
  'PROGRAMME_DATES_MISSING',
  'PROGRAMME_NOT_STARTED',
  'PROGRAMME_ENDED',
] as const;
export type DisconnectionReason = (typeof DISCONNECTION_REASONS)[number];

/** Also the order in which reasons are listed in a derived record. */
export const EXCEPTION_REASONS = [
  'VISITOR',
  'PROGRAMME_ENDED_WHILE_CONNECTED',
  'GMC_UPDATE_FAILED',
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

export const DISCREPANCIES = [
  'READY_FOR_CONNECTION',
  'READY_FOR_DISCONNECTION',
  'DESIGNATED_BODY_MISMATCH',
] as const;
export type Discrepancy = (typeof DISCREPANCIES)[number];

/** The doctor's latest GMC state: the newest of the GMC sync and doctorsForDB (section 5). */
export interface GmcState {
  /** The DB GMC lists the doctor under; null or '' when connected to none. */
  designatedBody: string | null;
  existsInGmc: boolean;
  /** When this state was last changed successfully (the GMC run's request time). */
  lastUpdated: Instant;
  firstName: string | null;
  lastName: string | null;
  submissionDate: LocalDate | null;
  underNotice: UnderNotice | null;
  /** The revalidation administrator recorded in doctorsForDB. */
  admin: string | null;
}

export interface CurriculumMembership {
  id: number | null;
  curriculumStartDate: LocalDate | null;
  curriculumEndDate: LocalDate | null;
}

/** A TCS ProgrammeMembership joined with its Programme and CurriculumMemberships. */
export interface ProgrammeMembership {
  uuid: string;
  type: ProgrammeMembershipType | null;
  startDate: LocalDate | null;
  endDate: LocalDate | null;
  programmeName: string | null;
  owner: string | null;
  curriculumMemberships: readonly CurriculumMembership[];
}

export interface Placement {
  gradeId: number | null;
  dateFrom: LocalDate | null;
  dateTo: LocalDate | null;
}

/** A TCS person joined with ContactDetails, ProgrammeMemberships and Placements. */
export interface TisPerson {
  personId: number;
  role: string | null;
  firstName: string | null;
  lastName: string | null;
  programmeMemberships: readonly ProgrammeMembership[];
  placements: readonly Placement[];
}

/** The latest exceptionLogs entry for the doctor: a failed GMC connect/disconnect request. */
export interface ExceptionLog {
  errorMessage: string | null;
  timestamp: Instant;
}

/** GMC's outcome of a revalidation recommendation, labelled as the screens show it. */
export const RECOMMENDATION_OUTCOMES = ['Approved', 'Rejected', 'Under Review'] as const;
export type RecommendationOutcome = (typeof RECOMMENDATION_OUTCOMES)[number];

/** An entry of the connection service's `connectionLogs`: a connection change or request. */
export interface ConnectionLogEntry {
  id: string;
  /** The administrator's e-mail, or `Updated by GMC` for a change GMC made. */
  updatedBy: string | null;
  requestTime: Instant | null;
  /** GMC's return code for a request made from the screens; none for a change GMC made. */
  responseCode: string | null;
}

/** A recommendation of the recommendation service (`recommendation`); outcome once submitted. */
export interface Recommendation {
  id: string;
  outcome: RecommendationOutcome | null;
  actualSubmissionDate: LocalDate | null;
  gmcSubmissionDate: LocalDate | null;
}

/** A discrepancy an administrator hid for one designated body (`hiddenDiscrepancy`). */
export interface HiddenDiscrepancy {
  id: string;
  /** The doctor's GMC number. */
  gmcId: string;
  hiddenForDesignatedBodyCode: string | null;
  hiddenBy: string | null;
  reason: string | null;
  hiddenDateTime: Instant | null;
  hiddenUntilDate: LocalDate | null;
}

/**
 * What the revalidation services hold about the doctor besides GMC's data (section 4.9): the
 * doctorsForDB document's own fields, the connection log, the recommendations and the hidden
 * discrepancies. Every list in any order: the rules pick and sort.
 */
export interface RevalidationRecords {
  /** doctorsForDB `doctorStatus`: where the doctor is in the recommendation workflow. */
  tisStatus: string | null;
  /** doctorsForDB `lastUpdatedDate`. */
  lastUpdatedDate: LocalDate | null;
  connectionLogs: readonly ConnectionLogEntry[];
  recommendations: readonly Recommendation[];
  hiddenDiscrepancies: readonly HiddenDiscrepancy[];
}

/** One doctor's assembled view, keyed by GMC reference number. */
export interface DoctorInputs {
  gmcReferenceNumber: string;
  gmc: GmcState | null;
  tis: TisPerson | null;
  exceptionLog: ExceptionLog | null;
  /** Null when the revalidation services hold nothing of the doctor but the GMC state. */
  revalidation: RevalidationRecords | null;
}

/** The derived record: what the Connections screens show for one doctor (section 6). */
export interface DerivedConnection {
  gmcReferenceNumber: string;
  connectionStatus: ConnectionStatus;
  connectionReason: DisconnectionReason | null;
  /** GMC's designated body. */
  designatedBody: string | null;
  /** TIS's designated body. */
  tcsDesignatedBody: string | null;
  exceptionReasons: ExceptionReason[];
  discrepancy: Discrepancy | null;
  nextReevaluationDate: LocalDate | null;
  selectedProgrammeMembershipUuid: string | null;
  tcsPersonId: number | null;
  doctorFirstName: string | null;
  doctorLastName: string | null;
  submissionDate: LocalDate | null;
  programmeName: string | null;
  membershipType: ProgrammeMembershipType | null;
  programmeOwner: string | null;
  membershipStartDate: LocalDate | null;
  membershipEndDate: LocalDate | null;
  curriculumEndDate: LocalDate | null;
  placementGrades: number[];
  existsInGmc: boolean;
  underNotice: UnderNotice | null;
  admin: string | null;
  /** doctorsForDB `doctorStatus` (e.g. NOT_STARTED, SUBMITTED_TO_GMC). */
  tisStatus: string | null;
  /** doctorsForDB `lastUpdatedDate`. */
  lastUpdatedDate: LocalDate | null;
  /** The outcome label (RECOMMENDATION_OUTCOMES) of the latest recommendation that has one. */
  gmcStatus: string | null;
  /** `updatedBy` of the latest connection log entry that counts. */
  updatedBy: string | null;
  /** That entry's request time, in UTC ('2026-11-30T10:15:00.000Z'). */
  lastConnectionDateTime: Instant | null;
  /** By designated body, then id; times in UTC. */
  hiddenDiscrepancies: HiddenDiscrepancy[];
}
