// Turns the object the soap package makes of a GetDoctorsForDBResponse into normalised
// doctors. ASP.NET omits empty elements, sends one doctor as a lone element rather than a
// list, writes dates as dd/MM/yyyy and UnderNotice as words: all of that ends here. Bad
// data in one doctor costs that field (null plus a warning), never the doctor or the run;
// an answer whose shape is wrong throws MalformedResponseError, which fails the body.
import { gmcNumberOf, gmcNumberRefusal } from '../../rules/identity';
import { countInvalidGmcNumber } from '../metrics';
import type { GmcDoctor, UnderNotice } from './types';

export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}

export interface DoctorsForDbAnswer {
  returnCode: string;
  clientRequestId: string | null;
  gmcRequestId: string | null;
  doctors: GmcDoctor[];
  warnings: string[];
}

type XmlObject = Record<string, unknown>;

const DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/;

const UNDER_NOTICE: Readonly<Record<string, UnderNotice>> = {
  yes: 'YES',
  no: 'NO',
  'on hold': 'ON_HOLD',
};

function isObject(value: unknown): value is XmlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * V8 makes a substring of 13 or more characters a slice that keeps its parent alive, and
 * the soap package hands out substrings of the whole response text: one kept "Not Under
 * Notice" would hold a 7 MB answer in memory for as long as the doctor lives. Shorter
 * substrings are copies already.
 */
const SLICED_FROM_LENGTH = 13;

function detached(value: string): string {
  return value.length < SLICED_FROM_LENGTH ? value : Buffer.from(value, 'utf8').toString('utf8');
}

/** Detaches the strings kept from one answer and makes repeated values share one copy. */
function stringPool(): (value: string | null) => string | null {
  const pool = new Map<string, string>();
  return (value) => {
    if (value === null) return null;
    let kept = pool.get(value);
    if (kept === undefined) {
      kept = detached(value);
      pool.set(kept, kept);
    }
    return kept;
  };
}

/** Element text, trimmed; null for absent, nil or empty elements. */
function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') {
    const trimmed = String(value).trim();
    return trimmed === '' ? null : trimmed;
  }
  // An element that carries attributes arrives as { attributes, $value }.
  if (isObject(value) && '$value' in value) return text(value.$value);
  return null;
}

/** Element text exactly as sent; null for absent or nil elements. */
function untrimmedText(value: unknown): string | null {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (isObject(value) && '$value' in value) return untrimmedText(value.$value);
  return null;
}

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(month: number, year: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** dd/MM/yyyy to YYYY-MM-DD; null for no value, undefined for a value that is no date. */
export function isoDateFromGmc(value: string | null): string | null | undefined {
  if (value === null) return null;
  const match = DMY.exec(value);
  if (!match) return undefined;
  const [, day, month, year] = match;
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysIn(m, Number(year))) return undefined;
  return `${year}-${month}-${day}`;
}

function readDoctor(
  entry: XmlObject,
  warnings: string[],
  keep: ReturnType<typeof stringPool>,
): GmcDoctor | null {
  const field = (name: string) => keep(text(entry[name]));
  // The identity function, not text(): trim() would strip a non-breaking space, which must
  // refuse the number (docs/rules.md §3).
  const rawNumber = untrimmedText(entry.GMCReferenceNumber);
  const verdict = gmcNumberOf(rawNumber);
  if (!verdict.ok) {
    warnings.push(
      verdict.error === 'missing'
        ? 'a doctor without GMCReferenceNumber was skipped'
        : `a doctor was skipped: ${gmcNumberRefusal('GMCReferenceNumber', rawNumber, verdict.error)}`,
    );
    countInvalidGmcNumber('gmc-fetch', 'GetDoctorsForDB', verdict.error);
    return null;
  }
  // Unique per doctor: detached, not pooled.
  const gmcReferenceNumber = detached(verdict.value);
  const date = (name: 'SubmissionDate' | 'DateAdded'): string | null => {
    const raw = text(entry[name]);
    const iso = isoDateFromGmc(raw);
    if (iso !== undefined) return keep(iso);
    warnings.push(
      `doctor ${gmcReferenceNumber}: ${name} ${shown(raw ?? '')} is not a valid dd/MM/yyyy date; kept as null`,
    );
    return null;
  };
  // Read in field order, so warnings come out in the order of the XML.
  const submissionDate = date('SubmissionDate');
  const dateAdded = date('DateAdded');
  const rawUnderNotice = text(entry.UnderNotice);
  let underNotice: UnderNotice | null = null;
  if (rawUnderNotice !== null) {
    underNotice = UNDER_NOTICE[rawUnderNotice.toLowerCase().replace(/\s+/g, ' ')] ?? null;
    if (underNotice === null) {
      warnings.push(
        `doctor ${gmcReferenceNumber}: UnderNotice ${shown(rawUnderNotice)} is not Yes, No or On Hold; kept as null`,
      );
    }
  }
  return {
    gmcReferenceNumber,
    doctorFirstName: field('DoctorFirstName'),
    doctorLastName: field('DoctorLastName'),
    submissionDate,
    dateAdded,
    underNotice,
    doctorStatus: field('DoctorStatus'),
    breach: field('Breach'),
    investigation: field('Investigation'),
    preliminaryInvestigation: field('PreliminaryInvestigation'),
    sanction: field('Sanction'),
  };
}

function doctorEntries(doctors: unknown): unknown[] {
  // <Doctors/> and a missing <Doctors> both mean an empty list.
  if (doctors === undefined || doctors === null || doctors === '') return [];
  if (!isObject(doctors)) throw new MalformedResponseError('Doctors is not an element list');
  const entries = doctors.GetDoctorsForDBResponse_Doctor;
  if (entries === undefined || entries === null) return [];
  return Array.isArray(entries) ? entries : [entries];
}

/** Reads the soap client's output object: `{ GetDoctorsForDBResult: {...} }`. */
export function readDoctorsForDbResult(output: unknown): DoctorsForDbAnswer {
  const result = isObject(output) ? output.GetDoctorsForDBResult : undefined;
  if (!isObject(result)) {
    throw new MalformedResponseError('the answer holds no GetDoctorsForDBResult');
  }
  const returnCode = text(result.ReturnCode);
  if (returnCode === null) throw new MalformedResponseError('the answer holds no ReturnCode');
  const warnings: string[] = [];
  const keep = stringPool();
  const byNumber = new Map<string, GmcDoctor>();
  for (const entry of doctorEntries(result.Doctors)) {
    if (!isObject(entry)) {
      if (entry !== null) warnings.push('a doctor entry that is not an element was skipped');
      continue;
    }
    const doctor = readDoctor(entry, warnings, keep);
    if (!doctor) continue;
    if (byNumber.has(doctor.gmcReferenceNumber)) {
      warnings.push(`doctor ${doctor.gmcReferenceNumber} is listed twice; the last entry is kept`);
    }
    byNumber.set(doctor.gmcReferenceNumber, doctor);
  }
  return {
    returnCode,
    clientRequestId: keep(text(result.ClientRequestID)),
    gmcRequestId: keep(text(result.GMCRequestID)),
    doctors: [...byNumber.values()],
    warnings,
  };
}
