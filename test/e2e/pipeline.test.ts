// End to end on the real services: CDC and GMC events in, documents in the Elasticsearch
// views out. Each scenario reads as the documentation of one behaviour of the Connections
// screens.
import { removeViews } from '../support/leftovers';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningConnections } from '../../processors/connections/processor';
import { startFromEnv as startConnections } from '../../processors/connections/runtime';
import { recomputeConnections } from '../../processors/connections/recompute';
import { waitUntilViewsCaughtUp } from '../../processors/cli/views-caught-up';
import { startFromEnv as startEsSinkFromEnv } from '../../processors/es-sink/runtime';
import { viewNames } from '../../processors/es-sink/views';
import { createElasticsearchClient } from '../../processors/platform/elasticsearch';
import { elasticsearchConfig, type Env } from '../../processors/platform/config';
import { deriveConnection } from '../../processors/rules/derive';
import { loadDesignatedBodies } from '../../processors/platform/designated-bodies';
import { generatePopulation, type PopulationPerson } from '../../dev/population';
import { gmcStateMessages, membershipEndDateEdits } from '../support/seeded-population';
import {
  gmcDoctorRecord,
  gmcStates,
  personEvents,
  populationInputs,
  tisSnapshotEvents,
} from '../../dev/population/events';
import {
  createStreamHarness,
  eventually,
  manualClock,
  privatePipelineEnv,
  type ManualClock,
  type StreamHarness,
} from '../support/stream-harness';

const TODAY = '2026-11-25';
const YORKSHIRE = '1-1RSG4X0';
const root = join(__dirname, '..', '..');

describe('the pipeline, end to end', () => {
  let harness: StreamHarness;
  let env: Env;
  const stops: (() => Promise<void>)[] = [];
  const es = createElasticsearchClient(elasticsearchConfig());

  beforeEach(async () => {
    env = privatePipelineEnv('e2e');
    harness = await createStreamHarness(env);
  });

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await removeViews(es, env.ES_INDEX_PREFIX ?? '');
    await harness.close();
  });

  afterAll(() => es.close());

  async function runConnections(
    clock: ManualClock = manualClock(`${TODAY}T10:00:00Z`),
  ): Promise<RunningConnections> {
    const processor = await startConnections({ env, clock });
    stops.push(() => processor.stop());
    return processor;
  }

  async function runSink(): Promise<void> {
    const sink = await startEsSinkFromEnv({ env });
    stops.push(() => sink.stop());
  }

  /** GMC numbers in a view, as the Connections screen would list them. */
  async function view(
    name: keyof ReturnType<typeof viewNames>['filtered'] | 'master',
  ): Promise<string[]> {
    const views = viewNames(env.ES_INDEX_PREFIX);
    const alias = name === 'master' ? views.master : views.filtered[name];
    await es.indices.refresh({ index: alias });
    const result = await es.search<{ gmcReferenceNumber: string }>({
      index: alias,
      size: 10_000,
      _source: ['gmcReferenceNumber'],
    });
    return result.hits.hits.map((hit) => hit._source?.gmcReferenceNumber as string).sort();
  }

  async function documentOf(gmc: string): Promise<Record<string, unknown> | undefined> {
    const views = viewNames(env.ES_INDEX_PREFIX);
    const result = await es.search<Record<string, unknown>>({
      index: views.master,
      query: { ids: { values: [gmc] } },
    });
    return result.hits.hits[0]?._source;
  }

  async function publishGmcState(gmc: string, designatedBody: string | null, requestTime: string) {
    const record = gmcDoctorRecord({
      gmcReferenceNumber: gmc,
      doctorFirstName: 'Ada',
      doctorLastName: 'Lovelace',
      submissionDate: '2027-03-31',
      underNotice: 'NO',
      designatedBody,
      existsInGmc: designatedBody !== null,
      requestTime: new Date(requestTime),
    });
    await harness.produce([
      {
        topic: harness.topics.gmcDoctors,
        key: gmc,
        value: await harness.codecs.encode('gmcDoctor', record),
      },
    ]);
  }

  const ada: PopulationPerson = {
    personId: 4711,
    gmcReferenceNumber: '7000001',
    role: 'DR in Training',
    forenames: 'Ada',
    surname: 'Lovelace',
    memberships: [
      {
        uuid: 'pm-ada',
        programmeId: 1,
        type: 'SUBSTANTIVE',
        startDate: '2024-08-07',
        endDate: '2027-08-06',
        curricula: [{ id: 11, curriculumId: 42, startDate: '2024-08-07', endDate: '2027-08-06' }],
      },
    ],
    placements: [{ id: 21, gradeId: 279, dateFrom: '2026-08-05', dateTo: '2027-02-03' }],
  };
  const programme = {
    id: 1,
    programmeName: 'General Practice',
    programmeNumber: 'GP-1',
    owner: 'Yorkshire and the Humber',
  };
  const membershipRow = (endDate: string) => ({
    uuid: 'pm-ada',
    personId: 4711,
    programmeId: 1,
    programmeMembershipType: 'SUBSTANTIVE',
    programmeStartDate: '2024-08-07',
    programmeEndDate: endDate,
  });

  async function seedAda() {
    await harness.produce([
      ...(await harness.events.mysqlRow('Programme', 'r', { after: programme })),
      ...(await personEvents(ada, harness.events, 'r')),
    ]);
    await publishGmcState('7000001', YORKSHIRE, '2026-11-25T02:00:00Z');
  }

  /**
   * Ada's document with every input applied. CONNECTED alone is not enough: it needs only the
   * TIS rows, and her names or GMC's state may still be on their way.
   */
  async function adaComplete() {
    await eventually(async () => {
      expect(await view('connected')).toEqual(['7000001']);
      expect(await view('connectedInGmc')).toEqual(['7000001']);
      expect(await documentOf('7000001')).toMatchObject({
        doctorFirstName: 'Ada',
        programmeName: 'General Practice',
        designatedBody: YORKSHIRE,
        placementGrades: ['279'],
      });
    }, 60_000);
  }

  it('a new doctor in TIS and GMC appears in the right views with the right fields', async () => {
    await seedAda();
    await runConnections();
    await runSink();
    await adaComplete();
    expect(await view('disconnected')).toEqual([]);
    expect(await view('exceptions')).toEqual([]);
    expect(await view('discrepancies')).toEqual([]);
    expect(await documentOf('7000001')).toMatchObject({
      gmcReferenceNumber: '7000001',
      tcsPersonId: 4711,
      doctorFirstName: 'Ada',
      doctorLastName: 'Lovelace',
      programmeName: 'General Practice',
      membershipType: 'SUBSTANTIVE',
      programmeOwner: 'Yorkshire and the Humber',
      designatedBody: YORKSHIRE,
      tcsDesignatedBody: YORKSHIRE,
      membershipStartDate: '2024-08-07',
      membershipEndDate: '2027-08-06',
      curriculumEndDate: '2027-08-06',
      existsInGmc: true,
      connectionStatus: 'CONNECTED',
    });
  });

  it('an end date edited into the past moves the doctor from connected to disconnected and into exceptions', async () => {
    await seedAda();
    await runConnections();
    await runSink();
    await adaComplete();
    await harness.produce(
      await harness.events.mysqlRow('ProgrammeMembership', 'u', {
        before: membershipRow('2027-08-06'),
        after: membershipRow('2026-11-24'),
      }),
    );
    await eventually(async () => expect(await view('disconnected')).toEqual(['7000001']));
    expect(await view('connected')).toEqual([]);
    expect(await view('exceptions')).toEqual(['7000001']);
    expect(await view('discrepancies')).toEqual(['7000001']);
    expect(await documentOf('7000001')).toMatchObject({
      connectionReason: 'PROGRAMME_ENDED',
      exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
      discrepancy: 'READY_FOR_DISCONNECTION',
    });
  });

  it('deleting the programme membership (delete + tombstone) re-derives the doctor', async () => {
    await seedAda();
    await runConnections();
    await runSink();
    await adaComplete();
    await harness.produce(
      await harness.events.mysqlRow('ProgrammeMembership', 'd', {
        before: membershipRow('2027-08-06'),
      }),
    );
    await eventually(async () =>
      expect(await documentOf('7000001')).toMatchObject({
        connectionStatus: 'DISCONNECTED',
        connectionReason: 'NO_PROGRAMME_MEMBERSHIP',
      }),
    );
  });

  it('a GMC sync disconnection removes the doctor from current_connections', async () => {
    await seedAda();
    await runConnections();
    await runSink();
    await adaComplete();
    await publishGmcState('7000001', null, '2026-11-26T02:00:00Z');
    await eventually(async () => expect(await view('connectedInGmc')).toEqual([]));
    expect(await view('discrepancies')).toEqual(['7000001']);
    expect(await documentOf('7000001')).toMatchObject({
      discrepancy: 'READY_FOR_CONNECTION',
      existsInGmc: false,
    });
  });

  it('the views count as caught up only once a GMC sync has reached them, though it changes no document count', async () => {
    const population = generatePopulation({ doctorsPerBody: 10, today: TODAY, seed: 11 });
    const states = gmcStates(population, new Date('2026-11-25T02:00:00Z'));
    await harness.produce(await tisSnapshotEvents(population, harness.events));
    await harness.produce(await gmcStateMessages(harness, states));
    await runConnections();
    await runSink();
    await waitUntilViewsCaughtUp(env, 120_000);
    const doctors = populationInputs(population, states).size;
    expect(await view('master')).toHaveLength(doctors);

    // The next night's sync, in one transaction as the GMC sync writes it: every other
    // doctor disconnected. The document count stays the same.
    const nextNight = states.map((state, i) =>
      i % 2 === 0 ? state : { ...state, designatedBody: null, existsInGmc: false },
    );
    const sync = await harness.kafka.createTransactionalProducer(`${env.CONNECTIONS_GROUP_ID}-gmc`);
    try {
      const messages = await gmcStateMessages(
        harness,
        nextNight.map((state) => ({ ...state, requestTime: new Date('2026-11-26T02:00:00Z') })),
      );
      await sync.transaction((scope) =>
        scope.send(
          harness.topics.gmcDoctors,
          messages.map(({ key, value }) => ({ key, value })),
        ),
      );
    } finally {
      await sync.disconnect();
    }
    await waitUntilViewsCaughtUp(env, 120_000);
    // No waiting here: caught up means the views already show the whole sync.
    expect(await view('master')).toHaveLength(doctors);
    expect(await view('connectedInGmc')).toEqual(
      nextNight
        .filter((state) => state.designatedBody !== null)
        .map((state) => state.gmcReferenceNumber)
        .sort(),
    );
  });

  it('an exception log puts the doctor in exceptions; a later successful GMC change takes it out', async () => {
    await seedAda();
    await runConnections();
    await runSink();
    await adaComplete();
    await harness.produce(
      await harness.events.mongoDocument('exceptionLogs', 'c', {
        _id: { $oid: '65f1c0b8e4f7a4f3e9d550c6' },
        gmcId: '7000001',
        errorMessage: 'Doctor already connected to another designated body',
        timestamp: new Date('2026-11-25T09:00:00Z'),
        admin: 'admin@nhs.net',
      }),
    );
    await eventually(async () => expect(await view('exceptions')).toEqual(['7000001']));
    expect((await documentOf('7000001'))?.exceptionReasons).toEqual(['GMC_UPDATE_FAILED']);
    await publishGmcState('7000001', YORKSHIRE, '2026-11-25T10:00:00Z');
    await eventually(async () => expect(await view('exceptions')).toEqual([]));
  });

  it('midnight passes and a status flips with no new event', async () => {
    await harness.produce([
      ...(await harness.events.mysqlRow('Programme', 'r', { after: programme })),
      ...(await personEvents(
        {
          ...ada,
          memberships: [
            {
              ...ada.memberships[0],
              endDate: TODAY,
              curricula: [{ ...ada.memberships[0].curricula[0], endDate: TODAY }],
            },
          ],
        },
        harness.events,
        'r',
      )),
    ]);
    const clock = manualClock(`${TODAY}T23:59:30Z`);
    const connections = await runConnections(clock);
    await runSink();
    await eventually(async () => expect(await view('connected')).toEqual(['7000001']), 60_000);
    clock.set('2026-11-26T00:00:01Z');
    await connections.reevaluateDue();
    await eventually(async () => expect(await view('disconnected')).toEqual(['7000001']));
    expect((await documentOf('7000001'))?.connectionReason).toBe('PROGRAMME_ENDED');
  });

  it('every input delivered twice, and reordered within each source partition, gives the same final views', async () => {
    const population = generatePopulation({ doctorsPerBody: 3, today: TODAY, seed: 3 });
    const states = gmcStates(population, new Date('2026-11-25T02:00:00Z'));
    const snapshot = await tisSnapshotEvents(population, harness.events);
    // A later change to every membership, so that order matters: each ends yesterday.
    const edits = await membershipEndDateEdits(harness.events, population.persons, '2026-11-24');
    const everything = [...snapshot, ...edits];
    // Twice, and within each topic the second copy comes in reverse order.
    const reordered = [...everything, ...[...everything].reverse()];
    await harness.produce(reordered);
    const gmcMessages = await gmcStateMessages(harness, [...states, ...states]);
    await harness.produce(gmcMessages);
    await runConnections();
    await runSink();
    const designatedBodies = loadDesignatedBodies({});
    const expected = [...populationInputs(population, states)].map(
      ([gmc, inputs]) => [gmc, deriveConnection(inputs, TODAY, designatedBodies)] as const,
    );
    await eventually(
      async () => expect(await view('master')).toEqual(expected.map(([gmc]) => gmc).sort()),
      60_000,
    );
    const connected = expected
      .filter(([, d]) => d.connectionStatus === 'CONNECTED')
      .map(([gmc]) => gmc)
      .sort();
    await eventually(async () => expect(await view('connected')).toEqual(connected));
    // The newest version of most memberships ended yesterday: had an older copy won, these
    // doctors would still show as connected.
    const ended = expected.filter(([, d]) => d.connectionReason === 'PROGRAMME_ENDED');
    expect(ended.length).toBeGreaterThan(expected.length / 2);
    // The views are eventually consistent: the exception view may trail the connected one.
    await eventually(async () =>
      expect(await view('exceptions')).toEqual(
        expected
          .filter(([, d]) => d.exceptionReasons.length > 0)
          .map(([gmc]) => gmc)
          .sort(),
      ),
    );
  });

  it('connections killed with SIGKILL mid-stream, restarted with its store kept and then with it deleted, leaves nothing missing, stale or duplicated', async () => {
    const population = generatePopulation({ doctorsPerBody: 20, today: TODAY, seed: 5 });
    const states = gmcStates(population, new Date('2026-11-25T02:00:00Z'));
    await harness.produce(await tisSnapshotEvents(population, harness.events));
    await runSink();
    const child = (): ChildProcess =>
      spawn(process.execPath, [join(root, 'dist/processors/cli/main.js'), 'run', 'connections'], {
        env: { ...env, METRICS_PORT: String(20_000 + Math.floor(Math.random() * 20_000)) },
        stdio: 'ignore',
      });
    const kill = async (process: ChildProcess) => {
      if (process.exitCode !== null || process.signalCode !== null) return;
      const exited = new Promise((resolve) => process.once('exit', resolve));
      process.kill('SIGKILL');
      await exited;
    };
    const first = child();
    // GMC states arrive while the first process is working, then it is killed.
    const gmcMessages = await gmcStateMessages(harness, states);
    await harness.produce(gmcMessages.slice(0, gmcMessages.length / 2));
    await eventually(
      async () => expect((await view('master')).length).toBeGreaterThan(0),
      60_000,
      100,
    );
    await kill(first);
    await harness.produce(gmcMessages.slice(gmcMessages.length / 2));
    // Restarted with its local store kept.
    const second = child();
    stops.push(() => kill(second));
    const designatedBodies = loadDesignatedBodies({});
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(
      new Date(),
    );
    const expectViewsMatchRules = async () => {
      const expected = [...populationInputs(population, states)].map(
        ([gmc, inputs]) => [gmc, deriveConnection(inputs, today, designatedBodies)] as const,
      );
      await eventually(
        async () => expect(await view('master')).toEqual(expected.map(([gmc]) => gmc).sort()),
        90_000,
      );
      await eventually(async () => {
        for (const [alias, select] of [
          ['connected', (d: (typeof expected)[number][1]) => d.connectionStatus === 'CONNECTED'],
          ['connectedInGmc', (d: (typeof expected)[number][1]) => d.designatedBody !== null],
          ['discrepancies', (d: (typeof expected)[number][1]) => d.discrepancy !== null],
          ['exceptions', (d: (typeof expected)[number][1]) => d.exceptionReasons.length > 0],
        ] as const) {
          expect(await view(alias)).toEqual(
            expected
              .filter(([, d]) => select(d))
              .map(([gmc]) => gmc)
              .sort(),
          );
        }
      }, 60_000);
    };
    await expectViewsMatchRules();
    // Killed again mid-stream, with edits in flight; restarted on an empty disk.
    const edits = await membershipEndDateEdits(
      harness.events,
      population.persons.slice(0, 20),
      '2026-11-24',
    );
    await harness.produce(edits.slice(0, 10));
    await kill(second);
    rmSync(join(env.REVAL_STATE_DIR as string), { recursive: true, force: true });
    await harness.produce(edits.slice(10));
    const third = child();
    stops.push(() => kill(third));
    await expectViewsMatchRules();
  });

  it('rebuild --from-sources recomputes the records and the views come out the same', async () => {
    await seedAda();
    await runConnections();
    await runSink();
    await adaComplete();
    // Every input committed: the live record is the last word before the recompute reads it.
    await waitUntilViewsCaughtUp(env, 60_000);
    const report = await recomputeConnections(env);
    expect(report).toMatchObject({ topic: harness.topics.connections, doctors: 1, written: 0 });
  });
});
