// The `reval evaluate` input contract: one doctor per line of JSON, validated into
// DoctorInputs. Pure (text in, result out) so the stream processor and tests can reuse it.
//
// Objects are strict: an unknown key is an error rather than ignored, because a misspelt
// "startdate" would otherwise silently read as a missing date and change the verdict. Keys
// whose value may be null may also be left out (null), and lists default to empty.
import { z } from 'zod';
import { err, ok, type Result } from '../platform/result';
import { isInstant, isLocalDate } from './dates';
import { gmcNumberOf } from './identity';
import {
  PROGRAMME_MEMBERSHIP_TYPES,
  RECOMMENDATION_OUTCOMES,
  UNDER_NOTICE_VALUES,
  type DoctorInputs,
} from './types';

const localDate = z.string().refine(isLocalDate, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a real calendar date (YYYY-MM-DD)`,
});
const instant = z.string().refine(isInstant, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an ISO-8601 instant with an offset, e.g. 2026-06-30T23:30:00Z`,
});
const text = z.string();
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().default(null);

// The same identity function as every stream edge, so `reval evaluate` refuses exactly what
// the stream refuses, and keys the doctor by the same trimmed number.
const gmcReferenceNumber = z.string().transform((value, ctx) => {
  const verdict = gmcNumberOf(value);
  if (verdict.ok) return verdict.value;
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(value)} is not a valid GMC number (${verdict.error})`,
  });
  return z.NEVER;
});

const gmcState = z
  .strictObject({
    designatedBody: optional(text),
    // Section 5: existsInGmc = a designated body is present, unless said otherwise.
    existsInGmc: z.boolean().optional(),
    lastUpdated: instant,
    firstName: optional(text),
    lastName: optional(text),
    submissionDate: optional(localDate),
    underNotice: optional(z.enum(UNDER_NOTICE_VALUES)),
    admin: optional(text),
  })
  .transform(({ existsInGmc, ...state }) => ({
    ...state,
    existsInGmc:
      existsInGmc ?? (state.designatedBody !== null && state.designatedBody.trim() !== ''),
  }));

const curriculumMembership = z.strictObject({
  id: optional(z.number().int()),
  curriculumStartDate: optional(localDate),
  curriculumEndDate: optional(localDate),
});

const programmeMembership = z.strictObject({
  uuid: z.string().min(1, { error: 'must not be empty' }),
  type: optional(z.enum(PROGRAMME_MEMBERSHIP_TYPES)),
  startDate: optional(localDate),
  endDate: optional(localDate),
  programmeName: optional(text),
  owner: optional(text),
  curriculumMemberships: z.array(curriculumMembership).default([]),
});

const placement = z.strictObject({
  gradeId: optional(z.number().int()),
  dateFrom: optional(localDate),
  dateTo: optional(localDate),
});

const tisPerson = z.strictObject({
  personId: z.number().int(),
  role: optional(text),
  firstName: optional(text),
  lastName: optional(text),
  // The uuid is the membership's identity and the last tie-break; two memberships with one
  // uuid would make the selection depend on input order.
  programmeMemberships: z
    .array(programmeMembership)
    .default([])
    .superRefine((memberships, ctx) => {
      const seen = new Set<string>();
      memberships.forEach(({ uuid }, index) => {
        if (seen.has(uuid)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'uuid'],
            message: `duplicate programme membership uuid ${JSON.stringify(uuid)}`,
          });
        }
        seen.add(uuid);
      });
    }),
  placements: z.array(placement).default([]),
});

const exceptionLog = z.strictObject({
  errorMessage: optional(text),
  timestamp: instant,
});

const connectionLogEntry = z.strictObject({
  id: text,
  updatedBy: optional(text),
  requestTime: optional(instant),
  responseCode: optional(text),
});

const recommendation = z.strictObject({
  id: text,
  outcome: optional(z.enum(RECOMMENDATION_OUTCOMES)),
  actualSubmissionDate: optional(localDate),
  gmcSubmissionDate: optional(localDate),
});

const hiddenDiscrepancy = z.strictObject({
  id: text,
  gmcId: text,
  hiddenForDesignatedBodyCode: optional(text),
  hiddenBy: optional(text),
  reason: optional(text),
  hiddenDateTime: optional(instant),
  hiddenUntilDate: optional(localDate),
});

const revalidation = z.strictObject({
  tisStatus: optional(text),
  lastUpdatedDate: optional(localDate),
  connectionLogs: z.array(connectionLogEntry).default([]),
  recommendations: z.array(recommendation).default([]),
  hiddenDiscrepancies: z.array(hiddenDiscrepancy).default([]),
});

export const doctorInputsSchema = z.strictObject({
  gmcReferenceNumber,
  gmc: optional(gmcState),
  tis: optional(tisPerson),
  exceptionLog: optional(exceptionLog),
  revalidation: optional(revalidation),
}) satisfies z.ZodType<DoctorInputs, unknown>;

/** The doctor's inputs, or the reason the line is refused. */
export type ParsedLine = Result<DoctorInputs, string>;

function where(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function describe(issue: z.core.$ZodIssue): string {
  const message =
    issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
      ? 'is required'
      : issue.message;
  return issue.path.length === 0 ? message : `${where(issue.path)}: ${message}`;
}

/** Validates a decoded JSON value against the input contract. */
export function parseDoctorInputs(value: unknown): ParsedLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return err('expected a JSON object (one doctor per line)');
  }
  const result = doctorInputsSchema.safeParse(value);
  if (result.success) return ok(result.data);
  return err(result.error.issues.map(describe).join('; '));
}

/** Parses one line of NDJSON into a doctor's inputs, or says what is wrong with it. */
export function parseDoctorLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return err(`invalid JSON: ${(error as Error).message}`);
  }
  return parseDoctorInputs(value);
}
