import fc from 'fast-check';
import type { DesignatedBodyFetch, GmcDoctor } from '../platform/gmc-soap';
import { compareGmcRun, type CompareInput } from './compare';
import type { GmcDoctorState } from './gmc-doctors';

const A = '1-1RSG4X0';
const B = '1-1RUZV1D';
const C = '1-1RSSQ5L';
const EARLIER = new Date('2026-01-10T02:00:00Z');
const NOW = new Date('2026-01-11T02:00:00Z');

function doctor(gmcReferenceNumber: string, changes: Partial<GmcDoctor> = {}): GmcDoctor {
  return {
    gmcReferenceNumber,
    doctorFirstName: 'Ann',
    doctorLastName: 'Lee',
    submissionDate: '2027-03-01',
    dateAdded: '2020-01-01',
    underNotice: 'NO',
    doctorStatus: 'Under Review',
    breach: 'No',
    investigation: 'No',
    preliminaryInvestigation: 'No',
    sanction: 'No',
    ...changes,
  };
}

function state(
  gmcNumber: string,
  designatedBody: string | null,
  changes: Partial<GmcDoctor> = {},
): GmcDoctorState {
  return {
    ...doctor(gmcNumber, changes),
    designatedBody,
    existsInGmc: designatedBody !== null,
    requestTime: EARLIER,
    runId: 'previous-run',
  };
}

function ok(designatedBody: string, doctors: GmcDoctor[]): DesignatedBodyFetch {
  return {
    designatedBody,
    status: 'OK',
    returnCode: '0',
    doctors,
    durationMs: 10,
    error: null,
    attempts: 1,
    warnings: [],
  };
}

function failed(designatedBody: string): DesignatedBodyFetch {
  return {
    designatedBody,
    status: 'FAILED',
    returnCode: '98',
    doctors: [],
    durationMs: 10,
    error: 'GMC return code 98: GMC internal error',
    attempts: 3,
    warnings: [],
  };
}

function run(
  fetches: DesignatedBodyFetch[],
  current: GmcDoctorState[],
  options: Partial<CompareInput> = {},
) {
  return compareGmcRun({
    runId: 'this-run',
    requestTime: NOW,
    fetches,
    current: new Map(current.map((s) => [s.gmcReferenceNumber, s])),
    maxDisconnectRatio: 0.5,
    force: false,
    ...options,
  });
}

const summary = (result: ReturnType<typeof run>) =>
  result.changes
    .map(
      (c) =>
        `${c.kind} ${c.state.gmcReferenceNumber} ${c.previousDesignatedBody ?? '-'}>${c.state.designatedBody ?? '-'}`,
    )
    .sort();

describe('compareGmcRun', () => {
  it('connects new doctors and doctors who were disconnected, moves, updates, disconnects', () => {
    const result = run(
      [
        ok(A, [
          doctor('1'),
          doctor('2'),
          doctor('3', { underNotice: 'YES' }),
          doctor('4'),
          doctor('9'),
        ]),
        ok(B, [doctor('5'), doctor('6'), doctor('7')]),
      ],
      [
        state('2', null),
        state('3', A),
        state('4', A),
        state('5', A),
        state('6', B),
        state('7', B),
        state('8', B),
      ],
    );
    expect(summary(result)).toEqual([
      'connected 1 ->1-1RSG4X0',
      'connected 2 ->1-1RSG4X0',
      'connected 9 ->1-1RSG4X0',
      'disconnected 8 1-1RUZV1D>-',
      'moved 5 1-1RSG4X0>1-1RUZV1D',
      'updated 3 1-1RSG4X0>1-1RSG4X0',
    ]);
    expect(result.bodies).toEqual([
      {
        designatedBody: A,
        status: 'OK',
        returnCode: '0',
        doctorCount: 5,
        durationMs: 10,
        error: null,
        connected: 3,
        disconnected: 0,
        moved: 0,
        updated: 1,
      },
      {
        designatedBody: B,
        status: 'OK',
        returnCode: '0',
        doctorCount: 3,
        durationMs: 10,
        error: null,
        connected: 0,
        disconnected: 1,
        moved: 1,
        updated: 0,
      },
    ]);
  });

  it('stamps every published state with the run, and a disconnection keeps what GMC last said', () => {
    const result = run(
      [ok(A, [doctor('1')]), ok(B, [doctor('3')])],
      [state('2', B, { doctorLastName: 'Kept' }), state('3', B), state('4', B)],
      {
        maxDisconnectRatio: 1,
      },
    );
    for (const change of result.changes) {
      expect(change.state.requestTime).toBe(NOW);
      expect(change.state.runId).toBe('this-run');
    }
    const gone = result.changes.find((c) => c.state.gmcReferenceNumber === '2')!.state;
    expect(gone).toMatchObject({
      designatedBody: null,
      existsInGmc: false,
      doctorLastName: 'Kept',
    });
    const added = result.changes.find((c) => c.state.gmcReferenceNumber === '1')!.state;
    expect(added).toMatchObject({ designatedBody: A, existsInGmc: true });
  });

  it('publishes nothing for doctors GMC says the same about', () => {
    const result = run([ok(A, [doctor('1'), doctor('2')])], [state('1', A), state('2', A)]);
    expect(result.changes).toEqual([]);
  });

  it('leaves the doctors of a failed body alone unless another list has them', () => {
    const result = run(
      [failed(A), ok(B, [doctor('2'), doctor('5')])],
      [state('1', A), state('2', A), state('5', B)],
    );
    expect(summary(result)).toEqual(['moved 2 1-1RSG4X0>1-1RUZV1D']);
    expect(result.bodies[0]).toMatchObject({
      designatedBody: A,
      status: 'FAILED',
      returnCode: '98',
      doctorCount: 0,
      error: 'GMC return code 98: GMC internal error',
    });
  });

  it('leaves alone the doctors of bodies this run did not ask about', () => {
    const result = run([ok(A, [doctor('1')])], [state('1', A), state('7', C)]);
    expect(result.changes).toEqual([]);
  });

  it('reports a doctor found in two lists and keeps them where they are', () => {
    const result = run(
      [
        ok(A, [doctor('1'), doctor('2')]),
        ok(B, [doctor('1'), doctor('2'), doctor('3')]),
        ok(C, [doctor('3')]),
      ],
      [state('2', B)],
    );
    expect(result.doctorsInSeveralLists).toEqual([
      { gmcReferenceNumber: '1', designatedBodies: [A, B] },
      { gmcReferenceNumber: '2', designatedBodies: [A, B] },
      { gmcReferenceNumber: '3', designatedBodies: [B, C] },
    ]);
    // New doctors go to the first list in configured order; a known one stays put.
    expect(summary(result)).toEqual(['connected 1 ->1-1RSG4X0', 'connected 3 ->1-1RUZV1D']);
  });

  describe('safety valve', () => {
    const tenInA = Array.from({ length: 10 }, (_, i) => state(String(i), A));
    const listed = (n: number) => Array.from({ length: n }, (_, i) => doctor(String(i)));

    it('holds back a body whose answer would disconnect more than the allowed share', () => {
      const result = run([ok(A, [...listed(4), doctor('new')]), ok(B, [doctor('b')])], tenInA);
      expect(result.bodies[0]).toMatchObject({
        status: 'HELD_BY_SAFETY_VALVE',
        doctorCount: 5,
        connected: 0,
        disconnected: 0,
      });
      expect(result.bodies[0].error).toBe(
        'safety valve: this answer would disconnect 6 of 10 doctors (60%), more than the 50% allowed; not applied (use --force to apply)',
      );
      // Nothing of the held answer is applied, not even its newcomers; other bodies are.
      expect(summary(result)).toEqual(['connected b ->1-1RUZV1D']);
    });

    it('holds back an empty answer for a body that had doctors', () => {
      const result = run([ok(A, [])], tenInA);
      expect(result.bodies[0].status).toBe('HELD_BY_SAFETY_VALVE');
      expect(result.changes).toEqual([]);
    });

    it('lets exactly the allowed share through', () => {
      const result = run([ok(A, listed(5))], tenInA);
      expect(result.bodies[0]).toMatchObject({ status: 'OK', disconnected: 5 });
    });

    it('is overridden by force', () => {
      const result = run([ok(A, [])], tenInA, { force: true });
      expect(result.bodies[0]).toMatchObject({ status: 'OK', disconnected: 10, error: null });
    });

    it('does not count doctors who moved to another list as lost', () => {
      const result = run([ok(A, listed(4)), ok(B, listed(10).slice(4))], tenInA);
      expect(result.bodies[0]).toMatchObject({ status: 'OK', disconnected: 0 });
      expect(result.bodies[1]).toMatchObject({ status: 'OK', moved: 6 });
    });

    it('does not disconnect, from an applied body, a doctor that only a held list has', () => {
      const result = run(
        [ok(A, []), ok(B, [doctor('0'), doctor('b1'), doctor('b2')])],
        [...tenInA, state('b1', B), state('b2', B), state('b3', B)],
      );
      // A is held (empty answer); doctor 0 is in B's list, the rest of A stay; b3 leaves B.
      expect(summary(result)).toEqual([
        'disconnected b3 1-1RUZV1D>-',
        'moved 0 1-1RSG4X0>1-1RUZV1D',
      ]);
    });
  });

  it('reaches a fixed point: the same lists again publish nothing', () => {
    const gmcNumber = fc.constantFrom('1', '2', '3', '4', '5', '6');
    const body = fc.constantFrom(A, B, C);
    const fetchArb = fc.tuple(
      body,
      fc.boolean(),
      fc.uniqueArray(gmcNumber),
      fc.constantFrom<'NO' | 'YES'>('NO', 'YES'),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fetchArb, { selector: ([b]) => b, minLength: 1 }),
        fc.array(fc.tuple(gmcNumber, fc.option(body, { nil: null }))),
        fc.boolean(),
        (fetchSpecs, currentSpecs, force) => {
          const fetches = fetchSpecs.map(([b, success, numbers, notice]) =>
            success
              ? ok(
                  b,
                  numbers.map((n) => doctor(n, { underNotice: notice })),
                )
              : failed(b),
          );
          const current = new Map<string, GmcDoctorState>(
            currentSpecs.map(([n, b]) => [n, state(n, b)]),
          );
          const first = compareGmcRun({
            runId: 'r1',
            requestTime: NOW,
            fetches,
            current,
            maxDisconnectRatio: 0.5,
            force,
          });
          for (const change of first.changes)
            current.set(change.state.gmcReferenceNumber, change.state);
          const second = compareGmcRun({
            runId: 'r2',
            requestTime: NOW,
            fetches,
            current,
            maxDisconnectRatio: 0.5,
            force,
          });
          expect(second.changes).toEqual([]);
          // A doctor a successful, applied list holds is never left disconnected.
          const applied = first.bodies
            .filter((b) => b.status === 'OK')
            .map((b) => b.designatedBody);
          for (const f of fetches.filter((f) => applied.includes(f.designatedBody))) {
            for (const d of f.doctors)
              expect(current.get(d.gmcReferenceNumber)?.designatedBody).not.toBeNull();
          }
        },
      ),
    );
  });
});
