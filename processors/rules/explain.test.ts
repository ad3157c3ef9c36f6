// --explain, read as documentation: for a few typical doctors, the whole explanation; for
// the rest, that each decision names the rule that made it.
import { evaluateDoctor } from './derive';
import { explainEvaluation } from './explain';
import {
  DESIGNATED_BODIES,
  doctor,
  exceptionLog,
  gmcState,
  KSS,
  membership,
  person,
  placement,
  withMemberships,
} from './test-builders';
import type { DoctorInputs } from './types';

const explain = (inputs: DoctorInputs, today = '2026-07-01'): string =>
  explainEvaluation(evaluateDoctor(inputs, today, DESIGNATED_BODIES));

describe('explanations', () => {
  test('an ordinary connected trainee', () => {
    expect(explain(doctor())).toBe(
      'On 2026-07-01: selected programme membership pm-1 (SUBSTANTIVE, 2025-08-06 to 2027-08-05): ' +
        'the only current one. ' +
        'connectionStatus CONNECTED: the selected membership is current (2025-08-06 <= 2026-07-01 <= 2027-08-05). ' +
        'tcsDesignatedBody 1-1RSG4X0: programme owner "Yorkshire and the Humber" maps to it. ' +
        'designatedBody 1-1RSG4X0: the GMC state of 2026-06-30T02:00:00Z lists the doctor there. ' +
        'exceptionReasons none. ' +
        'discrepancy none: TIS and GMC agree on 1-1RSG4X0. ' +
        'nextReevaluationDate 2027-08-06: the day after programme membership pm-1 ends.',
    );
  });

  test('undated, as the record carries it: the same decisions, and no date that is only today', () => {
    const undated = (today: string) =>
      explainEvaluation(evaluateDoctor(doctor(), today, DESIGNATED_BODIES), { dated: false });
    expect(undated('2026-07-01')).toBe(
      'selected programme membership pm-1 (SUBSTANTIVE, 2025-08-06 to 2027-08-05): ' +
        'the only current one. ' +
        'connectionStatus CONNECTED: the selected membership is current (2025-08-06 <= today <= 2027-08-05). ' +
        'tcsDesignatedBody 1-1RSG4X0: programme owner "Yorkshire and the Humber" maps to it. ' +
        'designatedBody 1-1RSG4X0: the GMC state of 2026-06-30T02:00:00Z lists the doctor there. ' +
        'exceptionReasons none. ' +
        'discrepancy none: TIS and GMC agree on 1-1RSG4X0. ' +
        'nextReevaluationDate 2027-08-06: the day after programme membership pm-1 ends.',
    );
    // A day later the same answer reads the same.
    expect(undated('2026-07-02')).toBe(undated('2026-07-01'));
  });

  test('a visitor whose programme ended while connected in GMC, with a GMC error', () => {
    const inputs = withMemberships(
      [
        membership({ uuid: 'visit', type: 'VISITOR', endDate: '2026-06-30' }),
        membership({ uuid: 'shell', curriculumMemberships: [] }),
      ],
      { exceptionLog: exceptionLog() },
    );
    expect(explain(inputs)).toBe(
      'On 2026-07-01: selected programme membership visit (VISITOR, 2025-08-06 to 2026-06-30): ' +
        'no eligible membership is current, so the only eligible one; ' +
        '1 membership without a curriculum ignored. ' +
        'connectionStatus DISCONNECTED, connectionReason PROGRAMME_ENDED: the selected membership ended on 2026-06-30, before today. ' +
        'tcsDesignatedBody none: TIS gives a designated body only to a connected doctor. ' +
        'designatedBody 1-1RSG4X0: the GMC state of 2026-06-30T02:00:00Z lists the doctor there. ' +
        "exceptionReasons VISITOR (the selected membership's type is VISITOR), " +
        'PROGRAMME_ENDED_WHILE_CONNECTED (connected in GMC to 1-1RSG4X0 though the selected membership ended on 2026-06-30), ' +
        'GMC_UPDATE_FAILED (the GMC error at 2026-06-30T10:15:00Z ("Doctor already connected to another designated body") ' +
        'is outstanding: the last GMC change was at 2026-06-30T02:00:00Z). ' +
        'discrepancy READY_FOR_DISCONNECTION: TIS has none, GMC has 1-1RSG4X0. ' +
        'nextReevaluationDate none: no eligible membership or placement starts or ends after today.',
    );
  });

  test.each<[string, DoctorInputs, string[]]>([
    [
      'tie-break by end date',
      withMemberships([
        membership({ uuid: 'a' }),
        membership({ uuid: 'b', endDate: '2028-08-01' }),
      ]),
      ['selected programme membership b', 'of 2 current ones, the latest end date'],
    ],
    [
      'tie-break by start date',
      withMemberships([
        membership({ uuid: 'a' }),
        membership({ uuid: 'b', startDate: '2026-01-01' }),
      ]),
      ['of 2 current ones, the latest start date (same end date)'],
    ],
    [
      'tie-break by uuid',
      withMemberships([membership({ uuid: 'b' }), membership({ uuid: 'a' })]),
      [
        'selected programme membership a',
        'of 2 current ones with the same dates, the smallest uuid',
      ],
    ],
    [
      'no TIS person',
      doctor({ tis: null, gmc: null }),
      [
        'connectionReason NOT_IN_TIS: there is no TIS person',
        'designatedBody none: there is no GMC state',
      ],
    ],
    [
      'dummy person',
      doctor({ tis: person({ role: 'Dummy Record' }) }),
      ['TIS person 101 is ignored, role "Dummy Record" is a dummy or placeholder'],
    ],
    [
      'no membership',
      withMemberships([]),
      ['NO_PROGRAMME_MEMBERSHIP: TIS person 101 has no programme membership'],
    ],
    [
      'no curriculum',
      withMemberships([
        membership({ uuid: 'a', curriculumMemberships: [] }),
        membership({ uuid: 'b', curriculumMemberships: [] }),
      ]),
      ['NO_CURRICULUM_MEMBERSHIP: none of its 2 programme memberships has a curriculum membership'],
    ],
    [
      'missing end date',
      withMemberships([membership({ endDate: null })]),
      ['PROGRAMME_DATES_MISSING: the selected membership has no end date'],
    ],
    [
      'missing start date',
      withMemberships([membership({ startDate: null })]),
      ['has no start date'],
    ],
    [
      'not started',
      withMemberships([membership({ startDate: '2026-09-01' })]),
      [
        'PROGRAMME_NOT_STARTED: the selected membership starts on 2026-09-01, after today',
        'nextReevaluationDate 2026-09-01: programme membership pm-1 starts',
      ],
    ],
    [
      'unknown owner',
      withMemberships([membership({ owner: 'Mars' })]),
      ['tcsDesignatedBody none: programme owner "Mars" maps to no designated body'],
    ],
    [
      'no owner',
      withMemberships([membership({ owner: null })]),
      ['the selected membership has no programme owner'],
    ],
    [
      'mismatch',
      doctor({ gmc: gmcState({ designatedBody: KSS }) }),
      [`discrepancy DESIGNATED_BODY_MISMATCH: TIS says 1-1RSG4X0, GMC has ${KSS}`],
    ],
    [
      'ready for connection, not in GMC',
      doctor({ gmc: gmcState({ designatedBody: KSS, existsInGmc: false }) }),
      [
        'says the doctor is not in GMC',
        'discrepancy READY_FOR_CONNECTION: TIS says 1-1RSG4X0, GMC has none',
      ],
    ],
    [
      'in GMC without a designated body',
      doctor({ gmc: gmcState({ designatedBody: null, existsInGmc: true }) }),
      ['lists no designated body'],
    ],
    [
      'superseded GMC error',
      doctor({
        exceptionLog: exceptionLog({ timestamp: '2026-06-01T00:00:00Z', errorMessage: null }),
      }),
      [
        'exceptionReasons none: the GMC error at 2026-06-01T00:00:00Z is not newer than the last GMC change at 2026-06-30T02:00:00Z',
      ],
    ],
    [
      'GMC error without GMC state',
      doctor({ gmc: null, exceptionLog: exceptionLog() }),
      ['GMC_UPDATE_FAILED', 'is outstanding: there is no GMC state'],
    ],
    [
      'placement triggers',
      doctor({
        tis: person({
          placements: [
            placement({ dateTo: '2026-08-04' }),
            placement({ gradeId: 3, dateFrom: '2026-08-05' }),
          ],
        }),
      }),
      [
        'nextReevaluationDate 2026-08-05: the day after a placement with grade 279 ends and a placement with grade 3 starts',
      ],
    ],
  ])('%s', (_, inputs, fragments) => {
    const text = explain(inputs);
    for (const fragment of fragments) expect(text).toContain(fragment);
  });
});
