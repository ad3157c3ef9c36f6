// The connections processor on real Kafka and the real schema registry: Debezium events and
// GMC states in, reval.connections out, checked against the rules applied to an independent
// reading of the same population.
import type { RunningConnections } from '../../processors/connections/processor';
import { startFromEnv as startConnections } from '../../processors/connections/runtime';
import { DLQ_HEADERS } from '../../processors/platform/dead-letters';
import { generatePopulation } from '../../dev/population';
import {
  expectConnectionsMatch,
  expectedConnections,
  seedPopulation,
  type SeededPopulation,
  seedDoctorEndingOn,
} from '../support/seeded-population';
import { programmeMembershipRow, tisSnapshotEvents } from '../../dev/population/events';
import {
  createStreamHarness,
  eventually,
  manualClock,
  privateTopicsEnv,
  settledConnections,
  type StreamHarness,
} from '../support/stream-harness';

const TODAY = '2026-11-25';

const seed = (harness: StreamHarness, doctorsPerBody: number) =>
  seedPopulation(harness, { doctorsPerBody, today: TODAY });
const expectedRecords = (
  population: SeededPopulation['population'],
  states: SeededPopulation['states'],
  today = TODAY,
) => expectedConnections({ population, states }, today);
const expectMatches = expectConnectionsMatch;

describe('connections processor (real Kafka and registry)', () => {
  let harness: StreamHarness;
  const running: RunningConnections[] = [];

  beforeEach(async () => {
    harness = await createStreamHarness(privateTopicsEnv());
  });

  afterEach(async () => {
    for (const processor of running.splice(0)) await processor.stop();
    await harness.close();
  });

  const appId = () => `${harness.topics.connections}-group`;

  async function start(clock = manualClock(`${TODAY}T10:00:00Z`)) {
    const processor = await startConnections({ env: harness.env, clock, groupId: appId() });
    running.push(processor);
    await eventually(async () => expect(processor.isReady()).toBe(true), 60_000);
    return processor;
  }

  it('derives every doctor of a snapshot exactly as the rules read the same data', async () => {
    const { population, states } = await seed(harness, 6);
    await start();
    const expected = expectedRecords(population, states);
    await eventually(
      async () => expectMatches(await harness.latestConnections(), expected),
      60_000,
    );
    // The mix is realistic: not everything agrees.
    const discrepancies = [...expected.values()].filter((record) => record.discrepancy !== null);
    expect(discrepancies.length).toBeGreaterThan(0);
  });

  it('an edited end date, a deletion and a GMC change flow through; unchanged doctors stay quiet', async () => {
    const { population, states } = await seed(harness, 2);
    await start();
    const person = population.persons.find(
      (p) => p.memberships[0].curricula.length > 0 && p.memberships[0].endDate > TODAY,
    );
    if (!person) throw new Error('population has no current doctor');
    // The snapshot is taken once every doctor is derived and the output has stopped moving: one
    // doctor reaching CONNECTED says nothing of the others, still being assembled row by row.
    const expected = expectedRecords(population, states);
    const before = await settledConnections(harness, appId(), (latest) =>
      expectMatches(latest, expected),
    );
    expect(before.get(person.gmcReferenceNumber)?.value?.connectionStatus).toBe('CONNECTED');
    const membership = person.memberships[0];
    await harness.produce(
      await harness.events.mysqlRow('ProgrammeMembership', 'u', {
        before: programmeMembershipRow(person.personId, membership),
        after: {
          ...programmeMembershipRow(person.personId, membership),
          programmeEndDate: '2026-11-24',
        },
      }),
    );
    await eventually(async () =>
      expect(
        (await harness.latestConnections()).get(person.gmcReferenceNumber)?.value,
      ).toMatchObject({
        connectionStatus: 'DISCONNECTED',
        connectionReason: 'PROGRAMME_ENDED',
      }),
    );
    const after = await harness.latestConnections();
    const changed = [...after]
      .filter(([key, record]) => before.get(key)?.version !== record.version)
      .map(([key]) => key);
    expect(changed).toEqual([person.gmcReferenceNumber]);
  });

  it('at midnight a programme that ended yesterday shows as ended, with no new event', async () => {
    const clock = manualClock('2026-11-25T23:59:00Z');
    await seedDoctorEndingOn(harness, '2026-11-25');
    const processor = await start(clock);
    await eventually(async () =>
      expect((await harness.latestConnections()).get('7654321')?.value).toMatchObject({
        connectionStatus: 'CONNECTED',
        nextReevaluationDate: '2026-11-26',
      }),
    );
    clock.set('2026-11-26T00:00:05Z'); // 00:00:05 in London (GMT in November)
    await processor.reevaluateDue();
    await eventually(async () =>
      expect((await harness.latestConnections()).get('7654321')?.value).toMatchObject({
        connectionStatus: 'DISCONNECTED',
        connectionReason: 'PROGRAMME_ENDED',
        nextReevaluationDate: null,
      }),
    );
  });

  it('poison records in every input topic go to the DLQ with their reason, and the rest flows', async () => {
    const { population, states } = await seed(harness, 1);
    const inputTopics = [
      harness.topics.contactDetails,
      harness.topics.gmcDetails,
      harness.topics.person,
      harness.topics.programmeMembership,
      harness.topics.curriculumMembership,
      harness.topics.programme,
      harness.topics.placement,
      harness.topics.doctorsForDB,
      harness.topics.exceptionLogs,
      harness.topics.connectionLogs,
      harness.topics.hiddenDiscrepancy,
      harness.topics.recommendation,
      harness.topics.gmcDoctors,
    ];
    await harness.produce(
      inputTopics.map((topic) => ({ topic, key: 'poison', value: Buffer.from('{not json') })),
    );
    await start();
    await eventually(
      async () =>
        expectMatches(await harness.latestConnections(), expectedRecords(population, states)),
      60_000,
    );
    const letters = await eventually(async () => {
      const records = await harness.readAll(harness.topics.dlq);
      expect(records).toHaveLength(inputTopics.length);
      return records;
    });
    expect(letters.map((letter) => letter.headers[DLQ_HEADERS.topic].toString()).sort()).toEqual(
      [...inputTopics].sort(),
    );
    for (const letter of letters) {
      expect(letter.headers[DLQ_HEADERS.reason].toString()).not.toHaveLength(0);
      const deadLetter = (await harness.codecs.decode(letter.value as Buffer)) as {
        value: Buffer;
        reason: string;
      };
      expect(deadLetter.value.toString()).toBe('{not json');
    }
  });

  it("the revalidation services' collections reach the record; a malformed document of each is dead-lettered with its reason", async () => {
    await seedDoctorEndingOn(harness, '2027-08-06');
    const { events } = harness;
    const gmcId = '7654321';
    const connectionLog = {
      _id: '0d6c5f8e-3a51-4c1e-9f0b-6f1d2a7c9b11',
      gmcId,
      newDesignatedBodyCode: '1-1RSSQ1B',
      updatedBy: 'reval.admin@nhs.net',
      requestTime: new Date('2026-11-24T10:15:00Z'),
      requestType: 'ADD',
      responseCode: '0',
    };
    const hidden = {
      _id: '6560f1c0b84f7a4f3e9d5501',
      gmcId,
      hiddenForDesignatedBodyCode: '1-1RSSQ1B',
      hiddenBy: 'reval.admin@nhs.net',
      reason: 'Known',
      hiddenDateTime: new Date('2026-11-20T09:00:00Z'),
      hiddenUntilDate: new Date('2027-02-28T00:00:00Z'),
    };
    const recommendation = {
      _id: '6561a2b3c4d5e6f708192a01',
      gmcNumber: gmcId,
      outcome: 'UNDER_REVIEW',
      actualSubmissionDate: new Date('2026-11-24T00:00:00Z'),
      gmcSubmissionDate: new Date('2027-03-31T00:00:00Z'),
    };
    await harness.produce([
      ...(await events.mongoDocument('doctorsForDB', 'c', {
        _id: gmcId,
        doctorStatus: 'SUBMITTED_TO_GMC',
        lastUpdatedDate: new Date('2026-11-24T00:00:00Z'),
        gmcLastUpdatedDateTime: new Date('2026-11-24T10:15:00Z'),
        designatedBodyCode: '1-1RSSQ1B',
        existsInGmc: true,
      })),
      ...(await events.mongoDocument('connectionLogs', 'c', connectionLog)),
      ...(await events.mongoDocument('hiddenDiscrepancy', 'c', hidden)),
      ...(await events.mongoDocument('recommendation', 'c', recommendation)),
      // One malformed document in each, after the good ones.
      ...(await events.mongoDocument('connectionLogs', 'c', {
        ...connectionLog,
        _id: 'bad-time',
        requestTime: 'yesterday',
      })),
      ...(await events.mongoDocument('hiddenDiscrepancy', 'c', {
        ...hidden,
        _id: 'x',
        gmcId: 'N/A',
      })),
      ...(await events.mongoDocument('recommendation', 'c', {
        ...recommendation,
        _id: 'y',
        outcome: 'MAYBE',
      })),
    ]);
    await start();
    await eventually(async () =>
      expect((await harness.latestConnections()).get(gmcId)?.value).toMatchObject({
        connectionStatus: 'CONNECTED',
        tisStatus: 'SUBMITTED_TO_GMC',
        lastUpdatedDate: '2026-11-24',
        gmcStatus: 'Under Review',
        updatedBy: 'reval.admin@nhs.net',
        lastConnectionDateTime: '2026-11-24T10:15:00.000Z',
        hiddenDiscrepancies: [
          {
            id: '6560f1c0b84f7a4f3e9d5501',
            gmcId,
            hiddenForDesignatedBodyCode: '1-1RSSQ1B',
            hiddenBy: 'reval.admin@nhs.net',
            reason: 'Known',
            hiddenDateTime: '2026-11-20T09:00:00.000Z',
            hiddenUntilDate: '2027-02-28',
          },
        ],
        sources: ['tis', 'doctorsForDB', 'connectionLogs', 'hiddenDiscrepancy', 'recommendation'],
      }),
    );
    const letters = await eventually(async () => {
      const records = await harness.readAll(harness.topics.dlq);
      expect(records).toHaveLength(3);
      return records;
    });
    const reasons = Object.fromEntries(
      letters.map((letter) => [
        letter.headers[DLQ_HEADERS.topic].toString(),
        letter.headers[DLQ_HEADERS.reason].toString(),
      ]),
    );
    expect(reasons).toEqual({
      [harness.topics.connectionLogs]: expect.stringMatching(
        /field "requestTime": expected an instant/,
      ),
      [harness.topics.hiddenDiscrepancy]: expect.stringMatching(
        /invalid GMC number in hiddenDiscrepancy gmcId \(placeholder\)/,
      ),
      [harness.topics.recommendation]: expect.stringMatching(/field "outcome": expected one of/),
    });
  });

  it('every input delivered twice gives the same records, and a restart writes nothing new', async () => {
    const { population, states } = await seed(harness, 2);
    await seed(harness, 2);
    const first = await start();
    const expected = expectedRecords(population, states);
    const settled = await settledConnections(harness, appId(), (latest) =>
      expectMatches(latest, expected),
    );
    await first.stop();
    running.splice(running.indexOf(first), 1);
    await start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const afterRestart = await harness.latestConnections();
    const versions = (latest: typeof settled) =>
      [...latest]
        .map(([key, record]) => [key, record.version])
        .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(versions(afterRestart)).toEqual(versions(settled));
  });

  it('two instances share the partitions; after a rebalance mid-stream nothing is missing or stale', async () => {
    const { population, states } = await seed(harness, 4);
    await start();
    const second = startConnections({
      // A second instance has a state directory of its own, as on another machine.
      env: { ...harness.env, REVAL_STATE_DIR: `${harness.env.REVAL_STATE_DIR}-second` },
      clock: manualClock(`${TODAY}T10:00:00Z`),
      groupId: `${harness.topics.connections}-group`,
    });
    running.push(await second);
    // More input while the group rebalances: new persons with numbers GMC does not list.
    const extra = generatePopulation({ doctorsPerBody: 1, today: TODAY, seed: 99 }).persons.map(
      (person, i) => ({
        ...person,
        personId: 900_000 + i,
        gmcReferenceNumber: String(8_800_000 + i),
        memberships: person.memberships.map((m, j) => ({
          ...m,
          uuid: `extra-${i}-${j}`,
          curricula: m.curricula.map((c) => ({ ...c, id: 990_000 + i * 10 + j })),
        })),
        placements: person.placements.map((p) => ({ ...p, id: 995_000 + i })),
      }),
    );
    const moreEvents = [];
    for (const person of extra) {
      moreEvents.push(
        ...(await tisSnapshotEvents(
          { ...population, programmes: [], persons: [person] },
          harness.events,
        )),
      );
    }
    await harness.produce(moreEvents);
    const all = { ...population, persons: [...population.persons, ...extra] };
    await eventually(
      async () => expectMatches(await harness.latestConnections(), expectedRecords(all, states)),
      90_000,
    );
  });
});
