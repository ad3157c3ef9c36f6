// Pure: the project's doctor document → the document today's readers (the TIS revalidation
// connection and recommendation services) expect under masterdoctorindex and its aliases,
// in the shape the old writer's MasterDoctorView gave it (docs/readers.md §4). The project's
// derived fields ride along: the readers ignore fields they do not know, and the legacy
// `discrepancies` alias filters on `discrepancy`.
import type { DoctorDocument, HiddenDiscrepancy } from './doctor-document';

/** The old services' LocalDateTime: wall-clock time in UTC, milliseconds, no zone. */
type LocalDateTime = string;

export interface LegacyHiddenDiscrepancy extends Omit<HiddenDiscrepancy, 'hiddenDateTime'> {
  hiddenDateTime: LocalDateTime | null;
}

// A type alias, not an interface: a bulk document must be indexable by field name.
export type LegacyDoctorDocument = {
  gmcReferenceNumber: string;
  tcsPersonId: number | null;
  doctorFirstName: string | null;
  doctorLastName: string | null;
  submissionDate: string | null;
  programmeName: string | null;
  membershipType: string | null;
  designatedBody: string | null;
  tcsDesignatedBody: string | null;
  programmeOwner: string | null;
  membershipStartDate: string | null;
  membershipEndDate: string | null;
  curriculumEndDate: string | null;
  /** The placement grades " | "-joined, as TCS sent them to the old writer. */
  placementGrade: string | null;
  existsInGmc: boolean;
  underNotice: string | null;
  admin: string | null;
  gmcStatus: string | null;
  tisStatus: string | null;
  lastUpdatedDate: string | null;
  updatedBy: string | null;
  lastConnectionDateTime: LocalDateTime | null;
  hiddenDiscrepancies: LegacyHiddenDiscrepancy[];
  /** The readers' classes declare one string; the old writer never filled it. */
  exceptionReason: string | null;
  connectionStatus: string;
  connectionReason: string | null;
  exceptionReasons: string[];
  discrepancy: string | null;
  nextReevaluationDate: string | null;
  version: number;
  updatedTime: string;
};

export function toLegacyDocument(doctor: DoctorDocument): LegacyDoctorDocument {
  return {
    gmcReferenceNumber: doctor.gmcReferenceNumber,
    tcsPersonId: doctor.tcsPersonId,
    doctorFirstName: doctor.doctorFirstName,
    doctorLastName: doctor.doctorLastName,
    submissionDate: doctor.submissionDate,
    programmeName: doctor.programmeName,
    membershipType: doctor.membershipType,
    designatedBody: doctor.designatedBody,
    tcsDesignatedBody: doctor.tcsDesignatedBody,
    programmeOwner: doctor.programmeOwner,
    membershipStartDate: doctor.membershipStartDate,
    membershipEndDate: doctor.membershipEndDate,
    curriculumEndDate: doctor.curriculumEndDate,
    placementGrade: doctor.placementGrades.length > 0 ? doctor.placementGrades.join(' | ') : null,
    existsInGmc: doctor.existsInGmc,
    underNotice: doctor.underNotice,
    admin: doctor.admin,
    gmcStatus: doctor.gmcStatus,
    tisStatus: doctor.tisStatus,
    lastUpdatedDate: doctor.lastUpdatedDate,
    updatedBy: doctor.updatedBy,
    lastConnectionDateTime: localDateTime(doctor.lastConnectionDateTime),
    hiddenDiscrepancies: doctor.hiddenDiscrepancies.map((hidden) => ({
      ...hidden,
      hiddenDateTime: localDateTime(hidden.hiddenDateTime),
    })),
    exceptionReason: doctor.exceptionReasons.length > 0 ? doctor.exceptionReasons.join(', ') : null,
    connectionStatus: doctor.connectionStatus,
    connectionReason: doctor.connectionReason,
    exceptionReasons: doctor.exceptionReasons,
    discrepancy: doctor.discrepancy,
    nextReevaluationDate: doctor.nextReevaluationDate,
    version: doctor.version,
    updatedTime: doctor.updatedTime,
  };
}

/**
 * The readers map these fields to Java's LocalDateTime, which refuses a zone, and filter them
 * with zone-less bounds. The old services ran in UTC, so their wall clock was UTC's.
 */
export function localDateTime(instant: string | null): LocalDateTime | null {
  if (instant === null) return null;
  const time = new Date(instant);
  if (Number.isNaN(time.getTime())) return null;
  return time.toISOString().slice(0, 23);
}
