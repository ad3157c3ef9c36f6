import fc from 'fast-check';
import {
  addDays,
  compareInstants,
  daysBetween,
  instantNanos,
  isInstant,
  isLocalDate,
  todayIn,
  utcInstant,
} from './dates';

describe('isLocalDate', () => {
  test.each([
    ['2026-07-01', true, 'an ordinary date'],
    ['2028-02-29', true, 'leap day in a leap year'],
    ['2000-02-29', true, 'leap day in a year divisible by 400'],
    ['2026-02-29', false, 'leap day in a common year'],
    ['2100-02-29', false, 'leap day in a century year not divisible by 400'],
    ['2026-04-31', false, 'the 31st of a 30-day month'],
    ['2026-13-01', false, 'month 13'],
    ['2026-00-10', false, 'month 0'],
    ['2026-01-00', false, 'day 0'],
    ['0000-01-01', false, 'year 0'],
    ['2026-7-1', false, 'unpadded parts'],
    ['2026-07-01T00:00:00Z', false, 'an instant'],
    ['', false, 'empty'],
  ])('%s → %s (%s)', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });

  test('agrees with the proleptic Gregorian calendar of Date.UTC for every day of 1900-2100', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        (d) => {
          expect(isLocalDate(d.toISOString().slice(0, 10))).toBe(true);
        },
      ),
    );
  });
});

describe('addDays', () => {
  test.each([
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-29', 1, '2026-03-30'],
    ['2026-10-25', 1, '2026-10-26'],
    ['0001-01-01', 0, '0001-01-01'],
  ])('%s + %d = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  test('refuses to leave years 0001-9999', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
    expect(() => addDays('0001-01-01', -1)).toThrow(RangeError);
  });

  test('matches UTC millisecond arithmetic and inverts daysBetween', () => {
    const day = fc
      .date({ min: new Date('1000-01-01'), max: new Date('9000-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: -100_000, max: 100_000 }), (date, days) => {
        const expected = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
        expect(addDays(date, days)).toBe(expected.toISOString().slice(0, 10));
        expect(daysBetween(date, addDays(date, days))).toBe(days);
      }),
    );
  });
});

describe('instants', () => {
  test.each([
    ['2026-06-30T23:30:00Z', true],
    ['2026-06-30T23:30Z', true],
    ['2026-06-30T23:30:00.123456789Z', true],
    ['2026-07-01T00:30:00+01:00', true],
    ['2026-02-30T00:00:00Z', false],
    ['2026-06-30T24:00:00Z', false],
    ['2026-06-30T23:30:00', false],
    ['2026-06-30', false],
    ['yesterday', false],
  ])('%s is an instant: %s', (value, expected) => {
    expect(isInstant(value)).toBe(expected);
  });

  test('compare the instant, not the text: offsets and digits below a millisecond count', () => {
    expect(compareInstants('2026-07-01T00:30:00+01:00', '2026-06-30T23:30:00Z')).toBe(0);
    expect(compareInstants('2026-06-30T23:30:00.0000001Z', '2026-06-30T23:30:00Z')).toBe(1);
    expect(compareInstants('2026-06-30T23:29:59.999Z', '2026-06-30T23:30:00Z')).toBe(-1);
  });

  test('agrees with Date.parse to the millisecond', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        (d) => {
          expect(instantNanos(d.toISOString())).toBe(BigInt(d.getTime()) * 1_000_000n);
        },
      ),
    );
  });

  test.each([
    ['2026-07-01T00:30:00+01:00', '2026-06-30T23:30:00.000Z'],
    ['2026-06-30T23:30Z', '2026-06-30T23:30:00.000Z'],
    ['2026-06-30T23:30:00.123456789Z', '2026-06-30T23:30:00.123Z'],
    ['1969-12-31T23:59:59.9999Z', '1969-12-31T23:59:59.999Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ])('%s in UTC to the millisecond is %s', (instant, expected) => {
    expect(utcInstant(instant)).toBe(expected);
  });
});

describe('todayIn', () => {
  test.each([
    [
      '2026-06-30T23:30:00Z',
      'Europe/London',
      '2026-07-01',
      'BST: 00:30 on 1 July in London, still 30 June in UTC',
    ],
    [
      '2026-06-30T22:59:59Z',
      'Europe/London',
      '2026-06-30',
      'BST: one second before London midnight',
    ],
    ['2026-06-30T23:30:00Z', 'UTC', '2026-06-30', 'the same instant in UTC'],
    [
      '2026-03-28T23:59:59Z',
      'Europe/London',
      '2026-03-28',
      'spring forward: GMT until 01:00 UTC on 29 March',
    ],
    [
      '2026-03-29T00:00:00Z',
      'Europe/London',
      '2026-03-29',
      'spring forward: London midnight is UTC midnight',
    ],
    [
      '2026-03-29T22:59:59Z',
      'Europe/London',
      '2026-03-29',
      'spring forward: 23:59:59 BST, the day is 23 hours long',
    ],
    [
      '2026-03-29T23:00:00Z',
      'Europe/London',
      '2026-03-30',
      'spring forward: the next midnight is 23:00 UTC',
    ],
    [
      '2026-10-24T22:59:59Z',
      'Europe/London',
      '2026-10-24',
      'fall back: 23:59:59 BST on the Saturday',
    ],
    [
      '2026-10-24T23:00:00Z',
      'Europe/London',
      '2026-10-25',
      'fall back: Sunday begins at 23:00 UTC (still BST)',
    ],
    [
      '2026-10-25T23:30:00Z',
      'Europe/London',
      '2026-10-25',
      'fall back: 23:30 GMT, the day is 25 hours long',
    ],
    [
      '2026-10-26T00:00:00Z',
      'Europe/London',
      '2026-10-26',
      'fall back: GMT midnight is UTC midnight',
    ],
    ['2028-02-28T23:59:59Z', 'Europe/London', '2028-02-28', 'before leap day (GMT)'],
    ['2028-02-29T00:00:00Z', 'Europe/London', '2028-02-29', 'leap day'],
    ['2028-02-29T23:59:59Z', 'Europe/London', '2028-02-29', 'last second of leap day'],
    ['2026-06-30T23:30:00Z', 'Pacific/Kiritimati', '2026-07-01', 'UTC+14'],
    ['2026-07-01T09:00:00Z', 'Pacific/Pago_Pago', '2026-06-30', 'UTC-11'],
  ])('%s in %s is %s (%s)', (instant, zone, expected) => {
    expect(todayIn(new Date(instant), zone)).toBe(expected);
  });

  test('in London the date is the UTC date or, in summer time, possibly the next day', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1997-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (d) => {
          const utc = d.toISOString().slice(0, 10);
          const london = todayIn(d, 'Europe/London');
          expect([utc, addDays(utc, 1)]).toContain(london);
          if (london !== utc) expect(d.getUTCHours()).toBe(23);
        },
      ),
    );
  });
});
