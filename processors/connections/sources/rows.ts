// The typed row of each source, validated field by field. Column names are TCS's and the
// revalidation service's own; MongoDB's `_id` is renamed to the row's identity field.
import { z } from 'zod';
import { ok, refuse, type Err, type Refusal, type Result } from '../../platform/result';
import {
  PROGRAMME_MEMBERSHIP_TYPES,
  RECOMMENDATION_OUTCOMES,
  UNDER_NOTICE_VALUES,
} from '../../rules/types';
import {
  isMongoSource,
  KEY_FIELDS,
  type MongoSourceName,
  type RowsBySource,
  type SourceName,
} from './changes';
import { gmcNumberRefusal } from '../../rules/identity';
import {
  calendarDate,
  describeIssues,
  gmcNumber,
  gmcNumberIssue,
  id,
  instant,
  nullableBoolean,
  nullableEnum,
  nullableId,
  nullableInstant,
  nullableText,
  text,
} from './fields';

// Debezium writes a MySQL DATETIME's wall-clock digits as if they were UTC.
const mysqlDate = calendarDate('UTC', 'days');
// doctorsForDB dates are instants written at the start of a calendar day by a service in
// England (midnight UTC or midnight London time): the London date is right for both.
const mongoDate = calendarDate('Europe/London', 'millis');

const ROW_SCHEMAS = {
  contactDetails: z.object({ id, forenames: nullableText, surname: nullableText }),
  gmcDetails: z.object({ id, gmcNumber: nullableText, gmcStatus: nullableText }),
  person: z.object({ id, role: nullableText }),
  programmeMembership: z.object({
    uuid: text,
    personId: id,
    programmeId: nullableId,
    programmeMembershipType: nullableEnum(PROGRAMME_MEMBERSHIP_TYPES),
    programmeStartDate: mysqlDate,
    programmeEndDate: mysqlDate,
  }),
  curriculumMembership: z.object({
    id,
    programmeMembershipUuid: nullableText,
    curriculumId: nullableId,
    curriculumStartDate: mysqlDate,
    curriculumEndDate: mysqlDate,
  }),
  programme: z.object({
    id,
    programmeName: nullableText,
    programmeNumber: nullableText,
    owner: nullableText,
  }),
  placement: z.object({
    id,
    traineeId: nullableId,
    gradeId: nullableId,
    dateFrom: mysqlDate,
    dateTo: mysqlDate,
  }),
  doctorsForDB: z.object({
    gmcReferenceNumber: gmcNumber,
    doctorFirstName: nullableText,
    doctorLastName: nullableText,
    submissionDate: mongoDate,
    designatedBodyCode: nullableText,
    existsInGmc: nullableBoolean,
    gmcLastUpdatedDateTime: nullableInstant,
    // The GMC spellings too, in case a document was written from the raw GMC answer.
    underNotice: nullableEnum(UNDER_NOTICE_VALUES, { Yes: 'YES', No: 'NO', 'On Hold': 'ON_HOLD' }),
    admin: nullableText,
    doctorStatus: nullableText,
    lastUpdatedDate: mongoDate,
  }),
  exceptionLogs: z.object({
    id: text,
    gmcId: gmcNumber,
    errorMessage: nullableText,
    timestamp: instant,
    admin: nullableText,
  }),
  connectionLogs: z.object({
    id: text,
    gmcId: gmcNumber,
    updatedBy: nullableText,
    requestTime: nullableInstant,
    responseCode: nullableText,
  }),
  hiddenDiscrepancy: z.object({
    id: text,
    gmcId: gmcNumber,
    hiddenForDesignatedBodyCode: nullableText,
    hiddenBy: nullableText,
    reason: nullableText,
    hiddenDateTime: nullableInstant,
    hiddenUntilDate: mongoDate,
  }),
  recommendation: z.object({
    id: text,
    gmcNumber,
    // Spring Data stores the enum's name; the label is accepted too.
    outcome: nullableEnum(RECOMMENDATION_OUTCOMES, {
      APPROVED: 'Approved',
      REJECTED: 'Rejected',
      UNDER_REVIEW: 'Under Review',
    }),
    actualSubmissionDate: mongoDate,
    gmcSubmissionDate: mongoDate,
  }),
} satisfies { [S in SourceName]: z.ZodType<RowsBySource[S]> };

/** Where a MongoDB document keeps the field a row calls by another name. */
const DOCUMENT_FIELD_RENAMES: Record<MongoSourceName, Record<string, string>> = {
  doctorsForDB: { _id: 'gmcReferenceNumber' },
  exceptionLogs: { _id: 'id' },
  connectionLogs: { _id: 'id' },
  hiddenDiscrepancy: { _id: 'id' },
  recommendation: { _id: 'id' },
};

export function rowFieldName(source: SourceName, documentField: string): string {
  return isMongoSource(source)
    ? (DOCUMENT_FIELD_RENAMES[source][documentField] ?? documentField)
    : documentField;
}

/** The document's own name of a row field, for reasons that quote the document. */
function documentFieldName(source: SourceName, rowField: string): string {
  if (!isMongoSource(source)) return rowField;
  const renames = Object.entries(DOCUMENT_FIELD_RENAMES[source]);
  return renames.find(([, renamed]) => renamed === rowField)?.[0] ?? rowField;
}

export function rowFields(source: SourceName): string[] {
  return Object.keys(ROW_SCHEMAS[source].shape);
}

/** Validates a whole row; `raw` uses row field names. */
export function parseRow<S extends SourceName>(
  source: S,
  raw: object,
): Result<RowsBySource[S], Refusal> {
  // Every field present, absent ones as undefined: zod would otherwise reject a missing key
  // before our validators could read it as null or name it as missing.
  const complete = { ...Object.fromEntries(rowFields(source).map((f) => [f, undefined])), ...raw };
  const schema = ROW_SCHEMAS[source] as unknown as z.ZodType<RowsBySource[S]>;
  const result = schema.safeParse(complete);
  if (!result.success) return rowRefusal(source, 'row', complete, result.error);
  return ok(result.data);
}

/** Validates only the fields present in `raw` (a patch's set fields). */
export function parsePartialRow<S extends SourceName>(
  source: S,
  raw: object,
): Result<Partial<RowsBySource[S]>, Refusal> {
  const schema = ROW_SCHEMAS[source].partial() as unknown as z.ZodType<Partial<RowsBySource[S]>>;
  const result = schema.safeParse(raw);
  if (!result.success) return rowRefusal(source, 'update', raw, result.error);
  return ok(result.data);
}

/**
 * Why the fields are refused. A GMC number that cannot key a doctor, when it is all that is
 * wrong, refuses the record in the words every edge uses (rules/identity.ts) and with its
 * problem, which is counted; otherwise every bad field is named.
 */
function rowRefusal(
  source: SourceName,
  what: 'row' | 'update',
  raw: object,
  error: z.ZodError,
): Err<Refusal> {
  const [issue, ...others] = error.issues;
  const problem = gmcNumberIssue(issue);
  if (problem !== undefined && others.length === 0) {
    const field = String(issue.path[0]);
    const value = (raw as Record<string, unknown>)[field] as string;
    const label = `${source} ${documentFieldName(source, field)}`;
    return refuse(gmcNumberRefusal(label, value, problem), problem);
  }
  return refuse(`${source} ${what}: ${describeIssues(error)}`);
}

/** The row's identity as the change key: '12', 'a1b2-…', '1234567'. */
export function keyOf<S extends SourceName>(source: S, row: RowsBySource[S]): string {
  return String(row[KEY_FIELDS[source] as unknown as keyof RowsBySource[S]]);
}
