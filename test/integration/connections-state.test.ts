// The connections processor's state stores on real Kafka: what a restart reads, with the
// local store kept, deleted or corrupted, and that midnight (across a DST change) still works
// on restored state. Each case checks the records against the rules applied to the inputs.
import { readdirSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningConnections } from '../../processors/connections/processor';
import { startFromEnv as startConnections } from '../../processors/connections/runtime';
import {
  expectConnectionsMatch,
  expectedConnections,
  seedPopulation,
  type SeededPopulation,
  seedDoctorEndingOn,
} from '../support/seeded-population';
import { programmeMembershipRow } from '../../dev/population/events';
import {
  createStreamHarness,
  eventually,
  manualClock,
  privateTopicsEnv,
  settledConnections,
  type ManualClock,
  type StreamHarness,
} from '../support/stream-harness';

const TODAY = '2026-11-25';

describe('connections state stores (real Kafka and registry)', () => {
  let harness: StreamHarness;
  let groupId: string;
  const running: RunningConnections[] = [];

  beforeEach(async () => {
    harness = await createStreamHarness(privateTopicsEnv());
    groupId = `${harness.topics.connections}-app`;
  });

  afterEach(async () => {
    for (const processor of running.splice(0)) await processor.stop();
    await harness.close();
  });

  const stateDir = () => join(harness.env.REVAL_STATE_DIR as string, groupId);

  async function start(clock: ManualClock = manualClock(`${TODAY}T10:00:00Z`)) {
    const processor = await startConnections({ env: harness.env, clock, groupId });
    running.push(processor);
    await eventually(async () => expect(processor.isReady()).toBe(true), 60_000);
    return processor;
  }

  async function stop(processor: RunningConnections) {
    running.splice(running.indexOf(processor), 1);
    await processor.stop();
  }

  const seed = (doctorsPerBody: number) =>
    seedPopulation(harness, { doctorsPerBody, today: TODAY, seed: 1 });
  const expected = (seeded: SeededPopulation) => expectedConnections(seeded, TODAY);
  const expectRecordsMatch = (want: ReturnType<typeof expected>) =>
    eventually(async () => expectConnectionsMatch(await harness.latestConnections(), want), 60_000);
  /** Matching and no longer moving: the first instance has nothing left to read when stopped. */
  const settledRecords = (want: ReturnType<typeof expected>) =>
    settledConnections(harness, groupId, (latest) => expectConnectionsMatch(latest, want));

  /**
   * Ends one connected doctor's only programme membership yesterday: a one-record tail whose
   * effect (PROGRAMME_ENDED, with the programme name still shown) needs the whole state.
   */
  async function endOneMembership(seeded: SeededPopulation) {
    const before = expected(seeded);
    const person = seeded.population.persons.find(
      (candidate) =>
        candidate.memberships.length === 1 &&
        before.get(candidate.gmcReferenceNumber)?.connectionStatus === 'CONNECTED',
    );
    if (!person) throw new Error('the population has no connected doctor with one membership');
    const membership = person.memberships[0];
    membership.endDate = '2026-11-24';
    await harness.produce(
      await harness.events.mysqlRow('ProgrammeMembership', 'u', {
        after: programmeMembershipRow(person.personId, membership),
      }),
    );
    expect(expected(seeded).get(person.gmcReferenceNumber)?.connectionReason).toBe(
      'PROGRAMME_ENDED',
    );
    return person.gmcReferenceNumber;
  }

  async function ended(gmc: string) {
    await eventually(async () =>
      expect((await harness.latestConnections()).get(gmc)?.value?.connectionReason).toBe(
        'PROGRAMME_ENDED',
      ),
    );
  }

  it('a restart with the store kept restores nothing and reads only the tail', async () => {
    const seeded = await seed(3);
    const first = await start();
    const settled = await settledRecords(expected(seeded));
    const versions = new Map([...settled].map(([key, record]) => [key, record.version]));
    await stop(first);
    const groupsBefore = new Set(await harness.kafka.listGroups());
    const gmc = await endOneMembership(seeded);
    const second = await start();
    await ended(gmc);
    // State readers (restore, the Programme table) fetch by offset, in no group: a restart
    // adds no consumer group, only the application's own one is there.
    const added = (await harness.kafka.listGroups()).filter((group) => !groupsBefore.has(group));
    expect(added.filter((group) => group.includes(groupId) || group.startsWith('reval-'))).toEqual(
      [],
    );
    expect(groupsBefore.has(groupId)).toBe(true);
    const report = second.stateReport();
    expect(report.restoredRecords).toBe(0);
    // The one new ProgrammeMembership record, then its way through the stages.
    expect(report.consumed[harness.topics.programmeMembership]).toBe(1);
    expect(report.consumed[harness.topics.person] ?? 0).toBe(0);
    expect(report.consumed[harness.topics.gmcDoctors] ?? 0).toBe(0);
    // Only the renamed doctor was written again.
    const after = await harness.latestConnections();
    const rewritten = [...after].filter(([key, r]) => versions.get(key) !== r.version);
    expect(rewritten.map(([key]) => key)).toEqual([gmc]);
    await expectRecordsMatch(expected(seeded));
  });

  it('a fresh instance (empty disk) restores from the changelogs, not from the raw topics', async () => {
    const seeded = await seed(3);
    const first = await start();
    await settledRecords(expected(seeded));
    await stop(first);
    rmSync(stateDir(), { recursive: true, force: true });
    const gmc = await endOneMembership(seeded);
    const second = await start();
    await ended(gmc);
    const report = second.stateReport();
    expect(report.restoredRecords).toBeGreaterThan(0);
    expect(report.consumed[harness.topics.programmeMembership]).toBe(1);
    expect(report.consumed[harness.topics.contactDetails] ?? 0).toBe(0);
    await expectRecordsMatch(expected(seeded));
  });

  it('a truncated or corrupted store file is discarded and restored from its changelog', async () => {
    const seeded = await seed(2);
    const first = await start();
    await settledRecords(expected(seeded));
    await stop(first);
    const tasks = readdirSync(stateDir()).filter((name) =>
      statSync(join(stateDir(), name)).isDirectory(),
    );
    const files = tasks.flatMap((task) =>
      readdirSync(join(stateDir(), task))
        .filter((name) => !name.endsWith('-wal') && !name.endsWith('-shm'))
        .map((name) => join(stateDir(), task, name)),
    );
    expect(files.length).toBeGreaterThan(0);
    // Half the files truncated to half their size, the other half overwritten with garbage.
    files.forEach((file, i) => {
      if (i % 2 === 0) truncateSync(file, Math.floor(statSync(file).size / 2));
      else writeFileSync(file, Buffer.alloc(statSync(file).size || 4096, 0x5a));
    });
    const gmc = await endOneMembership(seeded);
    const second = await start();
    await ended(gmc);
    expect(second.stateReport().restoredRecords).toBeGreaterThan(0);
    await expectRecordsMatch(expected(seeded));
  });

  it('midnight re-evaluation works on restored state, across the spring DST change', async () => {
    // London clocks go forward at 01:00 UTC on 28 March 2027; midnight that day is 00:00 UTC.
    const clock = manualClock('2027-03-27T12:00:00Z');
    await seedDoctorEndingOn(harness, '2027-03-27');
    const first = await start(clock);
    await eventually(async () =>
      expect((await harness.latestConnections()).get('7654321')?.value).toMatchObject({
        connectionStatus: 'CONNECTED',
        nextReevaluationDate: '2027-03-28',
      }),
    );
    await stop(first);
    rmSync(stateDir(), { recursive: true, force: true });
    const second = await start(clock);
    expect(second.stateReport().restoredRecords).toBeGreaterThan(0);
    clock.set('2027-03-27T23:59:59Z'); // still the 27th in London
    await second.reevaluateDue();
    clock.set('2027-03-28T00:00:05Z'); // the 28th in London (GMT until 01:00 UTC)
    await second.reevaluateDue();
    await eventually(async () =>
      expect((await harness.latestConnections()).get('7654321')?.value).toMatchObject({
        connectionStatus: 'DISCONNECTED',
        connectionReason: 'PROGRAMME_ENDED',
        nextReevaluationDate: null,
      }),
    );
  });
});
