// What the rest of the project sees of a GetDoctorsForDB answer: normalised doctors (ISO
// dates, enum UnderNotice, nulls for absent values) and one outcome per designated body.

export type UnderNotice = 'YES' | 'NO' | 'ON_HOLD';

/** One doctor as GMC lists them, field names as in the gmc.doctors Avro schema. */
export interface GmcDoctor {
  gmcReferenceNumber: string;
  doctorFirstName: string | null;
  doctorLastName: string | null;
  /** YYYY-MM-DD */
  submissionDate: string | null;
  /** YYYY-MM-DD */
  dateAdded: string | null;
  underNotice: UnderNotice | null;
  doctorStatus: string | null;
  breach: string | null;
  investigation: string | null;
  preliminaryInvestigation: string | null;
  sanction: string | null;
}

export type FetchStatus = 'OK' | 'FAILED';

/** The outcome of asking GMC for one designated body's list. */
export interface DesignatedBodyFetch {
  designatedBody: string;
  status: FetchStatus;
  /** GMC's ReturnCode when an answer was understood; null when none was. */
  returnCode: string | null;
  /** Empty unless status is OK. */
  doctors: GmcDoctor[];
  durationMs: number;
  /** Why the fetch failed, safe to show and publish (never holds credentials). */
  error: string | null;
  attempts: number;
  /** Data problems that did not fail the fetch (an invalid date, a doctor without number). */
  warnings: string[];
}

/** GMC's documented return codes (docs/rules.md §2.2). */
export const RETURN_CODE_MEANINGS: Readonly<Record<string, string>> = {
  '0': 'success',
  '98': 'GMC internal error',
  '99': 'invalid credentials or IP address',
  '80': 'invalid designated body code',
  '81': 'no access to this designated body',
};

/** Codes that the same request can never turn into a success: retrying only adds load. */
export const FINAL_RETURN_CODES: ReadonlySet<string> = new Set(['99', '80', '81']);

export function describeReturnCode(code: string): string {
  return `GMC return code ${code}: ${RETURN_CODE_MEANINGS[code] ?? 'unknown return code'}`;
}
