// Provenance: every input row's origin (its Kafka record, and its source's own position and
// time) is set where the record is read and carried through every stage to the doctor, where
// `inputsOfDoctor` lists each row the derivation used with its origin.
import { partitionForKey } from '../platform/kafka';
import { DEFAULT_TOPICS } from '../platform/topics';
import type { Change } from './sources';
import type { GmcChange } from './state/gmc-doctor-state';
import { inputsOfDoctor } from './tasks/doctor-inputs';
import { DOCTORS_STORE, reconcileDoctor, type DoctorState } from './tasks/doctors';
import { aDoctorInTis, exceptionLog, gmcState, tis } from './test-changes';
import { connectionsDriver } from './test-topology';
import { STAGES } from './topology';

const YORKSHIRE = '1-1RSG4X0';
const GMC = '7000001';
const PARTITIONS = 3;

/** The change as the edge hands it over, with its source's coordinates. */
const at = (change: Change | GmcChange, sourcePosition: string, sourceTime: string) => ({
  ...change,
  sourcePosition,
  sourceTime,
});

function doctorState(golden: ReturnType<typeof connectionsDriver>): DoctorState {
  const partition = partitionForKey(GMC, PARTITIONS);
  const state = golden.driver.store<DoctorState>(STAGES.doctors, partition, DOCTORS_STORE).get(GMC);
  if (!state) throw new Error('no doctor state');
  return state;
}

const originOf = (offset: number, topic: string, sourcePosition: string | null = null) =>
  expect.objectContaining({ topic, partition: 0, offset: String(offset), sourcePosition });

describe('provenance of a doctor’s input rows', () => {
  let golden: ReturnType<typeof connectionsDriver>;

  beforeEach(async () => {
    golden = connectionsDriver({ partitions: PARTITIONS });
    const [person, contact, gmcNumber, programme, membership, curriculum] = aDoctorInTis();
    golden.feed([programme]);
    await golden.feedRecords([
      { change: at(person, 'mysql-bin.000003:100', '2026-11-25T09:00:00.000Z'), offset: 11 },
      { change: contact, offset: 12 },
      { change: gmcNumber, offset: 13 },
      { change: membership, offset: 14 },
      { change: curriculum, offset: 15 },
      {
        change: tis.membership('pm-1', 1, 10, '2024-08-07', '2027-08-06'),
        offset: 16,
      },
      {
        change: {
          source: 'placement',
          key: '31',
          op: 'upsert',
          row: { id: 31, traineeId: 1, gradeId: 279, dateFrom: '2026-08-01', dateTo: '2027-07-31' },
        },
        offset: 17,
      },
      {
        change: at(
          gmcState(GMC, YORKSHIRE, '2026-11-25T02:00:00Z'),
          'run-7',
          '2026-11-25T02:00:00.000Z',
        ),
        offset: 18,
      },
      { change: exceptionLog('log-1', GMC, '2026-11-20T10:00:00Z'), offset: 19 },
    ]);
  });

  it('reaches the doctor state: each TIS row in its person, the others beside their rows', () => {
    const state = doctorState(golden);
    const origins = state.tis['1'].origins ?? [];
    const bySource = Object.fromEntries(origins.map((o) => [`${o.source}:${o.key}`, o.origin]));
    expect(bySource).toEqual({
      'person:1': originOf(11, DEFAULT_TOPICS.person, 'mysql-bin.000003:100'),
      'contactDetails:1': originOf(12, DEFAULT_TOPICS.contactDetails),
      'gmcDetails:1': originOf(13, DEFAULT_TOPICS.gmcDetails),
      // The later change of the membership is the one kept.
      'programmeMembership:pm-1': originOf(16, DEFAULT_TOPICS.programmeMembership),
      'curriculumMembership:100': originOf(15, DEFAULT_TOPICS.curriculumMembership),
      'placement:31': originOf(17, DEFAULT_TOPICS.placement),
    });
    expect(bySource['person:1'].sourceTime).toBe('2026-11-25T09:00:00.000Z');
    expect(state.origins).toEqual({
      [`gmcDoctors:${GMC}`]: {
        topic: DEFAULT_TOPICS.gmcDoctors,
        partition: 0,
        offset: '18',
        sourcePosition: 'run-7',
        sourceTime: '2026-11-25T02:00:00.000Z',
      },
      'exceptionLogs:log-1': originOf(19, DEFAULT_TOPICS.exceptionLogs),
    });
  });

  it('inputsOfDoctor lists every row the derivation used, with its origin', () => {
    const { inputs, rows } = inputsOfDoctor(GMC, doctorState(golden), golden.doctors);
    expect(inputs?.tis?.placements).toHaveLength(1);
    const listed = rows.map((row) => [row.source, row.key, row.origin?.offset ?? null]);
    expect(listed).toEqual([
      ['person', '1', '11'],
      ['contactDetails', '1', '12'],
      ['gmcDetails', '1', '13'],
      ['programmeMembership', 'pm-1', '16'],
      ['curriculumMembership', '100', '15'],
      ['placement', '31', '17'],
      // From the global table, which keeps no origin.
      ['programme', '10', null],
      ['gmcDoctors', GMC, '18'],
      ['exceptionLogs', 'log-1', '19'],
    ]);
    expect(rows.find((row) => row.source === 'placement')?.row).toMatchObject({ gradeId: 279 });
  });

  it('a deleted row takes its origin with it', async () => {
    await golden.feedRecords([
      { change: { source: 'placement', key: '31', op: 'delete' }, offset: 20 },
      { change: { source: 'exceptionLogs', key: 'log-1', op: 'delete' }, offset: 21 },
    ]);
    const state = doctorState(golden);
    expect(state.tis['1'].origins?.map((o) => o.source)).not.toContain('placement');
    expect(Object.keys(state.origins ?? {})).toEqual([`gmcDoctors:${GMC}`]);
  });

  it('an older GMC state replayed leaves the newer one’s origin', async () => {
    await golden.feedRecords([
      {
        change: at(
          gmcState(GMC, null, '2026-11-24T02:00:00Z'),
          'run-6',
          '2026-11-24T02:00:00.000Z',
        ),
        offset: 22,
      },
    ]);
    expect(doctorState(golden).origins?.[`gmcDoctors:${GMC}`]?.sourcePosition).toBe('run-7');
  });

  it('a state stored before origins were kept still loads and derives, its rows unattributed', () => {
    const { origins: _origins, ...old } = doctorState(golden);
    const oldTis = Object.fromEntries(
      Object.entries(old.tis).map(([id, { origins: _held, ...person }]) => [id, person]),
    );
    const stored: DoctorState = { ...old, tis: oldTis, emitted: undefined };
    const { inputs, rows } = inputsOfDoctor(GMC, stored, golden.doctors);
    expect(inputs?.gmcReferenceNumber).toBe(GMC);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.origin === null)).toBe(true);
    golden.written();
    golden.driver.punctuate(STAGES.doctors, (context) => {
      if (context.partition === partitionForKey(GMC, PARTITIONS)) {
        reconcileDoctor(GMC, context, golden.doctors, stored);
      }
    });
    expect(golden.written().map((record) => record.value?.connectionStatus)).toEqual(['CONNECTED']);
  });
});
