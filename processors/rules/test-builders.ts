// Builders for doctors in the rules' tests: an ordinary connected trainee by default, so each
// test states only what makes its case different. Not used by production code.
import designatedBodyTable from './designated-bodies.json';
import { buildDesignatedBodyMap } from './designated-body';
import { gmcNumberOf, type GmcNumber } from './identity';
import type {
  ConnectionLogEntry,
  CurriculumMembership,
  DoctorInputs,
  ExceptionLog,
  GmcState,
  HiddenDiscrepancy,
  Placement,
  ProgrammeMembership,
  Recommendation,
  RevalidationRecords,
  TisPerson,
} from './types';

export const DESIGNATED_BODIES = buildDesignatedBodyMap(designatedBodyTable);

/** A GMC number as the identity function gives it; a number it refuses fails the test. */
export function gmc(raw: string): GmcNumber {
  const verdict = gmcNumberOf(raw);
  if (!verdict.ok) throw new Error(`not a GMC number: ${verdict.error}`);
  return verdict.value;
}

/** Yorkshire and the Humber, and Kent, Surrey and Sussex. */
export const YORKSHIRE = '1-1RSG4X0';
export const KSS = '1-1RUZV1D';

export function curriculum(overrides: Partial<CurriculumMembership> = {}): CurriculumMembership {
  return {
    id: 1,
    curriculumStartDate: '2025-08-06',
    curriculumEndDate: '2027-08-05',
    ...overrides,
  };
}

/** A current (on 2026-07-01) substantive GP membership owned by Yorkshire and the Humber. */
export function membership(overrides: Partial<ProgrammeMembership> = {}): ProgrammeMembership {
  return {
    uuid: 'pm-1',
    type: 'SUBSTANTIVE',
    startDate: '2025-08-06',
    endDate: '2027-08-05',
    programmeName: 'General Practice',
    owner: 'Yorkshire and the Humber',
    curriculumMemberships: [curriculum()],
    ...overrides,
  };
}

export function placement(overrides: Partial<Placement> = {}): Placement {
  return { gradeId: 279, dateFrom: '2025-08-06', dateTo: '2027-08-05', ...overrides };
}

export function person(overrides: Partial<TisPerson> = {}): TisPerson {
  return {
    personId: 101,
    role: 'DR in Training',
    firstName: 'Ada',
    lastName: 'Lovelace',
    programmeMemberships: [membership()],
    placements: [],
    ...overrides,
  };
}

/** Connected in GMC to Yorkshire and the Humber, last changed in the night of 30 June. */
export function gmcState(overrides: Partial<GmcState> = {}): GmcState {
  const state = {
    designatedBody: YORKSHIRE as string | null,
    lastUpdated: '2026-06-30T02:00:00Z',
    firstName: 'Ada',
    lastName: 'Lovelace',
    submissionDate: '2027-03-01',
    underNotice: 'NO' as const,
    admin: null,
    ...overrides,
  };
  return { existsInGmc: state.designatedBody !== null, ...state };
}

export function exceptionLog(overrides: Partial<ExceptionLog> = {}): ExceptionLog {
  return {
    errorMessage: 'Doctor already connected to another designated body',
    timestamp: '2026-06-30T10:15:00Z',
    ...overrides,
  };
}

/** A connect request from the screens that GMC accepted on 30 June. */
export function connectionLog(overrides: Partial<ConnectionLogEntry> = {}): ConnectionLogEntry {
  return {
    id: 'c-1',
    updatedBy: 'admin@example.nhs.uk',
    requestTime: '2026-06-30T10:15:00Z',
    responseCode: '0',
    ...overrides,
  };
}

/** A recommendation submitted on 1 June and approved. */
export function recommendation(overrides: Partial<Recommendation> = {}): Recommendation {
  return {
    id: 'r-1',
    outcome: 'Approved',
    actualSubmissionDate: '2026-06-01',
    gmcSubmissionDate: '2026-09-01',
    ...overrides,
  };
}

/** The Yorkshire administrator hid this doctor's discrepancy on 30 June. */
export function hiddenDiscrepancy(overrides: Partial<HiddenDiscrepancy> = {}): HiddenDiscrepancy {
  return {
    id: 'h-1',
    gmcId: '7000001',
    hiddenForDesignatedBodyCode: YORKSHIRE,
    hiddenBy: 'admin@example.nhs.uk',
    reason: 'Leaving the programme',
    hiddenDateTime: '2026-06-30T09:00:00Z',
    hiddenUntilDate: '2026-12-31',
    ...overrides,
  };
}

/** The doctorsForDB document's own fields, and no log, recommendation or hidden discrepancy. */
export function revalidation(overrides: Partial<RevalidationRecords> = {}): RevalidationRecords {
  return {
    tisStatus: 'NOT_STARTED',
    lastUpdatedDate: '2026-06-30',
    connectionLogs: [],
    recommendations: [],
    hiddenDiscrepancies: [],
    ...overrides,
  };
}

/** A doctor in TIS and GMC with no exception log, unless told otherwise. */
export function doctor(overrides: Partial<DoctorInputs> = {}): DoctorInputs {
  return {
    gmcReferenceNumber: '7000001',
    gmc: gmcState(),
    tis: person(),
    exceptionLog: null,
    revalidation: null,
    ...overrides,
  };
}

/** A doctor in TIS whose memberships are these (GMC state as in `doctor`). */
export function withMemberships(
  memberships: ProgrammeMembership[],
  overrides: Partial<DoctorInputs> = {},
): DoctorInputs {
  return doctor({ tis: person({ programmeMemberships: memberships }), ...overrides });
}
