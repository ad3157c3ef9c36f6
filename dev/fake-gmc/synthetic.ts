// Deterministic synthetic doctors for the fake GMC: the same seed, body and index always
// give the same doctor, so tests and benchmarks can predict every list. Values are kept
// in GMC's wire form (dd/MM/yyyy, "On Hold") and include names that need XML escaping or
// are not ASCII, because real lists do.

/** One doctor as GMC's web service spells the fields. */
export interface GmcWireDoctor {
  GMCReferenceNumber: string;
  DoctorFirstName?: string;
  DoctorLastName?: string;
  SubmissionDate?: string;
  DoctorStatus?: string;
  Breach?: string;
  DateAdded?: string;
  UnderNotice?: string;
  Investigation?: string;
  PreliminaryInvestigation?: string;
  Sanction?: string;
}

const FIRST_NAMES = [
  'Amelia',
  'Oluwaseun',
  'Zoë',
  'Siân',
  'Mohammed',
  'Chloé',
  'Aoife',
  'Rhys',
  'Priya',
  'Łukasz',
  'Nguyễn',
  'Grace',
];
const LAST_NAMES = [
  "O'Brien",
  'Smith',
  'Müller',
  'Patel',
  'Ødegaard',
  'Jones & Co',
  'Nowak',
  'Evans',
  'Ahmed',
  'Søndergaard',
  'Williams',
  '<Taylor>',
];
const UNDER_NOTICE = ['No', 'No', 'No', 'Yes', 'On Hold'];
const STATUSES = ['Under Review', 'Not Under Notice', 'Submitted'];

/** mulberry32: tiny, fast, good enough to make varied data reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

function wireDate(random: () => number, fromYear: number, years: number): string {
  const day = new Date(Date.UTC(fromYear, 0, 1) + Math.floor(random() * years * 365) * 86_400_000);
  const dd = String(day.getUTCDate()).padStart(2, '0');
  const mm = String(day.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}/${mm}/${day.getUTCFullYear()}`;
}

/**
 * GMC numbers are 7 digits. Each body gets its own block of numbers, so doctors are
 * unique across bodies until a test moves them.
 */
export function syntheticGmcNumber(bodyIndex: number, doctorIndex: number): string {
  return String(1_000_000 + bodyIndex * 100_000 + doctorIndex);
}

export function syntheticDoctor(
  seed: number,
  bodyIndex: number,
  doctorIndex: number,
): GmcWireDoctor {
  const random = seededRandom((seed * 1_000_003 + bodyIndex * 100_003 + doctorIndex) >>> 0);
  return {
    GMCReferenceNumber: syntheticGmcNumber(bodyIndex, doctorIndex),
    DoctorFirstName: pick(random, FIRST_NAMES),
    DoctorLastName: pick(random, LAST_NAMES),
    SubmissionDate: wireDate(random, 2025, 5),
    DoctorStatus: pick(random, STATUSES),
    Breach: 'No',
    DateAdded: wireDate(random, 2015, 10),
    UnderNotice: pick(random, UNDER_NOTICE),
    Investigation: 'No',
    PreliminaryInvestigation: 'No',
    Sanction: random() < 0.02 ? 'Yes' : 'No',
  };
}

export function syntheticList(seed: number, bodyIndex: number, count: number): GmcWireDoctor[] {
  return Array.from({ length: count }, (_, i) => syntheticDoctor(seed, bodyIndex, i));
}
