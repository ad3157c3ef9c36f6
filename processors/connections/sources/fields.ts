// Zod field types for the values Debezium delivers. Each one accepts every encoding the same
// column can arrive in (JSON number, Avro long, bson Long, epoch days, epoch millis, ISO
// text...) and refuses anything else, so a wrong type or an impossible value becomes a DLQ
// reason naming the field instead of a silently wrong row. Text and booleans are zod's own
// types with our messages; ids, instants, dates and enums read encodings zod does not know.
// Every schema is built once, here: they run for every field of every CDC record.
import { z } from 'zod';
import { addDays, isInstant, isLocalDate, todayIn, type LocalDate } from '../../rules/dates';
import { gmcNumberOf, type GmcNumber, type GmcNumberProblem } from '../../rules/identity';

/** Days since 1970-01-01 of 0001-01-01 and 9999-12-31: the calendar the rules accept. */
const MIN_EPOCH_DAY = -719_162;
const MAX_EPOCH_DAY = 2_932_896;

type Ctx = z.core.$RefinementCtx;

function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * An exact integer from any 64-bit encoding: a JS number, a bigint (our Avro long type), a
 * bson Int32/Long/Double or a long.js-style {low, high} object. Null when it is not one.
 */
export function integerOf(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : null;
  if (typeof value !== 'object' || value === null) return null;
  const bsonType = (value as { _bsontype?: unknown })._bsontype;
  if (bsonType === 'Int32' || bsonType === 'Double') {
    return integerOf((value as { valueOf(): number }).valueOf());
  }
  const { low, high, unsigned } = value as { low?: unknown; high?: unknown; unsigned?: unknown };
  if (typeof low === 'number' && typeof high === 'number') {
    const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    return unsigned === true ? bits : BigInt.asIntN(64, bits);
  }
  return null;
}

/** A BIGINT/INT id. Beyond 2^53 a JS number would silently name another row, so refuse it. */
function idOf(value: unknown, ctx: Ctx): number {
  // The common case, without BigInt arithmetic: this runs for every id of every event.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  const n = integerOf(value);
  if (n === null) return fail(ctx, `expected an integer, got ${describe(value)}`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    return fail(ctx, `integer ${n} is beyond 2^53 and cannot be held exactly`);
  }
  return Number(n);
}

/** The field's schema with null and a missing value both read as null (a cleared field). */
function nullable<T>(schema: z.ZodType<T>) {
  return schema.nullish().transform((value): T | null => value ?? null);
}

export const id = z.unknown().transform((value, ctx): number => idOf(value, ctx));
export const nullableId = nullable(id);

export const text = z.string({ error: (issue) => `expected text, got ${describe(issue.input)}` });
export const nullableText = nullable(text);

export const nullableBoolean = nullable(
  z.boolean({ error: (issue) => `expected true or false, got ${describe(issue.input)}` }),
);

/**
 * Text that names a doctor by GMC number, made a GmcNumber by the identity function
 * (docs/rules.md §3). A number it refuses is an issue whose params carry the problem, which
 * `gmcNumberIssue` reads back.
 */
export const gmcNumber = text.transform((value, ctx): GmcNumber => {
  const verdict = gmcNumberOf(value);
  if (verdict.ok) return verdict.value;
  ctx.addIssue({
    code: 'custom',
    message: `invalid GMC number (${verdict.error}): ${JSON.stringify(value)}`,
    params: { gmcNumberProblem: verdict.error },
  });
  return z.NEVER;
});

/** The problem of an issue raised by `gmcNumber`, or undefined for any other issue. */
export function gmcNumberIssue(issue: z.core.$ZodIssue): GmcNumberProblem | undefined {
  return issue.code === 'custom'
    ? (issue.params?.gmcNumberProblem as GmcNumberProblem | undefined)
    : undefined;
}

/** An instant: a valid Date, epoch millis, or ISO-8601 text with an offset (ZonedTimestamp). */
export function instantOf(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'string') return isInstant(value) ? new Date(value) : null;
  const millis = integerOf(value);
  if (millis === null) return null;
  const date = new Date(Number(millis));
  return Number.isNaN(date.getTime()) ? null : date;
}

export const instant = z.unknown().transform((value, ctx): Date => {
  return instantOf(value) ?? fail(ctx, `expected an instant, got ${describe(value)}`);
});
export const nullableInstant = nullable(instant);

/**
 * A calendar date. MySQL DATE columns arrive as days since 1970-01-01 (io.debezium.time.Date)
 * or, through a `date` logical type, as 'YYYY-MM-DD'; a DATETIME read with Connect's types
 * arrives as a Date of its wall-clock digits in UTC. MongoDB dates are instants: a Date, or
 * epoch millis once a transform has flattened the document. `instantZone` says in which zone
 * an instant's calendar date is read; `integers` whether a bare integer counts days or millis
 * (a MySQL date given in millis would otherwise pass for a far-future day number).
 */
export function calendarDate(instantZone: string, integers: 'days' | 'millis') {
  const date = z.unknown().transform((value, ctx): LocalDate => {
    if (typeof value === 'string') {
      return isLocalDate(value) ? value : fail(ctx, `not a calendar date: ${describe(value)}`);
    }
    if (integers === 'days' && typeof value === 'number' && Number.isSafeInteger(value)) {
      if (value < MIN_EPOCH_DAY || value > MAX_EPOCH_DAY) {
        return fail(ctx, `${value} is not a date as days since 1970-01-01 (years 0001-9999)`);
      }
      return addDays('1970-01-01', value);
    }
    const number = integerOf(value);
    if (integers === 'days' && number !== null) {
      if (number < MIN_EPOCH_DAY || number > MAX_EPOCH_DAY) {
        return fail(ctx, `${number} is not a date as days since 1970-01-01 (years 0001-9999)`);
      }
      return addDays('1970-01-01', Number(number));
    }
    const moment = instantOf(value);
    if (moment === null) return fail(ctx, `expected a date, got ${describe(value)}`);
    const day = dateIn(moment, instantZone);
    return day !== null ? day : fail(ctx, `${describe(value)} is outside years 0001-9999`);
  });
  return nullable(date);
}

/** The rules' `todayIn`, with an instant outside years 0001-9999 as null instead of an error. */
function dateIn(instant: Date, timeZone: string): string | null {
  try {
    return todayIn(instant, timeZone);
  } catch {
    return null;
  }
}

/** One of `values`, or of `aliases` (other spellings of them); '' reads as null (a cleared field). */
export function nullableEnum<T extends string>(
  values: readonly [T, ...T[]],
  aliases: Record<string, T> = {},
) {
  const spelled = z.enum(values, {
    error: (issue) => `expected one of ${values.join(', ')}, got ${describe(issue.input)}`,
  });
  const canonical = (value: unknown): unknown =>
    value === ''
      ? null
      : typeof value === 'string' && Object.hasOwn(aliases, value)
        ? aliases[value]
        : value;
  return z.preprocess(canonical, nullable(spelled));
}

/** Turns zod's issues into one line naming each bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      return field ? `field "${field}": ${issue.message}` : issue.message;
    })
    .join('; ');
}
