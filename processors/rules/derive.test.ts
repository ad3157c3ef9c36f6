// Golden cases: each row is one rule, reason, tie-break or date edge of docs/rules.md §§3
// and 4, stated as the administrator would see it. Unless a row says otherwise, today is
// 2026-07-01 and the doctor is an ordinary trainee: in TIS with one current membership owned
// by Yorkshire and the Humber, and connected in GMC to the same designated body.
import { todayIn, type LocalDate } from './dates';
import { deriveConnection } from './derive';
import {
  connectionLog,
  curriculum,
  DESIGNATED_BODIES,
  doctor,
  exceptionLog,
  gmcState,
  hiddenDiscrepancy,
  KSS,
  membership,
  person,
  placement,
  recommendation,
  revalidation,
  withMemberships,
  YORKSHIRE,
} from './test-builders';
import type { DerivedConnection, DoctorInputs } from './types';

const TODAY = '2026-07-01';
const london = (instant: string): LocalDate => todayIn(new Date(instant), 'Europe/London');

interface Golden {
  description: string;
  inputs: DoctorInputs;
  today?: LocalDate;
  expected: Partial<DerivedConnection>;
}

const CONNECTED = { connectionStatus: 'CONNECTED', connectionReason: null } as const;
const disconnected = (connectionReason: DerivedConnection['connectionReason']) =>
  ({ connectionStatus: 'DISCONNECTED', connectionReason }) as const;

function check({ inputs, today = TODAY, expected }: Golden): void {
  expect(deriveConnection(inputs, today, DESIGNATED_BODIES)).toMatchObject(expected);
}

describe('who is a doctor in TIS (section 3)', () => {
  test.each<Golden>([
    {
      description: 'no TIS person: a doctor known only from GMC',
      inputs: doctor({ tis: null }),
      expected: {
        ...disconnected('NOT_IN_TIS'),
        designatedBody: YORKSHIRE,
        tcsDesignatedBody: null,
        discrepancy: 'READY_FOR_DISCONNECTION',
        selectedProgrammeMembershipUuid: null,
        nextReevaluationDate: null,
        tcsPersonId: null,
      },
    },
    {
      description: 'a dummy role is ignored entirely, current membership and all',
      inputs: doctor({ tis: person({ role: 'Dummy Record' }) }),
      expected: {
        ...disconnected('NOT_IN_TIS'),
        tcsPersonId: null,
        programmeName: null,
        selectedProgrammeMembershipUuid: null,
        nextReevaluationDate: null,
      },
    },
    {
      description: 'a placeholder role in any case, among other roles, is ignored',
      inputs: doctor({ tis: person({ role: 'DR in Training,PLACEHOLDER' }) }),
      expected: disconnected('NOT_IN_TIS'),
    },
    {
      description: 'an ordinary role, or none, counts',
      inputs: doctor({ tis: person({ role: null }) }),
      expected: { ...CONNECTED, tcsPersonId: 101 },
    },
  ])('$description', check);
});

describe('connection status and reason', () => {
  test.each<Golden>([
    {
      description: 'current membership: connected to its owner’s designated body',
      inputs: doctor(),
      expected: {
        ...CONNECTED,
        tcsDesignatedBody: YORKSHIRE,
        selectedProgrammeMembershipUuid: 'pm-1',
        nextReevaluationDate: '2027-08-06',
      },
    },
    {
      description: 'no programme membership',
      inputs: withMemberships([]),
      expected: { ...disconnected('NO_PROGRAMME_MEMBERSHIP'), nextReevaluationDate: null },
    },
    {
      description: 'no curriculum membership: memberships exist, none eligible',
      inputs: withMemberships([membership({ curriculumMemberships: [] })]),
      expected: {
        ...disconnected('NO_CURRICULUM_MEMBERSHIP'),
        selectedProgrammeMembershipUuid: null,
        programmeName: null,
        nextReevaluationDate: null,
      },
    },
    {
      description: 'start date today is current (inclusive)',
      inputs: withMemberships([membership({ startDate: TODAY })]),
      expected: CONNECTED,
    },
    {
      description: 'end date today is still current (inclusive); re-evaluated tomorrow',
      inputs: withMemberships([membership({ endDate: TODAY })]),
      expected: { ...CONNECTED, nextReevaluationDate: '2026-07-02' },
    },
    {
      description: 'start tomorrow: not started; re-evaluated tomorrow',
      inputs: withMemberships([membership({ startDate: '2026-07-02' })]),
      expected: { ...disconnected('PROGRAMME_NOT_STARTED'), nextReevaluationDate: '2026-07-02' },
    },
    {
      description: 'end yesterday: ended, and nothing will change by itself',
      inputs: withMemberships([membership({ endDate: '2026-06-30' })]),
      expected: { ...disconnected('PROGRAMME_ENDED'), nextReevaluationDate: null },
    },
    {
      description: 'null end date: dates missing',
      inputs: withMemberships([membership({ endDate: null })]),
      expected: { ...disconnected('PROGRAMME_DATES_MISSING'), nextReevaluationDate: null },
    },
    {
      description: 'null start date: dates missing',
      inputs: withMemberships([membership({ startDate: null })]),
      expected: disconnected('PROGRAMME_DATES_MISSING'),
    },
    {
      description: 'null programme type connects like any other and is no visitor',
      inputs: withMemberships([membership({ type: null })]),
      expected: { ...CONNECTED, membershipType: null, exceptionReasons: [] },
    },
    {
      description: 'start after end (bad data), before the start: not started comes first',
      inputs: withMemberships([membership({ startDate: '2026-08-01', endDate: '2026-06-01' })]),
      expected: { ...disconnected('PROGRAMME_NOT_STARTED'), nextReevaluationDate: '2026-08-01' },
    },
    {
      description: 'start after end (bad data), after the start: ended',
      inputs: withMemberships([membership({ startDate: '2026-06-15', endDate: '2026-06-01' })]),
      expected: { ...disconnected('PROGRAMME_ENDED'), nextReevaluationDate: null },
    },
  ])('$description', check);
});

describe('selected programme membership and its tie-breaks', () => {
  test.each<Golden>([
    {
      description: 'a current membership beats a later-ending future one',
      inputs: withMemberships([
        membership({ uuid: 'current' }),
        membership({ uuid: 'future', startDate: '2027-09-01', endDate: '2030-08-31' }),
      ]),
      expected: { ...CONNECTED, selectedProgrammeMembershipUuid: 'current' },
    },
    {
      description: 'two current: the latest end date wins',
      inputs: withMemberships([
        membership({ uuid: 'a', endDate: '2027-08-05' }),
        membership({ uuid: 'b', endDate: '2028-02-29', programmeName: 'Paediatrics' }),
      ]),
      expected: {
        ...CONNECTED,
        selectedProgrammeMembershipUuid: 'b',
        programmeName: 'Paediatrics',
        membershipEndDate: '2028-02-29',
        nextReevaluationDate: '2027-08-06',
      },
    },
    {
      description: 'two current with the same end date: the latest start date wins',
      inputs: withMemberships([
        membership({ uuid: 'a', startDate: '2026-02-01' }),
        membership({ uuid: 'b', startDate: '2025-08-06' }),
      ]),
      expected: { ...CONNECTED, selectedProgrammeMembershipUuid: 'a' },
    },
    {
      description: 'two current with the same dates: the smallest uuid wins',
      inputs: withMemberships([membership({ uuid: 'b' }), membership({ uuid: 'a' })]),
      expected: { selectedProgrammeMembershipUuid: 'a' },
    },
    {
      description: 'uuids compare in plain code-unit order (upper case before lower case)',
      inputs: withMemberships([membership({ uuid: 'a' }), membership({ uuid: 'B' })]),
      expected: { selectedProgrammeMembershipUuid: 'B' },
    },
    {
      description: 'none current: the latest end date wins, even a future one',
      inputs: withMemberships([
        membership({ uuid: 'ended', startDate: '2024-08-01', endDate: '2026-06-30' }),
        membership({ uuid: 'future', startDate: '2026-08-06', endDate: '2029-08-05' }),
      ]),
      expected: {
        ...disconnected('PROGRAMME_NOT_STARTED'),
        selectedProgrammeMembershipUuid: 'future',
        nextReevaluationDate: '2026-08-06',
      },
    },
    {
      description: 'none current: a missing end date sorts after every real one',
      inputs: withMemberships([
        membership({ uuid: 'open', startDate: '2026-01-01', endDate: null }),
        membership({ uuid: 'ended', startDate: '2024-08-01', endDate: '2026-06-30' }),
      ]),
      expected: { ...disconnected('PROGRAMME_ENDED'), selectedProgrammeMembershipUuid: 'ended' },
    },
    {
      description: 'none current: with no end date anywhere, the latest start date wins',
      inputs: withMemberships([
        membership({ uuid: 'a', startDate: null, endDate: null }),
        membership({ uuid: 'b', startDate: '2026-01-01', endDate: null }),
      ]),
      expected: {
        ...disconnected('PROGRAMME_DATES_MISSING'),
        selectedProgrammeMembershipUuid: 'b',
      },
    },
    {
      description: 'none current, same end date: the latest start date wins, missing start last',
      inputs: withMemberships([
        membership({ uuid: 'a', startDate: null, endDate: '2026-06-30' }),
        membership({ uuid: 'b', startDate: '2024-08-01', endDate: '2026-06-30' }),
      ]),
      expected: { ...disconnected('PROGRAMME_ENDED'), selectedProgrammeMembershipUuid: 'b' },
    },
    {
      description: 'a current membership without a curriculum is ignored; the ended one decides',
      inputs: withMemberships([
        membership({ uuid: 'no-curriculum', curriculumMemberships: [] }),
        membership({ uuid: 'ended', endDate: '2026-06-30' }),
      ]),
      expected: {
        ...disconnected('PROGRAMME_ENDED'),
        selectedProgrammeMembershipUuid: 'ended',
        nextReevaluationDate: null,
      },
    },
  ])('$description', check);
});

describe('designated bodies and discrepancy', () => {
  test.each<Golden>([
    {
      description: 'both agree: no discrepancy',
      inputs: doctor(),
      expected: { designatedBody: YORKSHIRE, tcsDesignatedBody: YORKSHIRE, discrepancy: null },
    },
    {
      description: 'a legacy "Health Education England " prefix is ignored',
      inputs: withMemberships([
        membership({ owner: 'Health Education England Kent, Surrey and Sussex' }),
      ]),
      expected: {
        tcsDesignatedBody: KSS,
        programmeOwner: 'Kent, Surrey and Sussex',
        discrepancy: 'DESIGNATED_BODY_MISMATCH',
      },
    },
    {
      description: 'owners compare trimmed and case-insensitively',
      inputs: withMemberships([
        membership({ owner: '  health education england YORKSHIRE AND THE  HUMBER ' }),
      ]),
      expected: { tcsDesignatedBody: YORKSHIRE, programmeOwner: 'YORKSHIRE AND THE HUMBER' },
    },
    {
      description: 'an unknown owner maps to no designated body, even when connected',
      inputs: withMemberships([membership({ owner: 'Health Education England Mars' })]),
      expected: { ...CONNECTED, tcsDesignatedBody: null, discrepancy: 'READY_FOR_DISCONNECTION' },
    },
    {
      description: 'a missing owner maps to no designated body',
      inputs: withMemberships([membership({ owner: null })]),
      expected: { ...CONNECTED, tcsDesignatedBody: null, programmeOwner: null },
    },
    {
      description: 'TIS gives a designated body only when connected',
      inputs: withMemberships([membership({ endDate: '2026-06-30' })], { gmc: null }),
      expected: {
        tcsDesignatedBody: null,
        programmeOwner: 'Yorkshire and the Humber',
        discrepancy: null,
      },
    },
    {
      description: 'connected in TIS, no GMC state: ready for connection',
      inputs: doctor({ gmc: null }),
      expected: { designatedBody: null, existsInGmc: false, discrepancy: 'READY_FOR_CONNECTION' },
    },
    {
      description: 'in GMC with no designated body: ready for connection',
      inputs: doctor({ gmc: gmcState({ designatedBody: null, existsInGmc: true }) }),
      expected: { designatedBody: null, existsInGmc: true, discrepancy: 'READY_FOR_CONNECTION' },
    },
    {
      description: 'an empty designated body string is none',
      inputs: doctor({ gmc: gmcState({ designatedBody: ' ', existsInGmc: true }) }),
      expected: { designatedBody: null, discrepancy: 'READY_FOR_CONNECTION' },
    },
    {
      description: 'not existing in GMC hides a stale designated body',
      inputs: doctor({ gmc: gmcState({ designatedBody: YORKSHIRE, existsInGmc: false }) }),
      expected: { designatedBody: null, existsInGmc: false, discrepancy: 'READY_FOR_CONNECTION' },
    },
    {
      description: 'different designated bodies: mismatch',
      inputs: doctor({ gmc: gmcState({ designatedBody: KSS }) }),
      expected: {
        designatedBody: KSS,
        tcsDesignatedBody: YORKSHIRE,
        discrepancy: 'DESIGNATED_BODY_MISMATCH',
      },
    },
    {
      description: 'in neither: no discrepancy',
      inputs: doctor({ tis: null, gmc: null }),
      expected: { designatedBody: null, tcsDesignatedBody: null, discrepancy: null },
    },
  ])('$description', check);
});

describe('exception reasons', () => {
  const ended = membership({ endDate: '2026-06-30' });
  test.each<Golden>([
    {
      description: 'an ordinary connected doctor is no exception',
      inputs: doctor(),
      expected: { exceptionReasons: [] },
    },
    {
      description: 'visitor connected in GMC',
      inputs: withMemberships([membership({ type: 'VISITOR' })]),
      expected: { ...CONNECTED, exceptionReasons: ['VISITOR'], discrepancy: null },
    },
    {
      description: 'visitor not connected in GMC',
      inputs: withMemberships([membership({ type: 'VISITOR' })], { gmc: null }),
      expected: { exceptionReasons: ['VISITOR'], discrepancy: 'READY_FOR_CONNECTION' },
    },
    {
      description: 'visitor not connected anywhere (programme not started)',
      inputs: withMemberships([membership({ type: 'VISITOR', startDate: '2026-09-01' })], {
        gmc: null,
      }),
      expected: { ...disconnected('PROGRAMME_NOT_STARTED'), exceptionReasons: ['VISITOR'] },
    },
    {
      description: 'a visitor membership that is not the selected one is no exception',
      inputs: withMemberships([
        membership({
          uuid: 'visit',
          type: 'VISITOR',
          startDate: '2025-01-01',
          endDate: '2025-06-30',
        }),
        membership({ uuid: 'post' }),
      ]),
      expected: { selectedProgrammeMembershipUuid: 'post', exceptionReasons: [] },
    },
    {
      description: 'programme ended while connected in GMC',
      inputs: withMemberships([ended]),
      expected: {
        ...disconnected('PROGRAMME_ENDED'),
        exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
        discrepancy: 'READY_FOR_DISCONNECTION',
      },
    },
    {
      description: 'programme ended but not connected in GMC: no exception',
      inputs: withMemberships([ended], { gmc: gmcState({ designatedBody: null }) }),
      expected: { ...disconnected('PROGRAMME_ENDED'), exceptionReasons: [], discrepancy: null },
    },
    {
      description: 'programme ending today while connected in GMC: not yet an exception',
      inputs: withMemberships([membership({ endDate: TODAY })]),
      expected: { ...CONNECTED, exceptionReasons: [] },
    },
    {
      description: 'programme not started while connected in GMC: a discrepancy, not an exception',
      inputs: withMemberships([membership({ startDate: '2026-09-01' })]),
      expected: { exceptionReasons: [], discrepancy: 'READY_FOR_DISCONNECTION' },
    },
    {
      description: 'programme without an end date while connected in GMC: no exception',
      inputs: withMemberships([membership({ endDate: null })]),
      expected: { ...disconnected('PROGRAMME_DATES_MISSING'), exceptionReasons: [] },
    },
    {
      description: 'GMC error newer than the last GMC change: outstanding',
      inputs: doctor({ exceptionLog: exceptionLog({ timestamp: '2026-06-30T10:15:00Z' }) }),
      expected: { exceptionReasons: ['GMC_UPDATE_FAILED'] },
    },
    {
      description: 'GMC error older than the last GMC change: superseded',
      inputs: doctor({ exceptionLog: exceptionLog({ timestamp: '2026-06-29T10:15:00Z' }) }),
      expected: { exceptionReasons: [] },
    },
    {
      description: 'GMC error at the same instant as the last GMC change is not newer',
      inputs: doctor({ exceptionLog: exceptionLog({ timestamp: '2026-06-30T03:00:00+01:00' }) }),
      expected: { exceptionReasons: [] },
    },
    {
      description: 'GMC error compares as an instant whatever its offset',
      inputs: doctor({
        exceptionLog: exceptionLog({ timestamp: '2026-06-30T03:00:00.001+01:00' }),
      }),
      expected: { exceptionReasons: ['GMC_UPDATE_FAILED'] },
    },
    {
      description: 'GMC error and no GMC state at all: outstanding',
      inputs: doctor({ gmc: null, exceptionLog: exceptionLog() }),
      expected: { exceptionReasons: ['GMC_UPDATE_FAILED'] },
    },
    {
      description: 'every reason at once, in the canonical order',
      inputs: withMemberships([membership({ type: 'VISITOR', endDate: '2026-06-30' })], {
        exceptionLog: exceptionLog(),
      }),
      expected: {
        exceptionReasons: ['VISITOR', 'PROGRAMME_ENDED_WHILE_CONNECTED', 'GMC_UPDATE_FAILED'],
      },
    },
  ])('$description', check);
});

describe('next re-evaluation date', () => {
  test.each<Golden>([
    {
      description: 'the day after the current membership ends',
      inputs: doctor(),
      expected: { nextReevaluationDate: '2027-08-06' },
    },
    {
      description: 'the earliest of a future start and a current end',
      inputs: withMemberships([
        membership({ uuid: 'now' }),
        membership({ uuid: 'next', startDate: '2026-09-01', endDate: '2028-08-31' }),
      ]),
      expected: { nextReevaluationDate: '2026-09-01' },
    },
    {
      description: 'a membership missing a date is never current, so it triggers nothing',
      inputs: withMemberships([
        membership({ uuid: 'now' }),
        membership({ uuid: 'open', startDate: '2026-09-01', endDate: null }),
      ]),
      expected: { nextReevaluationDate: '2027-08-06' },
    },
    {
      description: 'a membership without a curriculum triggers nothing',
      inputs: withMemberships([
        membership({ uuid: 'now' }),
        membership({ uuid: 'shell', startDate: '2026-09-01', curriculumMemberships: [] }),
      ]),
      expected: { nextReevaluationDate: '2027-08-06' },
    },
    {
      description:
        'a membership without a start date still ends: connected in GMC, it becomes an exception the day after',
      inputs: withMemberships([membership({ startDate: null, endDate: '2026-07-10' })]),
      expected: {
        ...disconnected('PROGRAMME_DATES_MISSING'),
        exceptionReasons: [],
        nextReevaluationDate: '2026-07-11',
      },
    },
    {
      description: '... and on that day it is one',
      today: '2026-07-11',
      inputs: withMemberships([membership({ startDate: null, endDate: '2026-07-10' })]),
      expected: {
        exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
        nextReevaluationDate: null,
      },
    },
    {
      description: 'an end date of 9999-12-31 never ends',
      inputs: withMemberships([membership({ endDate: '9999-12-31' })]),
      expected: { ...CONNECTED, nextReevaluationDate: null },
    },
    {
      description: 'a current placement ending sooner re-evaluates its grade',
      inputs: doctor({ tis: person({ placements: [placement({ dateTo: '2026-08-04' })] }) }),
      expected: { placementGrades: [279], nextReevaluationDate: '2026-08-05' },
    },
    {
      description: 'a future placement re-evaluates on its start date',
      inputs: doctor({ tis: person({ placements: [placement({ dateFrom: '2026-08-05' })] }) }),
      expected: { placementGrades: [], nextReevaluationDate: '2026-08-05' },
    },
  ])('$description', check);
});

describe('dates in London: leap day, daylight saving, a different date from UTC', () => {
  test.each<Golden>([
    {
      description:
        'leap day: a membership ending 2028-02-29 is current that day, re-evaluated 1 March',
      today: '2028-02-29',
      inputs: withMemberships([membership({ endDate: '2028-02-29' })]),
      expected: { ...CONNECTED, nextReevaluationDate: '2028-03-01' },
    },
    {
      description: 'leap day: a membership starting on leap day is not started on 28 February',
      today: '2028-02-28',
      inputs: withMemberships([membership({ startDate: '2028-02-29', endDate: '2031-02-28' })]),
      expected: { ...disconnected('PROGRAMME_NOT_STARTED'), nextReevaluationDate: '2028-02-29' },
    },
    {
      description:
        '2026-06-30T23:30:00Z is 1 July in London: a membership ending 30 June has ended',
      today: london('2026-06-30T23:30:00Z'),
      inputs: withMemberships([membership({ endDate: '2026-06-30' })]),
      expected: {
        ...disconnected('PROGRAMME_ENDED'),
        exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
      },
    },
    {
      description: 'the same instant in UTC is still 30 June: the membership is current',
      today: todayIn(new Date('2026-06-30T23:30:00Z'), 'UTC'),
      inputs: withMemberships([membership({ endDate: '2026-06-30' })]),
      expected: CONNECTED,
    },
    {
      description:
        'spring forward: 00:30 GMT on 29 March, a membership starting that day is current',
      today: london('2026-03-29T00:30:00Z'),
      inputs: withMemberships([membership({ startDate: '2026-03-29' })]),
      expected: CONNECTED,
    },
    {
      description:
        'spring forward: 23:30 UTC on 29 March is 30 March in London, ending 29 March has ended',
      today: london('2026-03-29T23:30:00Z'),
      inputs: withMemberships([membership({ startDate: '2025-03-01', endDate: '2026-03-29' })]),
      expected: disconnected('PROGRAMME_ENDED'),
    },
    {
      description:
        'fall back: 23:30 UTC on 24 October is 25 October in London, starting 25 October is current',
      today: london('2026-10-24T23:30:00Z'),
      inputs: withMemberships([membership({ startDate: '2026-10-25' })]),
      expected: CONNECTED,
    },
    {
      description:
        'fall back: 23:30 UTC on 25 October is still 25 October (GMT), ending that day is current',
      today: london('2026-10-25T23:30:00Z'),
      inputs: withMemberships([membership({ startDate: '2025-10-25', endDate: '2026-10-25' })]),
      expected: { ...CONNECTED, nextReevaluationDate: '2026-10-26' },
    },
  ])('$description', check);
});

describe('display fields (section 6)', () => {
  test('an ordinary trainee, every field', () => {
    const inputs = doctor({
      gmc: gmcState({ admin: 'admin@example.nhs.uk', underNotice: 'ON_HOLD' }),
      tis: person({
        programmeMemberships: [
          membership({
            owner: 'Health Education England Yorkshire and the Humber',
            curriculumMemberships: [
              curriculum({ id: 1, curriculumEndDate: '2027-08-05' }),
              curriculum({ id: 2, curriculumEndDate: '2028-02-01' }),
              curriculum({ id: 3, curriculumEndDate: null }),
            ],
          }),
        ],
        placements: [
          placement({ gradeId: 279, dateFrom: '2026-07-01', dateTo: '2026-07-01' }),
          placement({ gradeId: 3, dateFrom: '2026-06-01', dateTo: '2026-12-31' }),
          placement({ gradeId: 279, dateFrom: '2026-02-01', dateTo: '2026-12-31' }),
          placement({ gradeId: 12, dateFrom: '2025-08-06', dateTo: '2026-06-30' }),
          placement({ gradeId: 14, dateFrom: '2026-07-02', dateTo: '2026-12-31' }),
          placement({ gradeId: null }),
        ],
      }),
    });
    expect(deriveConnection(inputs, TODAY, DESIGNATED_BODIES)).toEqual<DerivedConnection>({
      gmcReferenceNumber: '7000001',
      connectionStatus: 'CONNECTED',
      connectionReason: null,
      designatedBody: YORKSHIRE,
      tcsDesignatedBody: YORKSHIRE,
      exceptionReasons: [],
      discrepancy: null,
      nextReevaluationDate: '2026-07-02',
      selectedProgrammeMembershipUuid: 'pm-1',
      tcsPersonId: 101,
      doctorFirstName: 'Ada',
      doctorLastName: 'Lovelace',
      submissionDate: '2027-03-01',
      programmeName: 'General Practice',
      membershipType: 'SUBSTANTIVE',
      programmeOwner: 'Yorkshire and the Humber',
      membershipStartDate: '2025-08-06',
      membershipEndDate: '2027-08-05',
      curriculumEndDate: '2028-02-01',
      placementGrades: [3, 279],
      existsInGmc: true,
      underNotice: 'ON_HOLD',
      admin: 'admin@example.nhs.uk',
      tisStatus: null,
      lastUpdatedDate: null,
      gmcStatus: null,
      updatedBy: null,
      lastConnectionDateTime: null,
      hiddenDiscrepancies: [],
    });
  });

  test.each<Golden>([
    {
      description: 'names come from GMC when it has any',
      inputs: doctor({
        gmc: gmcState({ firstName: 'Augusta Ada', lastName: 'King' }),
        tis: person({ firstName: 'Ada', lastName: 'Lovelace' }),
      }),
      expected: { doctorFirstName: 'Augusta Ada', doctorLastName: 'King' },
    },
    {
      description: 'names come from TIS, as a pair, when GMC has none',
      inputs: doctor({ gmc: gmcState({ firstName: null, lastName: null }) }),
      expected: { doctorFirstName: 'Ada', doctorLastName: 'Lovelace' },
    },
    {
      description: 'a doctor only in GMC shows GMC fields and no programme',
      inputs: doctor({ tis: null }),
      expected: {
        doctorFirstName: 'Ada',
        submissionDate: '2027-03-01',
        underNotice: 'NO',
        programmeName: null,
        membershipType: null,
        curriculumEndDate: null,
        placementGrades: [],
      },
    },
    {
      description: 'a selected membership without curriculum end dates shows none',
      inputs: withMemberships([
        membership({ curriculumMemberships: [curriculum({ curriculumEndDate: null })] }),
      ]),
      expected: { curriculumEndDate: null },
    },
    {
      description: 'placements of an ignored (dummy) person show no grade',
      inputs: doctor({ tis: person({ role: 'DUMMY', placements: [placement()] }) }),
      expected: { placementGrades: [], nextReevaluationDate: null },
    },
  ])('$description', check);
});

describe("the revalidation services' records (section 4.9)", () => {
  const withRecords = (overrides: Parameters<typeof revalidation>[0]) =>
    doctor({ revalidation: revalidation(overrides) });

  test.each<Golden>([
    {
      description: 'doctorsForDB gives the workflow status and the date it was last saved',
      inputs: withRecords({ tisStatus: 'SUBMITTED_TO_GMC', lastUpdatedDate: '2026-06-30' }),
      expected: { tisStatus: 'SUBMITTED_TO_GMC', lastUpdatedDate: '2026-06-30' },
    },
    {
      description: 'no records at all: every field empty',
      inputs: doctor({ revalidation: null }),
      expected: {
        tisStatus: null,
        lastUpdatedDate: null,
        gmcStatus: null,
        updatedBy: null,
        lastConnectionDateTime: null,
        hiddenDiscrepancies: [],
      },
    },
    {
      description: 'the latest accepted request gives who changed the connection and when (UTC)',
      inputs: withRecords({
        connectionLogs: [
          connectionLog({ id: 'c-1', updatedBy: 'a@nhs.net', requestTime: '2026-05-01T09:00:00Z' }),
          connectionLog({
            id: 'c-2',
            updatedBy: 'b@nhs.net',
            requestTime: '2026-06-30T11:15:00+01:00',
          }),
        ],
      }),
      expected: { updatedBy: 'b@nhs.net', lastConnectionDateTime: '2026-06-30T10:15:00.000Z' },
    },
    {
      description: 'a request GMC refused does not count, however late',
      inputs: withRecords({
        connectionLogs: [
          connectionLog({ id: 'c-1', updatedBy: 'a@nhs.net', requestTime: '2026-05-01T09:00:00Z' }),
          connectionLog({
            id: 'c-2',
            updatedBy: 'b@nhs.net',
            requestTime: '2026-06-30T10:15:00Z',
            responseCode: '100',
          }),
        ],
      }),
      expected: { updatedBy: 'a@nhs.net', lastConnectionDateTime: '2026-05-01T09:00:00.000Z' },
    },
    {
      description: 'a change GMC made counts, though it has no return code',
      inputs: withRecords({
        connectionLogs: [
          connectionLog({ id: 'c-1', requestTime: '2026-05-01T09:00:00Z' }),
          connectionLog({
            id: 'c-2',
            updatedBy: 'Updated by GMC',
            requestTime: '2026-06-30T02:00:00Z',
            responseCode: null,
          }),
        ],
      }),
      expected: { updatedBy: 'Updated by GMC', lastConnectionDateTime: '2026-06-30T02:00:00.000Z' },
    },
    {
      description: 'an entry with neither a success code nor GMC as its author does not count',
      inputs: withRecords({
        connectionLogs: [connectionLog({ updatedBy: 'a@nhs.net', responseCode: null })],
      }),
      expected: { updatedBy: null, lastConnectionDateTime: null },
    },
    {
      description: 'a counting entry without a request time ranks before every timed one',
      inputs: withRecords({
        connectionLogs: [
          connectionLog({ id: 'c-1', updatedBy: 'a@nhs.net', requestTime: '2026-05-01T09:00:00Z' }),
          connectionLog({ id: 'c-2', updatedBy: 'Updated by GMC', requestTime: null }),
        ],
      }),
      expected: { updatedBy: 'a@nhs.net' },
    },
    {
      description: 'the only counting entry has no request time: its author, and no time',
      inputs: withRecords({
        connectionLogs: [connectionLog({ updatedBy: 'Updated by GMC', requestTime: null })],
      }),
      expected: { updatedBy: 'Updated by GMC', lastConnectionDateTime: null },
    },
    {
      description: 'two counting entries at the same instant: the larger id',
      inputs: withRecords({
        connectionLogs: [
          connectionLog({ id: 'c-2', updatedBy: 'b@nhs.net' }),
          connectionLog({ id: 'c-1', updatedBy: 'a@nhs.net' }),
        ],
      }),
      expected: { updatedBy: 'b@nhs.net' },
    },
    {
      description: "the latest submitted recommendation's outcome is the GMC status",
      inputs: withRecords({
        recommendations: [
          recommendation({ id: 'r-1', outcome: 'Approved', actualSubmissionDate: '2021-06-01' }),
          recommendation({
            id: 'r-2',
            outcome: 'Under Review',
            actualSubmissionDate: '2026-06-01',
          }),
        ],
      }),
      expected: { gmcStatus: 'Under Review' },
    },
    {
      description: 'a draft (no outcome yet) leaves the last outcome shown',
      inputs: withRecords({
        recommendations: [
          recommendation({ id: 'r-1', outcome: 'Rejected', actualSubmissionDate: '2026-06-01' }),
          recommendation({ id: 'r-2', outcome: null, actualSubmissionDate: null }),
        ],
      }),
      expected: { gmcStatus: 'Rejected' },
    },
    {
      description: 'same submission date: the later GMC due date, then the larger id',
      inputs: withRecords({
        recommendations: [
          recommendation({ id: 'r-3', outcome: 'Rejected', gmcSubmissionDate: '2026-09-01' }),
          recommendation({ id: 'r-1', outcome: 'Approved', gmcSubmissionDate: '2026-10-01' }),
          recommendation({ id: 'r-2', outcome: 'Under Review', gmcSubmissionDate: '2026-10-01' }),
        ],
      }),
      expected: { gmcStatus: 'Under Review' },
    },
    {
      description: 'only drafts: no GMC status',
      inputs: withRecords({ recommendations: [recommendation({ outcome: null })] }),
      expected: { gmcStatus: null },
    },
    {
      description: 'hidden discrepancies: every one, by designated body then id, times in UTC',
      inputs: withRecords({
        hiddenDiscrepancies: [
          hiddenDiscrepancy({ id: 'h-2', hiddenForDesignatedBodyCode: YORKSHIRE }),
          hiddenDiscrepancy({
            id: 'h-3',
            hiddenForDesignatedBodyCode: KSS,
            hiddenDateTime: '2026-06-30T10:00:00+01:00',
          }),
          hiddenDiscrepancy({ id: 'h-1', hiddenForDesignatedBodyCode: YORKSHIRE }),
        ],
      }),
      expected: {
        // Code-unit order: 1-1RSG4X0 (Yorkshire) before 1-1RUZV1D (Kent, Surrey and Sussex).
        hiddenDiscrepancies: [
          hiddenDiscrepancy({ id: 'h-1', hiddenDateTime: '2026-06-30T09:00:00.000Z' }),
          hiddenDiscrepancy({ id: 'h-2', hiddenDateTime: '2026-06-30T09:00:00.000Z' }),
          hiddenDiscrepancy({
            id: 'h-3',
            hiddenForDesignatedBodyCode: KSS,
            hiddenDateTime: '2026-06-30T09:00:00.000Z',
          }),
        ],
      },
    },
    {
      description: 'none of these changes a verdict',
      inputs: doctor({
        revalidation: revalidation({
          connectionLogs: [connectionLog({ requestTime: '2026-07-01T09:00:00Z' })],
          hiddenDiscrepancies: [hiddenDiscrepancy()],
          recommendations: [recommendation()],
        }),
      }),
      expected: {
        ...CONNECTED,
        designatedBody: YORKSHIRE,
        tcsDesignatedBody: YORKSHIRE,
        discrepancy: null,
        exceptionReasons: [],
      },
    },
  ])('$description', check);
});
