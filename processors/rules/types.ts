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

/** One doctor's assembled view, keyed by GMC reference number. */
export interface DoctorInputs {
  gmcReferenceNumber: string;
  gmc: GmcState | null;
  tis: TisPerson | null;
  exceptionLog: ExceptionLog | null;
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
}
