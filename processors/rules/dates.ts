// Calendar dates and instants for the rules. Dates are 'YYYY-MM-DD' strings because that is
// how every source and every output carries them, and because ISO dates of four-digit years
// compare correctly as strings. Arithmetic goes through a day number (days since 1970-01-01)
// computed with plain integer maths, so no Date object, host time zone or daylight-saving
// rule can shift a calendar date.

/** A calendar date 'YYYY-MM-DD' (years 0001-9999), validated at the edge by `isLocalDate`. */
export type LocalDate = string;

/** An ISO-8601 instant with an explicit offset, e.g. '2026-06-30T23:30:00Z'. */
export type Instant = string;

export const MIN_LOCAL_DATE: LocalDate = '0001-01-01';
export const MAX_LOCAL_DATE: LocalDate = '9999-12-31';

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True for a real calendar date: '2028-02-29' yes, '2026-02-29' and '2026-04-31' no. */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string') return false;
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function parts(date: LocalDate): [number, number, number] {
  if (!isLocalDate(date)) throw new RangeError(`not a calendar date: ${JSON.stringify(date)}`);
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
function toEpochDay(date: LocalDate): number {
  const [y0, m, d] = parts(date);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromEpochDay(epochDay: number): LocalDate {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Negative when a is earlier, 0 when equal, positive when later. */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The date `days` calendar days after `date`; throws outside years 0001-9999. */
export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  const result = fromEpochDay(toEpochDay(date) + days);
  if (!isLocalDate(result)) {
    throw new RangeError(`${date} plus ${days} days is outside years 0001-9999`);
  }
  return result;
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** Inclusive at both ends, as docs/rules.md §4.1 says of every date range. */
export function isWithin(date: LocalDate, from: LocalDate, to: LocalDate): boolean {
  return from <= date && date <= to;
}

const INSTANT =
  /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * An instant as nanoseconds since the epoch, or null when the text is not a real ISO-8601
 * instant with an offset. `Date.parse` alone is not enough: it accepts '2026-02-30T00:00Z'
 * (as 2 March) and '24:00', and it drops digits below the millisecond, which would make two
 * different timestamps compare equal.
 */
export function instantNanos(value: unknown): bigint | null {
  if (typeof value !== 'string') return null;
  const match = INSTANT.exec(value);
  if (!match) return null;
  const [, date, hh, mm, ss = '00', fraction = '', zone, sign, offH, offM] = match;
  if (!isLocalDate(date)) return null;
  const [hours, minutes, seconds] = [Number(hh), Number(mm), Number(ss)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    if (Number(offH) > 23 || Number(offM) > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  }
  const localSeconds = toEpochDay(date) * 86400 + hours * 3600 + minutes * 60 + seconds;
  const utcSeconds = BigInt(localSeconds - offsetMinutes * 60);
  return utcSeconds * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
}

export function isInstant(value: unknown): value is Instant {
  return instantNanos(value) !== null;
}

/** The same instant in UTC to the millisecond, as `Date.toISOString` writes it ('…T10:15:00.000Z'). */
export function utcInstant(value: Instant): Instant {
  const nanos = instantNanos(value);
  if (nanos === null) throw new RangeError(`not an instant: ${value}`);
  const millis = nanos / 1_000_000n - (nanos % 1_000_000n < 0n ? 1n : 0n);
  return new Date(Number(millis)).toISOString();
}

/** Negative when a is earlier, 0 when the same instant (whatever the offsets), positive when later. */
export function compareInstants(a: Instant, b: Instant): number {
  const [x, y] = [instantNanos(a), instantNanos(b)];
  if (x === null || y === null) throw new RangeError(`not an instant: ${x === null ? a : b}`);
  return x < y ? -1 : x > y ? 1 : 0;
}

// Building a DateTimeFormat costs far more than using one, and the stream asks for today's
// date on every batch.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormatIn(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      era: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timeZone, format);
  }
  return format;
}

/**
 * The calendar date at `instant` in `timeZone` (IANA name). Uses the time-zone database
 * behind Intl, never a fixed offset, so both daylight-saving changes and dates that differ
 * from UTC (2026-06-30T23:30:00Z is 2026-07-01 in London) come out right.
 */
export function todayIn(instant: Date, timeZone: string): LocalDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('todayIn: invalid Date');
  // A stream derives thousands of doctors at one instant; formatting it once is enough.
  if (lastToday && lastToday.ms === ms && lastToday.timeZone === timeZone) return lastToday.date;
  const formatted = dateFormatIn(timeZone).formatToParts(instant);
  const part = (type: string): string => formatted.find((p) => p.type === type)?.value ?? '';
  const date = `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
  if (part('era') !== 'AD' || !isLocalDate(date)) {
    throw new RangeError(`todayIn: ${instant.toISOString()} is outside years 0001-9999`);
  }
  lastToday = { ms, timeZone, date };
  return date;
}

let lastToday: { ms: number; timeZone: string; date: LocalDate } | undefined;
