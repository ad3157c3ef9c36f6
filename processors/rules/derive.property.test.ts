// Invariants of the connection rules over generated doctors. Dates are drawn from a short
// window around leap day 2028 so that ties, boundaries (start or end exactly today) and
// overlapping memberships are common rather than rare.
import fc from 'fast-check';
import designatedBodyTable from './designated-bodies.json';
import {
  addDays,
  compareInstants,
  daysBetween,
  isWithin,
  MAX_LOCAL_DATE,
  type LocalDate,
} from './dates';
import { deriveConnection } from './derive';
import { parseDoctorLine } from './evaluate-input';
import { ok } from '../platform/result';
import { isCurrent } from './programme-membership';
import { DESIGNATED_BODIES } from './test-builders';
import {
  EXCEPTION_REASONS,
  PROGRAMME_MEMBERSHIP_TYPES,
  RECOMMENDATION_OUTCOMES,
  UNDER_NOTICE_VALUES,
  type DoctorInputs,
  type ProgrammeMembership,
} from './types';

const WINDOW_START = '2027-12-01';
const WINDOW_DAYS = 120; // to 2028-03-30, across 29 February

const date: fc.Arbitrary<LocalDate> = fc
  .integer({ min: 0, max: WINDOW_DAYS })
  .map((days) => addDays(WINDOW_START, days));
const maybeDate = fc.option(date, { freq: 6 });
// Whole hours, so that an exception log at the very instant of the last GMC change is common.
const instant = fc
  .integer({ min: 0, max: WINDOW_DAYS * 24 })
  .map((hours) =>
    new Date(Date.parse(`${WINDOW_START}T00:00:00Z`) + hours * 3_600_000).toISOString(),
  );

const owners = Object.values(designatedBodyTable).flat();
const owner = fc.option(
  fc.oneof(
    fc.constantFrom(...owners),
    fc.constantFrom(...owners).map((o) => `Health Education England ${o}`),
    fc.constant('Health Education England Mars'),
  ),
  { freq: 8 },
);
const codes = Object.keys(designatedBodyTable);

const curriculumMembership = fc.record({
  id: fc.option(fc.nat(), { freq: 8 }),
  curriculumStartDate: maybeDate,
  curriculumEndDate: maybeDate,
});

const programmeMembership: fc.Arbitrary<ProgrammeMembership> = fc.record({
  uuid: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'A'),
  type: fc.option(fc.constantFrom(...PROGRAMME_MEMBERSHIP_TYPES), { freq: 6 }),
  startDate: maybeDate,
  endDate: maybeDate,
  programmeName: fc.option(fc.constantFrom('General Practice', 'Paediatrics'), { freq: 6 }),
  owner,
  curriculumMemberships: fc.array(curriculumMembership, { maxLength: 2 }),
});

const tisPerson = fc.record({
  personId: fc.nat(),
  role: fc.constantFrom(null, 'DR in Training', 'Dummy Record', 'DR in Training,PLACEHOLDER'),
  firstName: fc.option(fc.constant('Ada')),
  lastName: fc.option(fc.constant('Lovelace')),
  programmeMemberships: fc.uniqueArray(programmeMembership, {
    maxLength: 4,
    selector: (m) => m.uuid,
  }),
  placements: fc.array(
    fc.record({
      gradeId: fc.option(fc.constantFrom(3, 12, 279)),
      dateFrom: maybeDate,
      dateTo: maybeDate,
    }),
    { maxLength: 3 },
  ),
});

const gmcState = fc.record({
  designatedBody: fc.option(fc.constantFrom(...codes, ''), { freq: 4 }),
  existsInGmc: fc.boolean(),
  lastUpdated: instant,
  firstName: fc.option(fc.constant('Augusta')),
  lastName: fc.option(fc.constant('King')),
  submissionDate: maybeDate,
  underNotice: fc.option(fc.constantFrom(...UNDER_NOTICE_VALUES)),
  admin: fc.option(fc.constant('admin@example.nhs.uk')),
});

const doctorInputs: fc.Arbitrary<DoctorInputs> = fc.record({
  gmcReferenceNumber: fc.constantFrom('7000001', '1234567'),
  gmc: fc.option(gmcState, { freq: 4 }),
  tis: fc.option(tisPerson, { freq: 6 }),
  exceptionLog: fc.option(
    fc.record({ errorMessage: fc.option(fc.constant('failed')), timestamp: instant }),
  ),
  // Display fields only: no verdict and no re-evaluation date may depend on them.
  revalidation: fc.option(
    fc.record({
      tisStatus: fc.option(fc.constantFrom('NOT_STARTED', 'SUBMITTED_TO_GMC')),
      lastUpdatedDate: maybeDate,
      connectionLogs: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom('c1', 'c2', 'c3'),
          updatedBy: fc.option(fc.constantFrom('Updated by GMC', 'admin@example.nhs.uk')),
          requestTime: fc.option(instant),
          responseCode: fc.option(fc.constantFrom('0', '100')),
        }),
        { maxLength: 3, selector: (entry) => entry.id },
      ),
      recommendations: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom('r1', 'r2', 'r3'),
          outcome: fc.option(fc.constantFrom(...RECOMMENDATION_OUTCOMES)),
          actualSubmissionDate: maybeDate,
          gmcSubmissionDate: maybeDate,
        }),
        { maxLength: 3, selector: (entry) => entry.id },
      ),
      hiddenDiscrepancies: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom('h1', 'h2'),
          gmcId: fc.constant('7000001'),
          hiddenForDesignatedBodyCode: fc.option(fc.constantFrom(...codes)),
          hiddenBy: fc.option(fc.constant('admin@example.nhs.uk')),
          reason: fc.option(fc.constant('Known')),
          hiddenDateTime: fc.option(instant),
          hiddenUntilDate: maybeDate,
        }),
        { maxLength: 2, selector: (entry) => entry.id },
      ),
    }),
  ),
});

const derive = (inputs: DoctorInputs, today: LocalDate) =>
  deriveConnection(inputs, today, DESIGNATED_BODIES);
const usable = (inputs: DoctorInputs) =>
  inputs.tis !== null && !/dummy|placeholder/i.test(inputs.tis.role ?? '') ? inputs.tis : null;

// The selection rule restated independently: narrow the candidates criterion by criterion.
function referenceSelection(inputs: DoctorInputs, today: LocalDate): ProgrammeMembership | null {
  const eligible = (usable(inputs)?.programmeMemberships ?? []).filter(
    (m) => m.curriculumMemberships.length > 0,
  );
  const current = eligible.filter(
    (m) => m.startDate !== null && m.endDate !== null && m.startDate <= today && today <= m.endDate,
  );
  let candidates = current.length > 0 ? current : eligible;
  if (candidates.length === 0) return null;
  for (const key of ['endDate', 'startDate'] as const) {
    const dated = candidates.filter((m) => m[key] !== null);
    if (dated.length > 0) {
      const latest = dated
        .map((m) => m[key] as string)
        .sort()
        .at(-1);
      candidates = dated.filter((m) => m[key] === latest);
    }
  }
  return candidates.reduce((a, b) => (b.uuid < a.uuid ? b : a));
}

const run = <T>(property: fc.IProperty<T>, numRuns = 2000): void =>
  fc.assert(property, { numRuns });

describe('connection rules: invariants', () => {
  test('the selected membership is the one the selection rule picks', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        expect(derive(inputs, today).selectedProgrammeMembershipUuid).toBe(
          referenceSelection(inputs, today)?.uuid ?? null,
        );
      }),
    );
  });

  test('connected exactly when the selected membership is current, and then with no reason', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        const record = derive(inputs, today);
        const selected = referenceSelection(inputs, today);
        const current = selected !== null && isCurrent(selected, today);
        expect(record.connectionStatus === 'CONNECTED').toBe(current);
        expect(record.connectionReason === null).toBe(current);
      }),
    );
  });

  test('the first applicable reason explains a disconnection', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        const record = derive(inputs, today);
        const person = usable(inputs);
        const selected = referenceSelection(inputs, today);
        if (person === null) expect(record.connectionReason).toBe('NOT_IN_TIS');
        else if (person.programmeMemberships.length === 0)
          expect(record.connectionReason).toBe('NO_PROGRAMME_MEMBERSHIP');
        else if (selected === null)
          expect(record.connectionReason).toBe('NO_CURRICULUM_MEMBERSHIP');
        else if (record.connectionStatus === 'DISCONNECTED') {
          const { startDate, endDate } = selected;
          const expected =
            startDate === null || endDate === null
              ? 'PROGRAMME_DATES_MISSING'
              : startDate > today
                ? 'PROGRAMME_NOT_STARTED'
                : 'PROGRAMME_ENDED';
          expect(record.connectionReason).toBe(expected);
        }
      }),
    );
  });

  test('a TIS designated body only when connected; a GMC one only when in GMC', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        const record = derive(inputs, today);
        if (record.tcsDesignatedBody !== null) {
          expect(record.connectionStatus).toBe('CONNECTED');
          expect(codes).toContain(record.tcsDesignatedBody);
        }
        if (record.designatedBody !== null) {
          expect(inputs.gmc?.existsInGmc).toBe(true);
          expect(record.designatedBody).toBe(inputs.gmc?.designatedBody);
        } else {
          expect(inputs.gmc === null || !inputs.gmc.existsInGmc || !inputs.gmc.designatedBody).toBe(
            true,
          );
        }
      }),
    );
  });

  test('the discrepancy agrees with the two designated bodies', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        const { tcsDesignatedBody: tis, designatedBody: gmc, discrepancy } = derive(inputs, today);
        const expected =
          tis === gmc
            ? null
            : gmc === null
              ? 'READY_FOR_CONNECTION'
              : tis === null
                ? 'READY_FOR_DISCONNECTION'
                : 'DESIGNATED_BODY_MISMATCH';
        expect(discrepancy).toBe(expected);
      }),
    );
  });

  test('exception reasons are distinct, in canonical order, and each has its cause', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        const record = derive(inputs, today);
        const reasons = record.exceptionReasons;
        expect(reasons).toEqual(EXCEPTION_REASONS.filter((r) => reasons.includes(r)));
        expect(reasons.includes('VISITOR')).toBe(
          referenceSelection(inputs, today)?.type === 'VISITOR',
        );
        expect(reasons.includes('PROGRAMME_ENDED_WHILE_CONNECTED')).toBe(
          record.designatedBody !== null &&
            record.membershipEndDate !== null &&
            record.membershipEndDate < today,
        );
        if (reasons.includes('PROGRAMME_ENDED_WHILE_CONNECTED')) {
          expect(record.connectionStatus).toBe('DISCONNECTED');
        }
        const { gmc, exceptionLog } = inputs;
        expect(reasons.includes('GMC_UPDATE_FAILED')).toBe(
          exceptionLog !== null &&
            (gmc === null || compareInstants(exceptionLog.timestamp, gmc.lastUpdated) > 0),
        );
      }),
    );
  });

  test('placement grades are the distinct grades of current placements, ascending', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        const expected = [
          ...new Set(
            (usable(inputs)?.placements ?? [])
              .filter(
                (p) =>
                  p.dateFrom !== null && p.dateTo !== null && isWithin(today, p.dateFrom, p.dateTo),
              )
              .flatMap((p) => (p.gradeId === null ? [] : [p.gradeId])),
          ),
        ].sort((a, b) => a - b);
        expect(derive(inputs, today).placementGrades).toEqual(expected);
      }),
    );
  });
});

describe('next re-evaluation date', () => {
  test('is after today', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        const next = derive(inputs, today).nextReevaluationDate;
        if (next !== null) expect(next > today).toBe(true);
      }),
    );
  });

  test('every day in [today, nextReevaluationDate) gives the same record as today', () => {
    run(
      fc.property(doctorInputs, date, fc.nat(), (inputs, today, pick) => {
        const record = derive(inputs, today);
        if (record.nextReevaluationDate === null) return;
        const day = addDays(today, pick % daysBetween(today, record.nextReevaluationDate));
        expect(derive(inputs, day)).toEqual(record);
      }),
    );
  });

  test('none: the record is the same on every later day (sampled, up to 9999-12-31)', () => {
    run(
      fc.property(
        doctorInputs,
        date,
        fc.integer({ min: 1, max: 10_000 }),
        (inputs, today, days) => {
          const record = derive(inputs, today);
          if (record.nextReevaluationDate !== null) return;
          expect(derive(inputs, addDays(today, days))).toEqual(record);
          expect(derive(inputs, MAX_LOCAL_DATE)).toEqual(record);
        },
      ),
    );
  });

  test('evaluating on the date itself moves the next date on: re-evaluation always progresses', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        const next = derive(inputs, today).nextReevaluationDate;
        if (next === null) return;
        const after = derive(inputs, next).nextReevaluationDate;
        expect(after === null || after > next).toBe(true);
      }),
    );
  });

  test('from any day, following the dates visits every change of the record', () => {
    // Walk day by day through the window and check that whenever the record changes (other
    // than its own next date), that day was announced as the next re-evaluation date.
    run(
      fc.property(doctorInputs, (inputs) => {
        let previous = derive(inputs, WINDOW_START);
        for (let days = 1; days <= WINDOW_DAYS + 1; days++) {
          const day = addDays(WINDOW_START, days);
          const record = derive(inputs, day);
          if (JSON.stringify(record) !== JSON.stringify(previous)) {
            expect(previous.nextReevaluationDate).toBe(day);
          }
          previous = record;
        }
      }),
      300, // each run walks the whole window, day by day
    );
  });
});

describe('robustness', () => {
  const shuffled = <T>(items: readonly T[]): fc.Arbitrary<T[]> =>
    fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

  test('the order of memberships, curricula and placements does not matter', () => {
    const withShuffledLists = doctorInputs.chain((inputs) => {
      if (inputs.tis === null) return fc.constant([inputs, inputs] as const);
      const tis = inputs.tis;
      return fc
        .record({
          programmeMemberships: fc.tuple(
            ...tis.programmeMemberships.map((m) =>
              shuffled(m.curriculumMemberships).map((curriculumMemberships) => ({
                ...m,
                curriculumMemberships,
              })),
            ),
          ),
          placements: shuffled(tis.placements),
        })
        .chain(({ programmeMemberships, placements }) =>
          shuffled(programmeMemberships).map(
            (memberships) =>
              [
                inputs,
                { ...inputs, tis: { ...tis, programmeMemberships: memberships, placements } },
              ] as const,
          ),
        );
    });
    run(
      fc.property(withShuffledLists, date, ([original, reordered], today) => {
        expect(derive(reordered, today)).toEqual(derive(original, today));
      }),
    );
  });

  test('the order of connection log entries, recommendations and hidden discrepancies does not matter', () => {
    const withShuffledRecords = doctorInputs.chain((inputs) => {
      const records = inputs.revalidation;
      if (records === null) return fc.constant([inputs, inputs] as const);
      return fc
        .record({
          connectionLogs: shuffled(records.connectionLogs),
          recommendations: shuffled(records.recommendations),
          hiddenDiscrepancies: shuffled(records.hiddenDiscrepancies),
        })
        .map((lists) => [inputs, { ...inputs, revalidation: { ...records, ...lists } }] as const);
    });
    run(
      fc.property(withShuffledRecords, date, ([original, reordered], today) => {
        expect(derive(reordered, today)).toEqual(derive(original, today));
      }),
    );
  });

  test('the legacy owner prefix, case and spacing do not change any verdict', () => {
    // The prefix is stripped once, so add it only to owners that do not already carry it.
    const withoutPrefix = (owner: string) => owner.replace(/^Health Education England /, '');
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        if (inputs.tis === null) return;
        const restyled: DoctorInputs = {
          ...inputs,
          tis: {
            ...inputs.tis,
            programmeMemberships: inputs.tis.programmeMemberships.map((m) => ({
              ...m,
              owner:
                m.owner === null
                  ? null
                  : ` HEALTH EDUCATION ENGLAND  ${withoutPrefix(m.owner).toUpperCase()} `,
            })),
          },
        };
        const { programmeOwner: _a, ...original } = derive(inputs, today);
        const { programmeOwner: _b, ...result } = derive(restyled, today);
        expect(result).toEqual(original);
      }),
    );
  });

  test('inputs survive the evaluate line format, and records are plain JSON', () => {
    run(
      fc.property(doctorInputs, date, (inputs, today) => {
        expect(parseDoctorLine(JSON.stringify(inputs))).toEqual(ok(inputs));
        const record = derive(inputs, today);
        expect(JSON.parse(JSON.stringify(record))).toEqual(record);
      }),
    );
  });
});
