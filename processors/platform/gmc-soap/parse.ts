// Turns the object the soap package makes of a GetDoctorsForDBResponse into normalised
// doctors. ASP.NET omits empty elements, sends one doctor as a lone element rather than a
// list, writes dates as dd/MM/yyyy and UnderNotice as words: all of that ends here. Bad
// data in one doctor costs that field (null plus a warning), never the doctor or the run;
// an answer whose shape is wrong throws MalformedResponseError, which fails the body.
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
 * Copies and shares the strings kept from one answer. The soap package hands out slices of
 * the whole response text, and V8 keeps the parent of a slice alive: one kept "Not Under
 * Notice" would hold a 7 MB answer in memory for as long as the doctor lives. Repeated
 * values (statuses, dates, common names) then share one copy.
 */
function stringPool(): (value: string | null) => string | null {
  const pool = new Map<string, string>();
  return (value) => {
    if (value === null) return null;
    let kept = pool.get(value);
    if (kept === undefined) {
      kept = Buffer.from(value, 'utf8').toString('utf8');
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

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
}

export function isoDateFromGmc(value: string | null): string | null | undefined {
  if (value === null) return null;
  const match = DMY.exec(value);
  if (!match) return undefined;
  const [, day, month, year] = match;
  const iso = `${year}-${month}-${day}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  // Date rolls 31/02 over to March: reading the date back catches impossible days.
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : undefined;
}

function readDoctor(
  entry: XmlObject,
  warnings: string[],
  keep: ReturnType<typeof stringPool>,
): GmcDoctor | null {
  const field = (name: string) => keep(text(entry[name]));
  const gmcReferenceNumber = field('GMCReferenceNumber');
  if (gmcReferenceNumber === null) {
    warnings.push('a doctor without GMCReferenceNumber was skipped');
    return null;
  }
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
