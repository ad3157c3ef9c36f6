// Golden tests of the status history: when `statusSince` moves, and which change records
// reach reval.connection-changes, with which cause, given these inputs (the real topology on
// the in-memory test driver, as in topology.test.ts).
import { partitionForKey } from '../platform/kafka';
import { DEFAULT_TOPICS } from '../platform/topics';
import { rowlessCause, type ConnectionChange, type StatusSnapshot } from './connection-record';
import { DOCTORS_STORE, type DoctorState } from './tasks/doctors';
import type { GmcChange } from './state/gmc-doctor-state';
import { aDoctorInTis, gmcState, tis } from './test-changes';
import { connectionsDriver } from './test-topology';
import { STAGES } from './topology';

const YORKSHIRE = '1-1RSG4X0';
const GMC = '7000001';
const T0 = '2026-11-25T10:00:00.000Z';
const T1 = '2026-11-25T11:00:00.000Z';
const T2 = '2026-11-25T12:00:00.000Z';
const T3 = '2026-11-25T13:00:00.000Z';

/** The doctor's GMC state, renamed: the record shows GMC's names. */
function renamedInGmc(requestTime: string): GmcChange {
  const state = gmcState(GMC, YORKSHIRE, requestTime);
  if (state.op !== 'upsert') throw new Error('an upsert');
  return { ...state, row: { ...state.row, doctorLastName: 'Byron' } };
}

describe('status history', () => {
  let golden: ReturnType<typeof connectionsDriver>;

  /** A connected doctor in TIS and GMC, its setup's records and changes read. */
  beforeEach(() => {
    golden = connectionsDriver({ now: T0 });
    golden.feed([...aDoctorInTis(), gmcState(GMC, YORKSHIRE, '2026-11-25T02:00:00Z')]);
    golden.written();
    golden.changes();
  });

  it('a status that changes twice: two change records, in order, each with its input as cause', async () => {
    // A name edit is a new record, but not a change of status.
    const [renamed] = await golden.feedRecords(
      [{ change: renamedInGmc('2026-11-25T10:30:00Z'), offset: 5 }],
      T1,
    );
    expect(renamed.value?.doctorLastName).toBe('Byron');
    expect(renamed.value?.statusSince).toEqual(new Date(T0));
    expect(golden.changes()).toEqual([]);

    const [ended] = await golden.feedRecords(
      [{ change: tis.membership('pm-1', 1, 10, '2024-08-07', '2026-11-24'), offset: 6 }],
      T2,
    );
    const [moved] = await golden.feedRecords(
      [
        {
          change: {
            ...gmcState(GMC, null, '2026-11-25T12:30:00Z'),
            sourcePosition: 'run-42',
            sourceTime: '2026-11-25T12:30:00.000Z',
          },
          offset: 7,
        },
      ],
      T3,
    );
    expect(ended.value?.statusSince).toEqual(new Date(T2));
    expect(moved.value?.statusSince).toEqual(new Date(T3));
    const history = golden.changes();
    const ENDED_WHILE_CONNECTED_IN_GMC: StatusSnapshot = {
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'PROGRAMME_ENDED',
      exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
      discrepancy: 'READY_FOR_DISCONNECTION',
      designatedBody: YORKSHIRE,
      tcsDesignatedBody: null,
    };
    expect(history).toEqual<ConnectionChange[]>([
      {
        gmcReferenceNumber: GMC,
        version: ended.version,
        time: new Date(T2),
        before: {
          connectionStatus: 'CONNECTED',
          connectionReason: null,
          exceptionReasons: [],
          discrepancy: null,
          designatedBody: YORKSHIRE,
          tcsDesignatedBody: YORKSHIRE,
        },
        after: ENDED_WHILE_CONNECTED_IN_GMC,
        cause: {
          kind: 'INPUT',
          source: 'programmeMembership',
          key: 'pm-1',
          topic: DEFAULT_TOPICS.programmeMembership,
          partition: 0,
          offset: '6',
          sourcePosition: null,
          sourceTime: null,
        },
      },
      {
        gmcReferenceNumber: GMC,
        version: moved.version,
        time: new Date(T3),
        before: ENDED_WHILE_CONNECTED_IN_GMC,
        after: {
          connectionStatus: 'DISCONNECTED',
          connectionReason: 'PROGRAMME_ENDED',
          exceptionReasons: [],
          discrepancy: null,
          designatedBody: null,
          tcsDesignatedBody: null,
        },
        cause: {
          kind: 'INPUT',
          source: 'gmcDoctors',
          key: GMC,
          topic: DEFAULT_TOPICS.gmcDoctors,
          partition: 0,
          offset: '7',
          sourcePosition: 'run-42',
          sourceTime: new Date('2026-11-25T12:30:00.000Z'),
        },
      },
    ]);
  });

  it('a change of connection reason alone is recorded, but statusSince stays', () => {
    golden = connectionsDriver({ now: T0 });
    const [person, contact, gmcNumber] = aDoctorInTis();
    const [first] = golden.feed([person, contact, gmcNumber]);
    expect(first.value).toMatchObject({ connectionReason: 'NO_PROGRAMME_MEMBERSHIP' });
    golden.changes();
    const [second] = golden.feed([tis.membership('pm-1', 1, 10, '2024-08-07', '2027-08-06')], T1);
    expect(second.value).toMatchObject({
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'NO_CURRICULUM_MEMBERSHIP',
      statusSince: new Date(T0),
    });
    const [change] = golden.changes();
    expect(change.before?.connectionReason).toBe('NO_PROGRAMME_MEMBERSHIP');
    expect(change.after?.connectionReason).toBe('NO_CURRICULUM_MEMBERSHIP');
    // A membership reaches the doctor through its person: the row that changed is named.
    expect(change.cause).toMatchObject({
      kind: 'INPUT',
      source: 'programmeMembership',
      key: 'pm-1',
    });
  });

  it('the first appearance has no before; a doctor that goes has no after', () => {
    golden = connectionsDriver({ now: T0 });
    golden.feed([gmcState(GMC, YORKSHIRE, '2026-11-25T02:00:00Z')]);
    const [appeared] = golden.changes();
    expect(appeared.before).toBeNull();
    expect(appeared.after).toMatchObject({
      connectionReason: 'NOT_IN_TIS',
      designatedBody: YORKSHIRE,
    });
    expect(appeared.cause).toMatchObject({ kind: 'INPUT', source: 'gmcDoctors', key: GMC });
    const [gone] = golden.feed([{ source: 'gmcDoctors', key: GMC, op: 'delete' }], T1);
    expect(gone.value).toBeNull();
    const [went] = golden.changes();
    expect(went).toMatchObject({ version: gone.version, after: null });
    expect(went.before).toMatchObject({ connectionReason: 'NOT_IN_TIS' });
  });

  it('midnight: a programme that ends is caused by the date', () => {
    golden = connectionsDriver({ now: T0 });
    const doctor = aDoctorInTis();
    doctor[4] = tis.membership('pm-1', 1, 10, '2024-08-07', '2026-11-30');
    golden.feed(doctor);
    golden.changes();
    expect(golden.midnight('2026-11-30T12:00:00Z')).toEqual([]);
    const [ended] = golden.midnight('2026-12-01T00:00:10Z');
    expect(ended.value).toMatchObject({
      connectionReason: 'PROGRAMME_ENDED',
      statusSince: new Date('2026-12-01T00:00:10Z'),
    });
    const [change] = golden.changes();
    expect(change.cause).toEqual(rowlessCause('MIDNIGHT'));
  });

  it('a programme whose owner changes: the designated body moves, caused by the programme', () => {
    const [moved] = golden.feed([tis.programme(10, 'Health Education England North East')], T1);
    expect(moved.value?.tcsDesignatedBody).not.toBe(YORKSHIRE);
    const [change] = golden.changes();
    expect(change.cause).toMatchObject({ kind: 'PROGRAMME', source: null, offset: null });
    expect(change.after?.tcsDesignatedBody).toBe(moved.value?.tcsDesignatedBody);
  });

  it('the explanation rides on the record, undated, and does not count as a change', () => {
    const partition = partitionForKey(GMC, 3);
    const state = golden.driver
      .store<DoctorState>(STAGES.doctors, partition, DOCTORS_STORE)
      .get(GMC);
    expect(state?.cause).toBeUndefined();
    const [record] = golden.feed([renamedInGmc('2026-11-25T10:30:00Z')], T1);
    expect(record.value?.explanation).toContain(
      'connectionStatus CONNECTED: the selected membership is current (2024-08-07 <= today <= 2027-08-06)',
    );
    // Today's date appears nowhere as a date (the GMC state's instant is an input, not today).
    expect(record.value?.explanation).not.toMatch(/^On /);
    expect(record.value?.explanation).not.toMatch(/2026-11-25(?!T)/);
    // The next day derives the same answer: nothing is written.
    expect(golden.midnight('2026-11-26T00:00:10Z')).toEqual([]);
  });

  it('a state stored before the status was remembered starts its statusSince at its next derivation', () => {
    const partition = partitionForKey(GMC, 3);
    golden.driver.punctuate(STAGES.doctors, (context) => {
      if (context.partition !== partition) return;
      const state = context.get<DoctorState>(DOCTORS_STORE, GMC) as DoctorState;
      const { snapshot: _snapshot, statusSince: _since, ...old } = state.emitted!;
      context.put(DOCTORS_STORE, GMC, { ...state, emitted: old });
    });
    // Same answer: nothing written, but the status is now known from T1.
    expect(golden.feed([tis.person(1)], T1)).toEqual([]);
    const [ended] = golden.feed([tis.membership('pm-1', 1, 10, '2024-08-07', '2026-11-24')], T2);
    expect(ended.value?.statusSince).toEqual(new Date(T2));
    const [change] = golden.changes();
    expect(change.before).toMatchObject({ connectionStatus: 'CONNECTED' });
    const [renamed] = golden.feed([renamedInGmc('2026-11-25T12:30:00Z')], T3);
    expect(renamed.value?.statusSince).toEqual(new Date(T2));
  });
});
