// Golden tests of the join: "given these changes, expect these connection records". They
// read as the documentation of how TIS rows, GMC states and exception logs combine, and run
// the real topology (every stage, repartitioning included) on the in-memory test driver.
import { partitionForKey } from '../platform/kafka';
import { gmc } from '../rules/test-builders';
import type { Change } from './sources';
import type { GmcChange } from './state/gmc-doctor-state';
import { REEVALUATION_INDEX, reconcileDoctor } from './tasks/doctors';
import { aDoctorInTis, exceptionLog, gmcState, tis } from './test-changes';
import { connectionsDriver, type GoldenRecord } from './test-topology';
import { STAGES } from './topology';

const NOW = new Date('2026-11-25T10:00:00Z');
const YORKSHIRE = '1-1RSG4X0';
const NORTH_EAST = '1-1RSSQ1B';

/** Only records of doctors that still exist (a tombstone is a doctor that went). */
const live = (records: GoldenRecord[]) => records.filter((record) => record.value !== null);

describe('connections join', () => {
  let golden: ReturnType<typeof connectionsDriver>;
  let feed: (changes: (Change | GmcChange)[], now?: string) => GoldenRecord[];
  beforeEach(() => {
    golden = connectionsDriver({ now: NOW.toISOString() });
    feed = golden.feed;
  });

  it('a new doctor in TIS and GMC becomes one connected record with the display fields', () => {
    const [record] = feed([
      ...aDoctorInTis(),
      gmcState('7000001', YORKSHIRE, '2026-11-25T02:00:00Z'),
    ]);
    expect(record.key).toBe('7000001');
    expect(record.value).toMatchObject({
      gmcReferenceNumber: '7000001',
      tcsPersonId: 1,
      doctorFirstName: 'Ada',
      doctorLastName: 'Lovelace',
      programmeName: 'Programme 10',
      programmeOwner: 'Yorkshire and the Humber',
      membershipType: 'SUBSTANTIVE',
      membershipStartDate: '2024-08-07',
      membershipEndDate: '2027-08-06',
      curriculumEndDate: '2027-08-06',
      connectionStatus: 'CONNECTED',
      connectionReason: null,
      tcsDesignatedBody: YORKSHIRE,
      designatedBody: YORKSHIRE,
      existsInGmc: true,
      discrepancy: null,
      exceptionReasons: [],
      nextReevaluationDate: '2027-08-07',
      selectedProgrammeMembershipUuid: 'pm-1',
      sources: ['tis', 'gmc'],
    });
    expect(record.value?.version).toBe(record.version);
  });

  it('re-applying the same changes emits nothing: only changed records are written', () => {
    feed(aDoctorInTis());
    expect(feed(aDoctorInTis())).toEqual([]);
  });

  it('an end date edited into the past disconnects, and is an exception while GMC still connects', () => {
    feed([...aDoctorInTis(), gmcState('7000001', YORKSHIRE, '2026-11-25T02:00:00Z')]);
    const [record] = feed([tis.membership('pm-1', 1, 10, '2024-08-07', '2026-11-24')]);
    expect(record.value).toMatchObject({
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'PROGRAMME_ENDED',
      tcsDesignatedBody: null,
      designatedBody: YORKSHIRE,
      exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
      discrepancy: 'READY_FOR_DISCONNECTION',
    });
  });

  it('deleting the only programme membership re-derives the doctor', () => {
    feed(aDoctorInTis());
    const [record] = feed([tis.deleteMembership('pm-1')]);
    expect(record.value).toMatchObject({
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'NO_PROGRAMME_MEMBERSHIP',
    });
  });

  it('a curriculum membership added to a membership re-derives its doctor', () => {
    const withoutCurriculum = aDoctorInTis().slice(0, 5);
    const [before] = feed(withoutCurriculum);
    expect(before.value?.connectionReason).toBe('NO_CURRICULUM_MEMBERSHIP');
    const [after] = feed([tis.curriculum(100, 'pm-1', '2027-08-06')]);
    expect(after.value).toMatchObject({
      connectionStatus: 'CONNECTED',
      tcsDesignatedBody: YORKSHIRE,
    });
  });

  it('a programme owner change re-derives every doctor in the programme', () => {
    feed([...aDoctorInTis(1, '7000001'), ...aDoctorInTis(2, '7000002')]);
    const records = feed([tis.programme(10, 'North East')]);
    expect(records.map((r) => [r.key, r.value?.tcsDesignatedBody])).toEqual([
      ['7000001', NORTH_EAST],
      ['7000002', NORTH_EAST],
    ]);
  });

  it('a GMC number changed on a person leaves the old key with a tombstone', () => {
    feed(aDoctorInTis(1, '7000001'));
    const records = feed([tis.gmcNumber(1, '7000009')]);
    const byKey = Object.fromEntries(records.map((r) => [r.key, r.value]));
    expect(byKey['7000001']).toBeNull();
    expect(byKey['7000009']).toMatchObject({ tcsPersonId: 1, connectionStatus: 'CONNECTED' });
  });

  it('a person whose old GMC number GMC still knows keeps that doctor as NOT_IN_TIS', () => {
    feed([...aDoctorInTis(1, '7000001'), gmcState('7000001', YORKSHIRE, '2026-11-25T02:00:00Z')]);
    const records = feed([tis.gmcNumber(1, 'N/A')]);
    expect(records).toHaveLength(1);
    expect(records[0].value).toMatchObject({
      connectionReason: 'NOT_IN_TIS',
      discrepancy: 'READY_FOR_DISCONNECTION',
    });
  });

  it('a dummy person is not a doctor', () => {
    const records = feed([...aDoctorInTis(), tis.person(1, 'DUMMY record')]);
    expect(live(records)).toEqual([]);
  });

  it('an exception log newer than the GMC state is an exception; a later GMC change clears it', () => {
    feed([...aDoctorInTis(), gmcState('7000001', null, '2026-11-24T02:00:00Z')]);
    const [failed] = feed([exceptionLog('e1', '7000001', '2026-11-24T09:00:00Z')]);
    expect(failed.value?.exceptionReasons).toEqual(['GMC_UPDATE_FAILED']);
    const [cleared] = feed([gmcState('7000001', YORKSHIRE, '2026-11-25T02:00:00Z')]);
    expect(cleared.value?.exceptionReasons).toEqual([]);
    expect(cleared.value?.designatedBody).toBe(YORKSHIRE);
  });

  it('the newest GMC state wins: a replayed older sync state changes nothing', () => {
    feed([...aDoctorInTis(), gmcState('7000001', YORKSHIRE, '2026-11-25T02:00:00Z')]);
    expect(feed([gmcState('7000001', null, '2026-11-20T02:00:00Z')])).toEqual([]);
  });

  it('a doctor whose date has come is due, and flips when re-derived on that day', () => {
    feed([...aDoctorInTis(), gmcState('7000001', YORKSHIRE, '2026-11-25T02:00:00Z')]);
    const partition = partitionForKey('7000001', 3);
    const index = golden.driver.store(STAGES.doctors, partition, REEVALUATION_INDEX);
    expect([...index.keys()]).toEqual(['2027-08-07\u00007000001']);
    expect(golden.midnight('2027-08-06T00:00:30+01:00')).toEqual([]);
    const [flipped] = golden.midnight('2027-08-07T00:00:30+01:00');
    expect(flipped.value).toMatchObject({
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'PROGRAMME_ENDED',
    });
  });

  it('versions only go up, even when the clock goes back', () => {
    const [first] = feed(aDoctorInTis());
    const [second] = feed([tis.contact(1, 'Augusta', 'King')], '2020-01-01T00:00:00Z');
    expect(second.version).toBeGreaterThan(first.version);
  });

  it('the doctors store remembers what was written: re-deriving the same answer writes nothing', () => {
    feed(aDoctorInTis());
    golden.driver.punctuate(STAGES.doctors, (context) =>
      reconcileDoctor('7000001', context, golden.doctors),
    );
    expect(golden.written()).toEqual([]);
  });

  it('an update without the full document is merged into the doctorsForDB row held', () => {
    const document: Change = {
      source: 'doctorsForDB',
      key: '7000001',
      op: 'upsert',
      row: {
        gmcReferenceNumber: gmc('7000001'),
        doctorFirstName: 'Ada',
        doctorLastName: 'Lovelace',
        submissionDate: null,
        designatedBodyCode: YORKSHIRE,
        existsInGmc: true,
        gmcLastUpdatedDateTime: new Date('2026-11-25T02:00:00Z'),
        underNotice: 'NO',
        admin: null,
        doctorStatus: 'NOT_STARTED',
        lastUpdatedDate: '2026-11-25',
      },
    };
    feed([...aDoctorInTis(), document]);
    const [record] = feed([
      {
        source: 'doctorsForDB',
        key: '7000001',
        op: 'patch',
        set: { admin: 'reval.admin@nhs.net' },
        unset: [],
      },
    ]);
    expect(record.value?.admin).toBe('reval.admin@nhs.net');
  });

  it('a duplicate or reordered older change never moves a row backwards', () => {
    const at = (change: Change, position: number) => ({ ...change, position }) as Change;
    const current = tis.membership('pm-1', 1, 10, '2024-08-07', '2027-08-06');
    const ended = tis.membership('pm-1', 1, 10, '2024-08-07', '2026-11-24');
    const [first] = feed([
      ...aDoctorInTis().filter((c) => c.source !== 'programmeMembership'),
      at(ended, 20),
    ]);
    expect(first.value?.connectionReason).toBe('PROGRAMME_ENDED');
    // The older version arrives late, and the newer one again: nothing changes.
    expect(feed([at(current, 10), at(ended, 20)])).toEqual([]);
  });

  it('a deleted row is not revived by an older update arriving after its delete', () => {
    const at = (change: Change, position: number) => ({ ...change, position }) as Change;
    feed(aDoctorInTis().map((c, i) => at(c as Change, i)));
    const [deleted] = feed([at(tis.deleteMembership('pm-1'), 50)]);
    expect(deleted.value?.connectionReason).toBe('NO_PROGRAMME_MEMBERSHIP');
    const tombstone = tis.deleteMembership('pm-1');
    expect(
      feed([at(tis.membership('pm-1', 1, 10, '2024-08-07', '2027-08-06'), 40), tombstone]),
    ).toEqual([]);
  });
});

describe('connections topology across partitions', () => {
  it('a programme owner edit re-derives every doctor in the programme, whichever partition holds them', () => {
    const golden = connectionsDriver({ partitions: 4 });
    const doctors = ['7000001', '7000002', '7000003', '7000004', '7000005', '7000006'];
    golden.feed(doctors.flatMap((gmc, i) => aDoctorInTis(i + 1, gmc)));
    const partitions = new Set(doctors.map((gmc) => partitionForKey(gmc, 4)));
    expect(partitions.size).toBeGreaterThan(1);
    const records = golden.feed([tis.programme(10, 'North East')]);
    expect(records.map((r) => [r.key, r.value?.tcsDesignatedBody])).toEqual(
      doctors.map((gmc) => [gmc, NORTH_EAST]),
    );
  });

  it('a GMC number change moves the doctor: a tombstone for the old key, the record under the new', () => {
    const golden = connectionsDriver({ partitions: 4 });
    golden.feed(aDoctorInTis(1, '7000001'));
    expect(partitionForKey('7000001', 4)).not.toBe(partitionForKey('7000009', 4));
    const records = golden.feed([tis.gmcNumber(1, '7000009')]);
    expect(records.map((r) => [r.key, r.value?.tcsPersonId ?? null])).toEqual([
      ['7000001', null],
      ['7000009', 1],
    ]);
    // The old key's doctor is gone from the doctors store's live view, the new one is there.
    const stored = (gmc: string) =>
      golden.driver
        .store<{ tis: Record<string, unknown> }>(STAGES.doctors, partitionForKey(gmc, 4), 'doctors')
        .get(gmc)?.tis;
    expect(Object.keys(stored('7000001') ?? {})).toEqual([]);
    expect(Object.keys(stored('7000009') ?? {})).toEqual(['1']);
  });

  it('a curriculum membership moved to another programme membership leaves the first one', () => {
    const golden = connectionsDriver();
    golden.feed([
      ...aDoctorInTis(1, '7000001'),
      tis.membership('pm-extra', 1, 10, '2020-08-07', '2021-08-06'),
    ]);
    const [record] = golden.feed([tis.curriculum(100, 'pm-extra', '2021-08-06')]);
    // pm-1 lost its only curriculum, so the ended pm-extra is the one left to select.
    expect(record.value).toMatchObject({
      connectionReason: 'PROGRAMME_ENDED',
      selectedProgrammeMembershipUuid: 'pm-extra',
    });
  });

  it('each stage holds only the entities of its own partitions', () => {
    const golden = connectionsDriver({ partitions: 4 });
    const doctors = ['7000001', '7000002', '7000003', '7000004', '7000005', '7000006'];
    golden.feed(doctors.flatMap((gmc, i) => aDoctorInTis(i + 1, gmc)));
    for (const partition of golden.driver.partitionsWithState(STAGES.doctors)) {
      for (const gmc of golden.driver.store(STAGES.doctors, partition, 'doctors').keys()) {
        expect(partitionForKey(gmc, 4)).toBe(partition);
      }
    }
    for (const partition of golden.driver.partitionsWithState(STAGES.persons)) {
      for (const person of golden.driver.store(STAGES.persons, partition, 'persons').keys()) {
        expect(partitionForKey(person, 4)).toBe(partition);
      }
    }
  });
});
