// Issue 11, "Tests with the readers' own queries": the requests today's readers send (the TIS
// revalidation connection and recommendation services, rebuilt in
// test/support/legacy-reader-queries.ts from their code) run unchanged against the es-sink's
// legacy projection on the stack's real Elasticsearch. Each must execute, sort as asked,
// return exactly the doctors the project's fields say it should (computed here from the
// fixtures by a plain model of what each screen lists), and every hit must read back into
// the reader's Java entity (test/support/legacy-reader-entities.ts).
import { errors } from '@elastic/elasticsearch';
import type { ConnectionRecord } from '../../processors/es-sink/doctor-document';
import { elasticsearchConfig } from '../../processors/platform/config';
import { createElasticsearchClient } from '../../processors/platform/elasticsearch';
import { describeWithServices } from '../harness/endpoints';
import { readEntity } from '../support/legacy-reader-entities';
import {
  autocompleteRequest,
  autocompleteValues,
  currentConnectionsRequest,
  DEFAULT_DESIGNATED_BODIES,
  discrepanciesRequest,
  doctorsRequest,
  hiddenDiscrepanciesRequest,
  type ConnectionListParams,
  type DiscrepancyListParams,
  type DoctorsParams,
  type HiddenDiscrepancyListParams,
  type Json,
  type LegacyIndexNames,
  type ReaderEntity,
  type ReaderRequest,
  type SortOrder,
} from '../support/legacy-reader-queries';
import { doctor, eventually, EsSinkHarness } from './es-sink-harness';

// ---------------------------------------------------------------------------------------
// The population: 18 doctors as the connections processor would emit them.
// ---------------------------------------------------------------------------------------

const HJ = '1-AIIDHJ';
const MQ = '1-AIIDMQ';
const NQ = '1-AIIDNQ';
const WT = '1-AIIDWT';
const ANN = 'ann.admin@hee.nhs.uk';
const BOB = 'bob.admin@hee.nhs.uk';
const BY_GMC = 'Updated by GMC';
const CST = 'Core Surgical Training';
const CMT = 'Core Medical Training';
const GP = 'General Practice';
const PAEDS = 'Paediatrics';
const ANAES = 'Anaesthetics';
const OWNERS: Record<string, string> = {
  [HJ]: 'NHSE Education North Central and East London',
  [MQ]: 'NHSE Education South London',
  [NQ]: 'NHSE Education North West London',
  [WT]: 'NHSE Education Kent, Surrey and Sussex',
};

/** A record with every reader field present, as the processor writes them since schema v2. */
type Doctor = ConnectionRecord &
  Required<
    Pick<
      ConnectionRecord,
      | 'tisStatus'
      | 'lastUpdatedDate'
      | 'gmcStatus'
      | 'updatedBy'
      | 'lastConnectionDateTime'
      | 'hiddenDiscrepancies'
    >
  >;

/** docs/rules.md §4.6, from the two designated bodies. */
function discrepancyOf(tis: string | null, gmc: string | null): ConnectionRecord['discrepancy'] {
  if (tis !== null && gmc === null) return 'READY_FOR_CONNECTION';
  if (tis === null && gmc !== null) return 'READY_FOR_DISCONNECTION';
  if (tis !== null && gmc !== null && tis !== gmc) return 'DESIGNATED_BODY_MISMATCH';
  return null;
}

/**
 * One doctor. The verdicts follow from the two bodies the way the rules derive them: a TIS
 * body only for a CONNECTED doctor (§4.4), existsInGmc exactly when GMC lists a body, the
 * discrepancy from the pair (§4.6).
 */
function member(
  gmc: string,
  fields: Partial<Doctor> & {
    designatedBody: string | null;
    tcsDesignatedBody: string | null;
  },
): Doctor {
  const { designatedBody, tcsDesignatedBody } = fields;
  const connected = tcsDesignatedBody !== null;
  return {
    ...doctor(gmc, 1),
    programmeOwner: OWNERS[tcsDesignatedBody ?? designatedBody ?? ''] ?? null,
    placementGrades: [],
    existsInGmc: designatedBody !== null,
    connectionStatus: connected ? 'CONNECTED' : 'DISCONNECTED',
    connectionReason: connected ? null : 'PROGRAMME_ENDED',
    discrepancy: discrepancyOf(tcsDesignatedBody, designatedBody),
    curriculumEndDate: fields.membershipEndDate ?? '2027-08-05',
    tisStatus: null,
    lastUpdatedDate: null,
    gmcStatus: null,
    updatedBy: null,
    lastConnectionDateTime: null,
    hiddenDiscrepancies: [],
    sources: [
      'tis',
      'gmc',
      'doctorsForDB',
      'connectionLogs',
      'hiddenDiscrepancy',
      'recommendation',
    ],
    ...fields,
  };
}

function hidden(
  gmcId: string,
  code: string,
  hiddenBy: string,
  hiddenUntilDate: string | null,
): Doctor['hiddenDiscrepancies'][number] {
  return {
    id: `65a0${gmcId}${code.slice(-2).toLowerCase()}`,
    gmcId,
    hiddenForDesignatedBodyCode: code,
    hiddenBy,
    reason: 'Awaiting the new rotation',
    hiddenDateTime: '2026-04-02T14:05:06.789Z',
    hiddenUntilDate,
  };
}

// Each doctor's fields are grouped a line per theme: names and GMC body; TIS body, type,
// grades, programme; GMC's notice and submission; the membership; the revalidation
// statuses; the admin and the connection log.
const population: Doctor[] = [
  member('7100001', {
    ...{ doctorFirstName: 'Ada', doctorLastName: 'Lovelace', designatedBody: HJ },
    ...{ tcsDesignatedBody: HJ, placementGrades: ['280'], programmeName: CST },
    ...{ underNotice: 'YES', submissionDate: '2027-01-15' },
    ...{ membershipStartDate: '2025-08-06', membershipEndDate: '2027-08-05' },
    ...{ tisStatus: 'READY_TO_REVIEW', lastUpdatedDate: '2026-11-02', gmcStatus: 'Approved' },
    ...{ admin: ANN, updatedBy: ANN, lastConnectionDateTime: '2026-03-10T09:30:00.000Z' },
  }),
  member('7100002', {
    ...{ doctorFirstName: 'Mary', doctorLastName: 'Seacole', designatedBody: MQ },
    ...{ tcsDesignatedBody: MQ, programmeName: GP, underNotice: 'YES' },
    ...{ submissionDate: '2027-02-20', membershipStartDate: '2024-08-07' },
    ...{ membershipEndDate: '2027-08-04', tisStatus: 'NOT_STARTED' },
    ...{ lastUpdatedDate: '2026-10-15', gmcStatus: 'Under Review', admin: BOB },
    // Half a second after the reader's 23:59:59.000 upper bound for that day.
    ...{ updatedBy: BY_GMC, lastConnectionDateTime: '2026-03-10T23:59:59.500Z' },
  }),
  member('7100003', {
    ...{ doctorFirstName: 'Florence', doctorLastName: 'Nightingale', designatedBody: HJ },
    ...{ tcsDesignatedBody: HJ, membershipType: 'MILITARY', programmeName: CST },
    ...{ underNotice: 'YES', submissionDate: '2027-03-01' },
    ...{ membershipStartDate: '2025-02-01', membershipEndDate: '2028-01-31' },
    ...{ tisStatus: 'READY_TO_SUBMIT', lastUpdatedDate: '2026-09-01', gmcStatus: 'Approved' },
    ...{ admin: ANN, updatedBy: ANN, lastConnectionDateTime: '2026-02-01T12:00:00.000Z' },
  }),
  member('7100004', {
    ...{ doctorFirstName: 'Elizabeth', doctorLastName: 'Garrett Anderson', designatedBody: HJ },
    ...{ tcsDesignatedBody: HJ, placementGrades: ['279', '281'], programmeName: GP },
    ...{ underNotice: 'NO', submissionDate: '2027-04-30' },
    ...{ membershipStartDate: '2025-08-06', membershipEndDate: '2028-08-01' },
    ...{ tisStatus: 'STARTED', lastUpdatedDate: '2026-08-20', gmcStatus: 'Rejected' },
    ...{ admin: BOB, updatedBy: BOB, lastConnectionDateTime: '2026-01-15T08:00:00.000Z' },
  }),
  member('7100005', {
    ...{ doctorFirstName: 'Edward', doctorLastName: 'Jenner', designatedBody: HJ },
    ...{ tcsDesignatedBody: MQ, membershipType: 'LAT', programmeName: PAEDS },
    ...{ underNotice: 'YES', submissionDate: '2027-05-10' },
    ...{ membershipStartDate: '2025-09-01', membershipEndDate: '2027-08-31' },
    ...{ tisStatus: 'DRAFT', lastUpdatedDate: '2026-07-07', gmcStatus: 'Under Review' },
    ...{ admin: ANN, updatedBy: BY_GMC, lastConnectionDateTime: '2026-04-01T00:00:00.000Z' },
    hiddenDiscrepancies: [hidden('7100005', HJ, ANN, '2026-12-31')],
  }),
  member('7100006', {
    ...{ doctorFirstName: 'John', doctorLastName: 'Snow', designatedBody: HJ },
    ...{ tcsDesignatedBody: null, exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'] },
    ...{ programmeName: CMT, underNotice: 'NO', submissionDate: '2026-12-01' },
    ...{ membershipStartDate: '2023-08-02', membershipEndDate: '2025-08-01' },
    ...{ tisStatus: 'COMPLETED', lastUpdatedDate: '2026-06-30' },
    ...{ admin: null, updatedBy: BOB, lastConnectionDateTime: '2025-07-31T16:45:10.250Z' },
  }),
  // Connected in TIS, not in GMC: no GMC fields, nothing from the revalidation services.
  member('7100007', {
    ...{ doctorFirstName: 'Joseph', doctorLastName: 'Lister', designatedBody: null },
    ...{ tcsDesignatedBody: MQ, programmeName: GP, underNotice: null, submissionDate: null },
    ...{ membershipStartDate: '2025-08-06', membershipEndDate: '2027-08-05' },
  }),
  member('7100008', {
    ...{ doctorFirstName: 'Rosalind', doctorLastName: 'Franklin', designatedBody: MQ },
    ...{ tcsDesignatedBody: null, membershipType: 'FTSTA', programmeName: PAEDS },
    ...{ underNotice: 'YES', submissionDate: '2027-06-30' },
    ...{ membershipStartDate: '2024-02-01', membershipEndDate: '2026-01-31' },
    ...{ tisStatus: 'READY_TO_REVIEW', lastUpdatedDate: '2026-05-05', gmcStatus: 'Approved' },
    ...{ admin: ANN, updatedBy: ANN, lastConnectionDateTime: '2026-05-05T10:00:00.000Z' },
    hiddenDiscrepancies: [hidden('7100008', NQ, BOB, null)],
  }),
  member('7100009', {
    ...{ doctorFirstName: 'William', doctorLastName: 'Harvey', designatedBody: WT },
    ...{ tcsDesignatedBody: WT, programmeName: CST, underNotice: 'YES' },
    ...{ submissionDate: '2027-01-20', membershipStartDate: '2025-08-06' },
    ...{ membershipEndDate: '2027-08-05', tisStatus: 'NOT_STARTED', gmcStatus: 'Approved' },
    ...{ admin: ANN, updatedBy: ANN, lastConnectionDateTime: '2026-03-10T10:00:00.000Z' },
  }),
  member('7100010', {
    ...{ doctorFirstName: 'Alexander', doctorLastName: 'Fleming', designatedBody: MQ },
    ...{ tcsDesignatedBody: MQ, programmeName: ANAES, underNotice: 'NO' },
    ...{ submissionDate: '2027-07-07', membershipStartDate: '2025-08-06' },
    ...{ membershipEndDate: '2028-08-01', tisStatus: 'DRAFT', gmcStatus: 'Rejected' },
    ...{ admin: null, updatedBy: BOB, lastConnectionDateTime: '2026-03-11T00:00:00.000Z' },
  }),
  member('7100011', {
    ...{ doctorFirstName: 'Dorothy', doctorLastName: 'Hodgkin', designatedBody: HJ },
    ...{ tcsDesignatedBody: HJ, membershipType: 'ACADEMIC', programmeName: CMT },
    ...{ underNotice: 'ON_HOLD', submissionDate: '2027-02-20' },
    ...{ membershipStartDate: '2025-10-01', membershipEndDate: '2027-09-30' },
    ...{ tisStatus: 'COMPLETED', lastUpdatedDate: '2026-10-01', gmcStatus: null },
    ...{ admin: ANN, updatedBy: BY_GMC, lastConnectionDateTime: '2026-03-09T23:59:59.999Z' },
  }),
  member('7100012', {
    ...{ doctorFirstName: 'James', doctorLastName: 'Barry', designatedBody: HJ },
    ...{ tcsDesignatedBody: MQ, membershipType: 'MILITARY', programmeName: CST },
    ...{ underNotice: 'YES', submissionDate: '2027-03-15' },
    ...{ membershipStartDate: '2025-03-01', membershipEndDate: '2027-12-31' },
    ...{ tisStatus: 'READY_TO_SUBMIT', lastUpdatedDate: '2026-09-09', gmcStatus: 'Approved' },
    ...{ admin: BOB, updatedBy: ANN, lastConnectionDateTime: '2026-02-14T09:00:00.000Z' },
    hiddenDiscrepancies: [hidden('7100012', HJ, BOB, null)],
  }),
  // Hidden for MQ once, but no discrepancy any more: not in `discrepancies` at all.
  member('7100013', {
    ...{ doctorFirstName: 'Elsie', doctorLastName: 'Inglis', designatedBody: MQ },
    ...{ tcsDesignatedBody: MQ, programmeName: GP, underNotice: 'YES' },
    ...{ submissionDate: '2027-08-01', membershipStartDate: '2025-08-06' },
    ...{ membershipEndDate: '2027-08-05', tisStatus: 'NOT_STARTED' },
    ...{ lastUpdatedDate: '2026-06-01', gmcStatus: 'Under Review', admin: BOB },
    ...{ updatedBy: BOB, lastConnectionDateTime: '2026-06-01T12:30:00.000Z' },
    hiddenDiscrepancies: [hidden('7100013', MQ, BOB, '2027-01-31')],
  }),
  member('7100014', {
    ...{ doctorFirstName: 'Mary', doctorLastName: 'Somerville', designatedBody: NQ },
    ...{ tcsDesignatedBody: NQ, programmeName: CMT, underNotice: 'YES' },
    ...{ submissionDate: '2027-01-31', membershipStartDate: '2025-08-06' },
    ...{ membershipEndDate: '2027-08-05', tisStatus: 'NOT_STARTED', gmcStatus: 'Approved' },
    ...{ admin: ANN, updatedBy: ANN, lastConnectionDateTime: '2026-03-10T11:00:00.000Z' },
  }),
  // No first name, no submission date, never connected through the log.
  member('7100015', {
    ...{ doctorFirstName: null, doctorLastName: 'Blackwell', designatedBody: HJ },
    ...{ tcsDesignatedBody: HJ, programmeName: ANAES, underNotice: 'YES' },
    ...{ submissionDate: null, membershipStartDate: '2025-08-06' },
    ...{ membershipEndDate: '2027-08-05', tisStatus: 'NOT_STARTED' },
  }),
  member('7100016', {
    ...{ doctorFirstName: 'Henry', doctorLastName: 'Gray', designatedBody: HJ },
    ...{ tcsDesignatedBody: null, placementGrades: ['279'], programmeName: PAEDS },
    ...{ underNotice: 'NO', submissionDate: '2027-09-09' },
    ...{ membershipStartDate: '2024-08-07', membershipEndDate: '2026-08-06' },
    ...{ tisStatus: 'STARTED', lastUpdatedDate: '2026-04-04', gmcStatus: 'Under Review' },
    ...{ admin: ANN, updatedBy: ANN, lastConnectionDateTime: '2026-02-28T18:00:00.000Z' },
  }),
  member('7100017', {
    ...{ doctorFirstName: 'Thomas', doctorLastName: 'Addison', designatedBody: MQ },
    ...{ tcsDesignatedBody: HJ, programmeName: GP, underNotice: 'NO' },
    ...{ submissionDate: '2027-10-10', membershipStartDate: '2025-08-06' },
    ...{ membershipEndDate: '2027-08-05', tisStatus: 'READY_TO_REVIEW' },
    ...{ lastUpdatedDate: '2026-03-03', gmcStatus: 'Approved', admin: BOB },
    ...{ updatedBy: BOB, lastConnectionDateTime: '2026-03-10T00:00:00.000Z' },
  }),
  member('7100018', {
    ...{ doctorFirstName: 'Sophia', doctorLastName: 'Jex-Blake', designatedBody: null },
    ...{ tcsDesignatedBody: HJ, programmeName: GP, underNotice: null, submissionDate: null },
    ...{ membershipStartDate: '2025-08-06', membershipEndDate: '2027-08-05' },
  }),
];

const byGmc = new Map(population.map((d) => [d.gmcReferenceNumber, d]));
const gmcOf = (doctors: Doctor[]) => doctors.map((d) => d.gmcReferenceNumber).sort();

// ---------------------------------------------------------------------------------------
// What each screen lists, in plain terms, from the fixtures (the expected answers).
// ---------------------------------------------------------------------------------------

/** The words of a text as the old index's standard analyser saw them (ASCII names here). */
function words(text: string | null | undefined): string[] {
  return (text ?? '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w !== '');
}

function containsPhrase(text: string | null, phrase: string): boolean {
  const [haystack, needle] = [words(text), words(phrase)];
  return haystack.some((_, i) => needle.every((w, j) => haystack[i + j] === w));
}

/** Phrase with the last word a prefix (match_phrase_prefix). */
function containsPhrasePrefix(text: string | null, input: string): boolean {
  const [haystack, needle] = [words(text), words(input)];
  const last = needle.length - 1;
  return haystack.some((_, i) =>
    needle.every((w, j) =>
      j === last ? (haystack[i + j] ?? '').startsWith(w) : haystack[i + j] === w,
    ),
  );
}

/** The search box: the start of a word of either name, or of the GMC number. */
function matchesSearch(d: Doctor, text: string | undefined): boolean {
  const t = (text ?? '').toLowerCase();
  if (t === '') return true;
  const names = [...words(d.doctorFirstName), ...words(d.doctorLastName)];
  return names.some((w) => w.startsWith(t)) || d.gmcReferenceNumber.startsWith(t);
}

const inBodies = (code: string | null, codes: string[]) => code !== null && codes.includes(code);

/** The connection lists never show military doctors or doctors in grade 279. */
const shownOnConnectionLists = (d: Doctor) =>
  d.membershipType !== 'MILITARY' && !d.placementGrades.includes('279');

/** An inclusive range of yyyy-MM-dd (or zone-less date-time) strings; unset ends are open. */
function within(value: string | null, from?: string, to?: string): boolean {
  if (from === undefined && to === undefined) return true;
  if (value === null) return false;
  return (from === undefined || value >= from) && (to === undefined || value <= to);
}

/** The old services' LocalDateTime: UTC wall-clock time, milliseconds, no zone. */
function utcLocal(instant: string | null | undefined): string | null {
  return instant ? new Date(instant).toISOString().slice(0, 23) : null;
}

/**
 * The connection filter's day bounds are the reader's own: from <day>T00:00:00.000 to
 * <day>T23:59:59.000 (EsQueryUtils), so the last 999 ms of the last day are outside.
 */
function withinConnectionDays(d: Doctor, from?: string, to?: string): boolean {
  return within(
    utcLocal(d.lastConnectionDateTime),
    from && `${from}T00:00:00.000`,
    to && `${to}T23:59:59.000`,
  );
}

function listFilters(d: Doctor, p: ConnectionListParams): boolean {
  return (
    (!p.programmeName || containsPhrase(d.programmeName, p.programmeName)) &&
    matchesSearch(d, p.searchQuery) &&
    within(d.membershipEndDate, p.membershipEndDateFrom, p.membershipEndDateTo) &&
    within(d.submissionDate, p.submissionDateFrom, p.submissionDateTo) &&
    withinConnectionDays(d, p.lastConnectionDateTimeFrom, p.lastConnectionDateTimeTo) &&
    (!p.updatedBy || d.updatedBy === p.updatedBy)
  );
}

const hiddenFor = (d: Doctor, codes: string[]) =>
  d.hiddenDiscrepancies.some((h) => inBodies(h.hiddenForDesignatedBodyCode, codes));

/** C1: doctors GMC lists under one of the user's bodies (all bodies when none are sent). */
const currentConnections = (p: ConnectionListParams) =>
  population.filter(
    (d) =>
      d.existsInGmc &&
      shownOnConnectionLists(d) &&
      (p.dbcs.length === 0 || inBodies(d.designatedBody, p.dbcs)) &&
      listFilters(d, p),
  );

/** C2: discrepancies in the user's GMC or TIS bodies, minus those hidden for any of them. */
const discrepancies = (p: DiscrepancyListParams) =>
  population.filter(
    (d) =>
      d.discrepancy !== null &&
      shownOnConnectionLists(d) &&
      (inBodies(d.designatedBody, p.dbcs) ||
        inBodies(d.tcsDesignatedBody, p.tisDesignatedBodies)) &&
      listFilters(d, p) &&
      !hiddenFor(d, [...p.dbcs, ...p.tisDesignatedBodies]),
  );

/** C3: discrepancies hidden for one of the user's bodies. */
const hiddenDiscrepancies = (p: HiddenDiscrepancyListParams) =>
  population.filter(
    (d) =>
      d.discrepancy !== null &&
      shownOnConnectionLists(d) &&
      matchesSearch(d, p.searchQuery) &&
      (!p.programmeName || containsPhrase(d.programmeName, p.programmeName)) &&
      hiddenFor(d, p.dbcs),
  );

/** A comma-joined choice from the UI; empty means any value, none included. */
function oneOf(value: string | null, choice: string | undefined): boolean {
  if (!choice) return true;
  return choice.split(',').some((option) => option.trim() === value);
}

/** R1/R2: doctors GMC lists under the chosen bodies (R1: under notice only). */
const doctors = (p: DoctorsParams) =>
  population.filter(
    (d) =>
      d.existsInGmc &&
      inBodies(d.designatedBody, p.dbcs?.length ? p.dbcs : DEFAULT_DESIGNATED_BODIES) &&
      (!p.underNotice || d.underNotice === 'YES') &&
      matchesSearch(d, p.searchQuery) &&
      (!p.programmeName || containsPhrase(d.programmeName, p.programmeName)) &&
      oneOf(d.gmcStatus, p.gmcStatus) &&
      oneOf(d.tisStatus, p.tisStatus) &&
      (!p.admin || d.admin === p.admin),
  );

/** R3: programme names of doctors under notice in the user's bodies, by phrase prefix. */
const programmeSuggestions = (input: string, dbcs: string[]) => [
  ...new Set(
    population
      .filter(
        (d) =>
          d.underNotice === 'YES' &&
          inBodies(d.designatedBody, dbcs) &&
          containsPhrasePrefix(d.programmeName, input),
      )
      .map((d) => d.programmeName as string),
  ),
];

// ---------------------------------------------------------------------------------------
// How Elasticsearch orders them: a text field with fielddata sorts by its smallest term
// ascending and its largest descending; a missing value is last in both directions.
// ---------------------------------------------------------------------------------------

const FIELDDATA_TEXT = ['gmcReferenceNumber', 'doctorFirstName', 'doctorLastName', 'programmeName'];

function sortValue(d: Doctor, { field, order }: SortOrder): string | null {
  const record = d as unknown as Record<string, string | null>;
  if (field.endsWith('.keyword')) return record[field.slice(0, -'.keyword'.length)] ?? null;
  if (FIELDDATA_TEXT.includes(field)) {
    const terms = words(record[field]).sort();
    return terms.length === 0 ? null : order === 'asc' ? terms[0] : terms[terms.length - 1];
  }
  if (field === 'lastConnectionDateTime') return utcLocal(d.lastConnectionDateTime);
  return record[field] ?? null; // yyyy-MM-dd dates compare as text
}

function compareBy(sort: SortOrder[]) {
  return (a: (string | null)[], b: (string | null)[]): number => {
    for (const [i, { order }] of sort.entries()) {
      const [x, y] = [a[i], b[i]];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * (order === 'asc' ? 1 : -1);
    }
    return 0;
  };
}

// ---------------------------------------------------------------------------------------
// What the reader's entity holds for a doctor, from the fixture.
// ---------------------------------------------------------------------------------------

function readerSees(entity: ReaderEntity, d: Doctor): Json {
  const names = {
    id: d.gmcReferenceNumber,
    tcsPersonId: d.tcsPersonId,
    gmcReferenceNumber: d.gmcReferenceNumber,
    doctorFirstName: d.doctorFirstName,
    doctorLastName: d.doctorLastName,
    submissionDate: d.submissionDate,
    programmeName: d.programmeName,
    membershipType: d.membershipType,
    designatedBody: d.designatedBody,
  };
  if (entity === 'RecommendationView') {
    return {
      ...names,
      gmcStatus: d.gmcStatus,
      tisStatus: d.tisStatus,
      curriculumEndDate: d.curriculumEndDate,
      admin: d.admin,
      lastUpdatedDate: d.lastUpdatedDate,
      underNotice: d.underNotice,
      existsInGmc: d.existsInGmc,
    };
  }
  const connection = {
    ...names,
    tcsDesignatedBody: d.tcsDesignatedBody,
    programmeOwner: d.programmeOwner,
    membershipStartDate: d.membershipStartDate,
    membershipEndDate: d.membershipEndDate,
    // legacy-document.ts: the reasons joined, a single String as the readers declare it.
    exceptionReason: d.exceptionReasons.length > 0 ? d.exceptionReasons.join(', ') : null,
    updatedBy: d.updatedBy,
    lastConnectionDateTime: utcLocal(d.lastConnectionDateTime),
  };
  if (entity === 'CurrentConnectionsView') return connection;
  return {
    ...connection,
    hiddenDiscrepancies: d.hiddenDiscrepancies.map((h) => ({
      id: h.id,
      gmcId: h.gmcId,
      currentDesignatedBodyCode: null,
      programmeOwnerDesignatedBodyCode: null,
      hiddenForDesignatedBodyCode: h.hiddenForDesignatedBodyCode,
      hiddenBy: h.hiddenBy,
      reason: h.reason,
      hiddenDateTime: utcLocal(h.hiddenDateTime),
      hiddenUntilDate: h.hiddenUntilDate,
    })),
  };
}

// ---------------------------------------------------------------------------------------

interface Hit {
  _id: string;
  _source: Json;
  _version?: number;
  sort?: unknown[];
}
interface SearchAnswer {
  hits: { total: { value: number; relation: string }; hits: Hit[] };
}

describeWithServices("legacy readers' own queries", () => {
  let h: EsSinkHarness;
  let names: LegacyIndexNames;
  const client = createElasticsearchClient(elasticsearchConfig());
  /** Elasticsearch's deprecation warnings, by reader (the 7.x clients would log them). */
  const warnings = new Map<string, Set<string>>();

  /** Sends the request as the reader's client does; any non-2xx fails with both sides shown. */
  async function run(request: ReaderRequest): Promise<SearchAnswer> {
    try {
      const response = await client.transport.request<SearchAnswer>(
        {
          method: 'POST',
          path: `/${encodeURIComponent(request.index)}/_search`,
          querystring: request.querystring,
          body: JSON.stringify(request.body),
        },
        {
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          meta: true,
        },
      );
      for (const warning of response.warnings ?? []) {
        const message = /"(.*)"/.exec(warning)?.[1] ?? warning;
        warnings.set(request.reader, (warnings.get(request.reader) ?? new Set()).add(message));
      }
      return response.body;
    } catch (error) {
      if (error instanceof errors.ResponseError) {
        throw new Error(
          `${request.reader} answered HTTP ${error.meta.statusCode}\nrequest: POST /${request.index}/_search ` +
            `${JSON.stringify(request.querystring)}\n${JSON.stringify(request.body)}\n` +
            `response: ${JSON.stringify(error.meta.body)}`,
        );
      }
      throw error;
    }
  }

  const sortOf = (request: ReaderRequest): SortOrder[] =>
    ((request.body.sort as Record<string, { order: 'asc' | 'desc' }>[] | undefined) ?? []).map(
      (s) => {
        const [[field, { order }]] = Object.entries(s);
        return { field, order };
      },
    );

  /**
   * Runs a list request and checks it all: it executes, lists exactly `expected` (ids and
   * the total the page count comes from), in the order asked, and every hit reads back into
   * the reader's entity with the fixture's values. Answers the hits.
   */
  async function expectList(request: ReaderRequest, expected: Doctor[]): Promise<Hit[]> {
    const answer = await run(request);
    const hits = answer.hits.hits;
    expect(hits.map((hit) => hit._id).sort()).toEqual(gmcOf(expected));
    expect(answer.hits.total).toEqual({ value: expected.length, relation: 'eq' });
    const sort = sortOf(request);
    const keys = hits.map((hit) => sort.map((s) => sortValue(byGmc.get(hit._id)!, s)));
    expect(keys).toEqual([...keys].sort(compareBy(sort)));
    for (const hit of hits) {
      const read = readEntity(request.entity, hit);
      expect(read.problems).toEqual([]);
      expect(read.value).toEqual(readerSees(request.entity, byGmc.get(hit._id)!));
    }
    return hits;
  }

  /** For a sort test to mean anything the listed doctors must not all share one key. */
  function distinctKeys(expected: Doctor[], request: ReaderRequest): number {
    const [first] = sortOf(request);
    return new Set(expected.map((d) => sortValue(d, first))).size;
  }

  beforeAll(async () => {
    h = new EsSinkHarness();
    await h.setUp();
    names = {
      current_connections: h.legacyViews.filtered.current_connections,
      discrepancies: h.legacyViews.filtered.discrepancies,
      recommendations: h.legacyViews.filtered.recommendations,
    };
    await h.startSink();
    await h.send(population.map((d) => ({ key: d.gmcReferenceNumber, version: 1, record: d })));
    await eventually(async () =>
      expect(await h.idsIn(h.legacyViews.master)).toEqual(gmcOf(population)),
    );
  });

  afterAll(async () => {
    await client.close();
    await h?.tearDown();
  });

  it('the population reaches the legacy aliases as the rules select it', async () => {
    expect(await h.idsIn(names.current_connections)).toEqual(
      gmcOf(population.filter((d) => d.existsInGmc)),
    );
    expect(await h.idsIn(names.discrepancies)).toEqual(
      gmcOf(population.filter((d) => d.discrepancy !== null)),
    );
    expect(await h.idsIn(names.recommendations)).toEqual(gmcOf(population));
    expect(await h.deadLettered()).toEqual([]);
  });

  describe('the requests are built as the readers build them', () => {
    it('C1: formatted bodies, the day bounds, `.keyword` sorts, page of 20, version', () => {
      const request = currentConnectionsRequest({
        dbcs: [HJ, MQ],
        sortColumn: 'updatedBy',
        sortOrder: 'ASC',
        pageNumber: 2,
        lastConnectionDateTimeFrom: '2026-03-10',
        lastConnectionDateTimeTo: '2026-03-11',
        membershipEndDateFrom: '2027-08-01',
      });
      expect(request.index).toBe('current_connections');
      expect(request.body).toMatchObject({
        from: 40,
        size: 20,
        version: true,
        sort: [{ 'updatedBy.keyword': { order: 'asc' } }],
      });
      expect(request.body).not.toHaveProperty('track_total_hits');
      expect(request.body).not.toHaveProperty('explain'); // Spring Data 4.1 does not set it
      const filter = (request.body.query as { bool: { filter: Json[] } }).bool.filter;
      expect(filter).toContainEqual(
        expect.objectContaining({
          match: { designatedBody: expect.objectContaining({ query: 'aiidhj aiidmq' }) },
        }),
      );
      expect(filter).toContainEqual({
        range: {
          lastConnectionDateTime: {
            from: '2026-03-10T00:00:00.000',
            to: '2026-03-11T23:59:59.000',
            include_lower: true,
            include_upper: true,
            boost: 1.0,
          },
        },
      });
      expect(filter).toContainEqual(
        expect.objectContaining({
          range: { membershipEndDate: expect.objectContaining({ to: null }) },
        }),
      );
      // Default sort: gmcReferenceNumber descending, bare.
      expect(currentConnectionsRequest({ dbcs: [HJ] }).body.sort).toEqual([
        { gmcReferenceNumber: { order: 'desc' } },
      ]);
    });

    it('C1–C3: the search text is lower-cased and Lucene-escaped after the SQL escape', () => {
      const request = currentConnectionsRequest({ dbcs: [HJ], searchQuery: ' Mary ' });
      expect(JSON.stringify(request.body)).toContain(
        '"wildcard":{"doctorFirstName":{"wildcard":"mary*"',
      );
      // O'Brien → O\'Brien (SQL) → o\\'brien (Lucene escapes the backslash): the reader's own quirk.
      const quoted = currentConnectionsRequest({ dbcs: [HJ], searchQuery: "O'Brien" });
      expect(JSON.stringify(quoted.body)).toContain(String.raw`"wildcard":"o\\\\'brien*"`);
    });

    it('C2/C3: the nested hidden-discrepancy clause names the codes as given', () => {
      const c2 = discrepanciesRequest({ dbcs: [HJ], tisDesignatedBodies: [MQ, HJ] });
      expect(JSON.stringify(c2.body)).toContain(
        '{"nested":{"query":{"bool":{"must":[{"terms":{"hiddenDiscrepancies.hiddenForDesignatedBodyCode.keyword":["1-AIIDHJ","1-AIIDMQ"],"boost":1}}]',
      );
      expect(JSON.stringify(c2.body)).toContain(
        '"path":"hiddenDiscrepancies","ignore_unmapped":true,"score_mode":"none"',
      );
      const c3 = hiddenDiscrepanciesRequest({ dbcs: [NQ], sortColumn: 'tcsDesignatedBody' });
      expect(c3.index).toBe('discrepancies');
      expect(c3.body.sort).toEqual([{ 'tcsDesignatedBody.keyword': { order: 'desc' } }]);
    });

    it('R1/R2: the @Query filled by Spring Data, wrapped, with the forced doctorLastName sort', () => {
      const r2 = doctorsRequest({
        dbcs: [HJ, MQ],
        searchQuery: 'Mary',
        gmcStatus: 'Approved,Under Review',
      });
      expect(r2.reader).toBe('R2');
      expect(r2.index).toBe('recommendations');
      expect(r2.filledQuery).toContain('{"must_not":{"match":{"gmcReferenceNumber":"[]"}}');
      expect(r2.filledQuery).toContain('{"match":{"designatedBody":"aiidhj aiidmq"}}');
      expect(r2.filledQuery).toContain('{"wildcard":{"doctorFirstName":{"value":"mary*"}}}');
      expect(r2.filledQuery).toContain(
        '{"match":{"gmcStatus":{"query":"Approved,Under Review","zero_terms_query":"all"}}}',
      );
      expect(r2.filledQuery).toContain(
        '{"match_phrase":{"admin":{"query":"","zero_terms_query":"all"}}}',
      );
      const wrapped = (r2.body.query as { wrapper: { query: string } }).wrapper.query;
      expect(Buffer.from(wrapped, 'base64').toString('utf8')).toBe(r2.filledQuery);
      expect(JSON.parse(r2.filledQuery!)).toBeTruthy();
      expect(r2.body).toMatchObject({
        from: 0,
        size: 20,
        version: true,
        explain: false,
        sort: [{ submissionDate: { order: 'asc' } }, { doctorLastName: { order: 'asc' } }],
      });
      // Unknown column → submissionDate; unknown order → desc; doctorLastName not repeated.
      expect(doctorsRequest({ sortColumn: 'membershipType', sortOrder: 'ASC' }).body.sort).toEqual([
        { submissionDate: { order: 'desc' } },
        { doctorLastName: { order: 'asc' } },
      ]);
      expect(doctorsRequest({ sortColumn: 'doctorLastName', sortOrder: 'desc' }).body.sort).toEqual(
        [{ doctorLastName: { order: 'desc' } }],
      );
      // No dbcs: the 13 configured bodies.
      expect(doctorsRequest({ underNotice: true }).filledQuery).toContain(
        '"aiidhj aiidmq aiidnq aiidmy aiidqq aiidwt aiidr8 aiidsa aiidh1 aiidwa aiidvs aiidwi aiidsi"',
      );
      // Double quotes in a value are escaped, nothing else is.
      expect(doctorsRequest({ underNotice: true, programmeName: 'A "B"' }).filledQuery).toContain(
        String.raw`"query":"A \"B\""`,
      );
    });

    it('R3: unpaged (size 10,000), no sort, the field named by the caller', () => {
      const r3 = autocompleteRequest({ fieldName: 'programmeName', input: 'cor', dbcs: [HJ] });
      expect(r3.body).toMatchObject({ from: 0, size: 10_000, version: true, explain: false });
      expect(r3.body).not.toHaveProperty('sort');
      expect(r3.filledQuery).toContain('{"match_phrase_prefix":{"programmeName":{"query":"cor"}}}');
      expect(
        autocompleteRequest({ fieldName: 'programmeName', input: null, dbcs: [HJ] }).filledQuery,
      ).toContain('{"query":"null"}');
    });
  });

  describe('C1 current connections (connection service, CurrentConnectionsView)', () => {
    const user = [HJ, MQ];
    const cases: [string, ConnectionListParams][] = [
      ['the UI default: gmcReferenceNumber ascending', { dbcs: user, sortOrder: 'asc' }],
      ["the controller's default: gmcReferenceNumber descending", { dbcs: user }],
      ['one designated body', { dbcs: [HJ] }],
      ['no designated body: no body clause at all', { dbcs: [] }],
      ['a programme', { dbcs: user, programmeName: GP }],
      ['part of a programme name, any case', { dbcs: user, programmeName: 'surgical TRAINING' }],
      ['a first name, upper case', { dbcs: user, searchQuery: 'MARY' }],
      ['the start of a last name', { dbcs: user, searchQuery: 'lov' }],
      ['the start of GMC numbers', { dbcs: user, searchQuery: '710001' }],
      [
        'membership end dates',
        { dbcs: user, membershipEndDateFrom: '2027-08-01', membershipEndDateTo: '2027-08-31' },
      ],
      ['membership end from a day on', { dbcs: user, membershipEndDateFrom: '2027-09-01' }],
      [
        'submission dates',
        { dbcs: user, submissionDateFrom: '2027-01-01', submissionDateTo: '2027-02-28' },
      ],
      [
        'the last connection on one day (not its last 999 ms)',
        {
          dbcs: user,
          lastConnectionDateTimeFrom: '2026-03-10',
          lastConnectionDateTimeTo: '2026-03-10',
        },
      ],
      [
        'the last connection over two days',
        {
          dbcs: user,
          lastConnectionDateTimeFrom: '2026-03-09',
          lastConnectionDateTimeTo: '2026-03-10',
        },
      ],
      ['updated by an admin', { dbcs: user, updatedBy: ANN }],
      ['updated by GMC', { dbcs: user, updatedBy: BY_GMC }],
      ['a programme and an admin', { dbcs: user, programmeName: GP, updatedBy: BOB }],
    ];
    it.each(cases)('%s', async (_, params) => {
      await expectList(currentConnectionsRequest(params, names), currentConnections(params));
    });

    it('excludes military doctors, grade 279, other bodies and doctors GMC does not list', async () => {
      const hits = await expectList(
        currentConnectionsRequest({ dbcs: user }, names),
        currentConnections({ dbcs: user }),
      );
      const listed = hits.map((hit) => hit._id);
      expect(listed).not.toContain('7100003'); // MILITARY
      expect(listed).not.toContain('7100004'); // grades 279 and 281
      expect(listed).not.toContain('7100014'); // NQ
      expect(listed).not.toContain('7100007'); // not in GMC
      expect(listed).toContain('7100001'); // grade 280
      expect(listed).toContain('7100002'); // BY_GMC at 23:59:59.500
    });

    it('reads the last connection back as a zone-less UTC date-time', async () => {
      const [hit] = await expectList(
        currentConnectionsRequest({ dbcs: [MQ], searchQuery: 'seacole' }, names),
        [byGmc.get('7100002')!],
      );
      expect(hit._source.lastConnectionDateTime).toBe('2026-03-10T23:59:59.500');
    });

    it('answers a second page empty, with the same total', async () => {
      const answer = await run(currentConnectionsRequest({ dbcs: user, pageNumber: 1 }, names));
      expect(answer.hits.hits).toEqual([]);
      expect(answer.hits.total.value).toBe(currentConnections({ dbcs: user }).length);
    });

    const sortColumns = [
      'gmcReferenceNumber',
      'doctorFirstName',
      'doctorLastName',
      'submissionDate',
      'designatedBody',
      'tcsDesignatedBody',
      'membershipType',
      'membershipStartDate',
      'membershipEndDate',
      'lastConnectionDateTime',
      'updatedBy',
      'programmeOwner',
      'programmeName',
    ];
    it.each(
      sortColumns.flatMap((column) => [
        [column, 'asc'],
        [column, 'desc'],
      ]),
    )('sorts by %s %s', async (sortColumn, sortOrder) => {
      const params = { dbcs: [] as string[], sortColumn, sortOrder };
      const request = currentConnectionsRequest(params, names);
      const expected = currentConnections(params);
      expect(distinctKeys(expected, request)).toBeGreaterThan(1);
      await expectList(request, expected);
    });
  });

  describe('C2 discrepancies (connection service, MasterDoctorView)', () => {
    const user = { dbcs: [HJ, MQ], tisDesignatedBodies: [HJ, MQ] };
    const cases: [string, DiscrepancyListParams][] = [
      ["the user's bodies on both sides (the UI default)", user],
      [
        'one body: a discrepancy hidden for another body still shows',
        { dbcs: [MQ], tisDesignatedBodies: [MQ] },
      ],
      ['GMC body HJ, TIS body MQ', { dbcs: [HJ], tisDesignatedBodies: [MQ] }],
      ['no bodies: nothing', { dbcs: [], tisDesignatedBodies: [] }],
      ['a programme', { ...user, programmeName: PAEDS }],
      ['a search', { ...user, searchQuery: 'jex' }],
      ['updated by an admin', { ...user, updatedBy: ANN }],
      ['membership ended', { ...user, membershipEndDateTo: '2026-12-31' }],
      [
        'submission dates',
        { ...user, submissionDateFrom: '2026-01-01', submissionDateTo: '2027-06-30' },
      ],
      [
        'last connections',
        {
          ...user,
          lastConnectionDateTimeFrom: '2025-07-31',
          lastConnectionDateTimeTo: '2026-03-10',
        },
      ],
    ];
    it.each(cases)('%s', async (_, params) => {
      await expectList(discrepanciesRequest(params, names), discrepancies(params));
    });

    it('leaves out what an admin hid for the same bodies, military doctors and grade 279', async () => {
      const hits = await expectList(discrepanciesRequest(user, names), discrepancies(user));
      const listed = hits.map((hit) => hit._id);
      expect(listed).not.toContain('7100005'); // hidden for HJ
      expect(listed).toContain('7100008'); // hidden for NQ only
      expect(listed).not.toContain('7100012'); // MILITARY
      expect(listed).not.toContain('7100016'); // grade 279
      expect(listed).toEqual(expect.arrayContaining(['7100007', '7100018'])); // not in GMC
    });

    const sortColumns = [
      'gmcReferenceNumber',
      'doctorFirstName',
      'doctorLastName',
      'submissionDate',
      'designatedBody',
      'tcsDesignatedBody',
      'membershipType',
      'membershipStartDate',
      'membershipEndDate',
      'lastConnectionDateTime',
      'updatedBy',
    ];
    it.each(
      sortColumns.flatMap((column) => [
        [column, 'asc'],
        [column, 'desc'],
      ]),
    )('sorts by %s %s', async (sortColumn, sortOrder) => {
      const params = { ...user, sortColumn, sortOrder };
      const request = discrepanciesRequest(params, names);
      const expected = discrepancies(params);
      expect(distinctKeys(expected, request)).toBeGreaterThan(1);
      await expectList(request, expected);
    });
  });

  describe('C3 hidden discrepancies (connection service, MasterDoctorView)', () => {
    const cases: [string, HiddenDiscrepancyListParams][] = [
      ['hidden for HJ (not the military doctor)', { dbcs: [HJ] }],
      ['hidden for NQ', { dbcs: [NQ] }],
      ['hidden for MQ, but no discrepancy any more: nothing', { dbcs: [MQ] }],
      ['all three bodies', { dbcs: [HJ, MQ, NQ] }],
      ['a search', { dbcs: [HJ, MQ, NQ], searchQuery: 'Franklin' }],
      ['a programme', { dbcs: [HJ, MQ, NQ], programmeName: PAEDS }],
    ];
    it.each(cases)('%s', async (_, params) => {
      await expectList(hiddenDiscrepanciesRequest(params, names), hiddenDiscrepancies(params));
    });

    it('reads the hidden discrepancies back with every field', async () => {
      const [hit] = await expectList(hiddenDiscrepanciesRequest({ dbcs: [HJ] }, names), [
        byGmc.get('7100005')!,
      ]);
      expect(readEntity('MasterDoctorView', hit).value.hiddenDiscrepancies).toEqual([
        {
          id: '65a07100005hj',
          gmcId: '7100005',
          currentDesignatedBodyCode: null,
          programmeOwnerDesignatedBodyCode: null,
          hiddenForDesignatedBodyCode: HJ,
          hiddenBy: ANN,
          reason: 'Awaiting the new rotation',
          hiddenDateTime: '2026-04-02T14:05:06.789',
          hiddenUntilDate: '2026-12-31',
        },
      ]);
    });

    const sortColumns = [
      'designatedBody',
      'tcsDesignatedBody',
      'gmcReferenceNumber',
      'doctorFirstName',
      'doctorLastName',
    ];
    it.each(
      sortColumns.flatMap((column) => [
        [column, 'asc'],
        [column, 'desc'],
      ]),
    )('sorts by %s %s', async (sortColumn, sortOrder) => {
      const params = { dbcs: [HJ, MQ, NQ], sortColumn, sortOrder };
      const request = hiddenDiscrepanciesRequest(params, names);
      const expected = hiddenDiscrepancies(params);
      expect(distinctKeys(expected, request)).toBeGreaterThan(1);
      await expectList(request, expected);
    });
  });

  describe('R1/R2 doctors (recommendation service, RecommendationView)', () => {
    const user = [HJ, MQ];
    const cases: [string, DoctorsParams][] = [
      ['R2 all doctors, every filter empty (zero_terms_query all)', { dbcs: user }],
      ['R1 under notice, every filter empty', { dbcs: user, underNotice: true }],
      ['R2 with no dbcs: the 13 configured bodies', {}],
      ['R2 GMC status, comma-joined', { dbcs: user, gmcStatus: 'Approved,Under Review' }],
      ['R2 one GMC status', { dbcs: user, gmcStatus: 'Rejected' }],
      ['R2 TIS status, comma-joined', { dbcs: user, tisStatus: 'NOT_STARTED,DRAFT' }],
      [
        'R1 both statuses',
        {
          dbcs: user,
          underNotice: true,
          gmcStatus: 'Approved,Under Review',
          tisStatus: 'READY_TO_REVIEW,DRAFT',
        },
      ],
      ['R2 an admin', { dbcs: user, admin: ANN }],
      ['R1 an admin', { dbcs: user, underNotice: true, admin: BOB }],
      ['R2 a programme', { dbcs: user, programmeName: CST }],
      ['R2 a word of a two-word last name', { dbcs: user, searchQuery: 'Anderson' }],
      ['R1 the start of GMC numbers', { dbcs: user, underNotice: true, searchQuery: '710001' }],
      [
        'R2 page 0 of a sort the UI offers',
        { dbcs: user, sortColumn: 'doctorFirstName', sortOrder: 'desc' },
      ],
    ];
    it.each(cases)('%s', async (_, params) => {
      await expectList(doctorsRequest(params, names), doctors(params));
    });

    it('an empty status or admin matches doctors that have none', async () => {
      const hits = await expectList(doctorsRequest({ dbcs: user }, names), doctors({ dbcs: user }));
      const sources = hits.map((hit) => hit._source);
      expect(sources.some((s) => s.gmcStatus === null)).toBe(true);
      expect(sources.some((s) => s.admin === null)).toBe(true);
      expect(sources.some((s) => s.membershipType === 'MILITARY')).toBe(true); // no such filter here
    });

    it('an unknown sort column falls back to submissionDate, then doctorLastName', async () => {
      const params = { dbcs: user, sortColumn: 'updatedBy', sortOrder: 'desc' };
      const request = doctorsRequest(params, names);
      expect(sortOf(request).map((s) => s.field)).toEqual(['submissionDate', 'doctorLastName']);
      await expectList(request, doctors(params));
    });

    it('breaks a tie in the chosen column by doctorLastName ascending', async () => {
      // 7100002 Seacole and 7100011 Hodgkin were both submitted on 2027-02-20.
      const hits = await expectList(doctorsRequest({ dbcs: user }, names), doctors({ dbcs: user }));
      const ids = hits.map((hit) => hit._id);
      expect(ids.indexOf('7100011')).toBe(ids.indexOf('7100002') - 1);
    });

    it('answers a second page empty, with the same total', async () => {
      const answer = await run(doctorsRequest({ dbcs: user, pageNumber: 1 }, names));
      expect(answer.hits.hits).toEqual([]);
      expect(answer.hits.total.value).toBe(doctors({ dbcs: user }).length);
    });

    const sortColumns = [
      'submissionDate',
      'doctorFirstName',
      'doctorLastName',
      'gmcReferenceNumber',
    ];
    it.each(
      sortColumns.flatMap((column) => [
        [column, 'asc', false],
        [column, 'desc', false],
        [column, 'asc', true],
        [column, 'desc', true],
      ]),
    )('sorts by %s %s (under notice: %s)', async (sortColumn, sortOrder, underNotice) => {
      const params = { dbcs: user, sortColumn, sortOrder, underNotice } as DoctorsParams;
      const request = doctorsRequest(params, names);
      const expected = doctors(params);
      expect(distinctKeys(expected, request)).toBeGreaterThan(1);
      await expectList(request, expected);
    });
  });

  describe('R3 programme autocomplete (recommendation service)', () => {
    const cases: [string, string][] = [
      ['core', 'the start of a first word: only programmes under notice in the bodies'],
      ['p', 'the start of any word'],
      ['general pr', 'a phrase with a prefix'],
      ['SURGICAL', 'upper case'],
      ['cardiology', 'nothing'],
    ];
    it.each(cases)('"%s": %s', async (input) => {
      const dbcs = [HJ, MQ];
      const request = autocompleteRequest({ fieldName: 'programmeName', input, dbcs }, names);
      const answer = await run(request);
      for (const hit of answer.hits.hits) {
        const read = readEntity(request.entity, hit);
        expect(read.problems).toEqual([]);
        expect(read.value).toEqual(readerSees(request.entity, byGmc.get(hit._id)!));
      }
      const values = autocompleteValues(
        'programmeName',
        answer.hits.hits.map((hit) => hit._source),
      );
      expect([...values].sort()).toEqual(programmeSuggestions(input, dbcs).sort());
    });

    it('"core" suggests neither the programme of doctors not under notice nor of other bodies', async () => {
      const answer = await run(
        autocompleteRequest({ fieldName: 'programmeName', input: 'core', dbcs: [HJ, MQ] }, names),
      );
      const values = autocompleteValues(
        'programmeName',
        answer.hits.hits.map((hit) => hit._source),
      );
      expect(values).toEqual([CST]); // CMT: 7100006 NO, 7100011 ON_HOLD, 7100014 in NQ
    });
  });

  // Runs last. On 8.19 the range filters of C1/C2 draw "Deprecated field [from|to|
  // include_lower|include_upper] used, this field is unused and will be removed entirely":
  // the 7.x builders' range syntax still filters correctly here (the range cases above) but
  // is slated for removal from the server. Nothing else the readers send is deprecated.
  it('draws no deprecation warning except for the 7.x range syntax', () => {
    const seen = [...warnings].flatMap(([reader, messages]) =>
      [...messages].map((message) => `${reader}: ${message}`),
    );
    const rangeSyntax = /^C[12]: Deprecated field \[(from|to|include_lower|include_upper)\] used/;
    expect(seen.filter((warning) => !rangeSyntax.test(warning))).toEqual([]);
  });
});
