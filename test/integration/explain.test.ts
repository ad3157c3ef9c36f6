// Issue 14's read side on real Kafka and the real registry: one doctor's life — connects, is
// moved by a GMC sync, has a bad row dead-lettered, reaches the end of their programme at
// midnight (injected clock) — and at each step GET /doctors/{gmcNumber}, `reval explain` by
// that endpoint and `reval explain` from the changelogs (with no instance answering, and at the
// end with none running) agree with `reval evaluate --explain` on NDJSON inputs built here
// from the rows the test produced; the history shows each change once, in order, with its cause.
import type { RunningConnections } from '../../processors/connections/processor';
import { randomUUID } from 'node:crypto';
import { startFromEnv as startConnections } from '../../processors/connections/runtime';
import { startFromEnv as startEsSinkFromEnv } from '../../processors/es-sink/runtime';
import { createElasticsearchClient } from '../../processors/platform/elasticsearch';
import type { RunningProcessor } from '../../processors/platform/running';
import { removeViews } from '../support/leftovers';
import type { DoctorExplanation } from '../../processors/connections/explain';
import type { ExplainReport } from '../../processors/cli/explain-output';
import { elasticsearchConfig, type Env } from '../../processors/platform/config';
import { todayIn } from '../../processors/rules/dates';
import type { DoctorInputs, GmcState } from '../../processors/rules/types';
import type { SyncedGmcState } from '../../processors/connections/state/gmc-doctor-state';
import { gmcDoctorRecord } from '../../dev/population/events';
import { seedDoctorEndingOn, seedPopulation } from '../support/seeded-population';
import {
  evaluateJson,
  explainJson,
  explainText,
  getDoctor,
  nobodyListening,
  startQueryServer,
} from '../support/explain-harness';
import {
  createStreamHarness,
  eventually,
  manualClock,
  privateTopicsEnv,
  type StreamHarness,
} from '../support/stream-harness';

const GMC = '7654321';
const TOKEN = 'explain-test-token-0123456789';
const RUN_1 = '00000000-0000-4000-8000-000000000001';
const RUN_2 = '00000000-0000-4000-8000-000000000002';

/** The TIS rows seedDoctorEndingOn writes, as `reval evaluate` takes them. */
const tisOf = (endDate: string): DoctorInputs['tis'] => ({
  personId: 9,
  role: 'DR in Training',
  firstName: null,
  lastName: null,
  programmeMemberships: [
    {
      uuid: 'pm-9',
      type: 'SUBSTANTIVE',
      startDate: '2024-08-07',
      endDate,
      programmeName: 'GP',
      owner: 'North East',
      curriculumMemberships: [
        { id: 90, curriculumStartDate: '2024-08-07', curriculumEndDate: endDate },
      ],
    },
  ],
  placements: [],
});

const gmcState = (designatedBody: string, requestTime: string): SyncedGmcState => ({
  gmcReferenceNumber: GMC,
  doctorFirstName: 'Ada',
  doctorLastName: 'Lovelace',
  submissionDate: '2027-03-01',
  underNotice: 'NO',
  designatedBody,
  existsInGmc: true,
  requestTime: new Date(requestTime),
});

/** The NDJSON line `reval evaluate` takes: the seeded TIS rows and this GMC state. */
const inputsWith = (state: SyncedGmcState, endDate = '2026-11-25'): DoctorInputs => ({
  gmcReferenceNumber: GMC,
  tis: tisOf(endDate),
  gmc: gmcInput(state),
  exceptionLog: null,
  revalidation: null,
});

const gmcInput = (state: SyncedGmcState): GmcState => ({
  designatedBody: state.designatedBody,
  existsInGmc: true,
  lastUpdated: state.requestTime.toISOString(),
  firstName: state.doctorFirstName,
  lastName: state.doctorLastName,
  submissionDate: state.submissionDate,
  underNotice: 'NO',
  admin: null,
});

describe('reval explain and GET /doctors/{gmcNumber} (real Kafka and registry)', () => {
  let harness: StreamHarness;
  let env: Env;
  let query: Awaited<ReturnType<typeof startQueryServer>>;
  let NOBODY: string;
  const running: RunningConnections[] = [];
  const sinks: RunningProcessor[] = [];

  const es = createElasticsearchClient(elasticsearchConfig());
  let prefix: string;

  beforeEach(async () => {
    prefix = `x${randomUUID().slice(0, 8)}`;
    harness = await createStreamHarness(privateTopicsEnv(prefix));
    NOBODY = await nobodyListening();
    query = await startQueryServer(() => running.every((processor) => processor.isReady()));
    env = {
      ...harness.env,
      CONNECTIONS_GROUP_ID: `${harness.topics.connections}-group`,
      CONNECTIONS_ADVERTISED_URL: query.url,
      CONNECTIONS_QUERY_TOKEN: TOKEN,
      ES_INDEX_PREFIX: `${prefix}-`,
      ES_SINK_GROUP_ID: `${prefix}-es-sink`,
      // --history from the topic unless a case gives Elasticsearch.
      ELASTICSEARCH_URL: '',
    };
  });

  afterEach(async () => {
    for (const processor of [...sinks.splice(0), ...running.splice(0)]) await processor.stop();
    await query.close();
    await removeViews(es, `${prefix}-`);
    await harness.close();
  });

  afterAll(() => es.close());

  async function start(clock: ReturnType<typeof manualClock>) {
    const processor = await startConnections({ env, clock });
    running.push(processor);
    query.routes.push(...(processor.routes ?? []));
    await eventually(async () => expect(processor.isReady()).toBe(true), 60_000);
    return processor;
  }

  /**
   * The endpoint, explain by it and from the changelogs, and evaluate on `inputs`, all at `at`:
   * they agree, and the record is what reval.connections holds. Returns the endpoint's answer.
   */
  async function expectAgreement(inputs: DoctorInputs, at: string): Promise<DoctorExplanation> {
    const evaluated = await evaluateJson(env, inputs, at);
    const { explanation: evaluatedText, ...evaluatedRecord } = evaluated;
    return eventually(async () => {
      const answer = await getDoctor(query.url, GMC, at, { authorization: `Bearer ${TOKEN}` });
      expect(answer.status).toBe(200);
      const http = answer.body as unknown as DoctorExplanation;
      expect(http.record).toMatchObject({
        ...evaluatedRecord,
        placementGrades: (evaluatedRecord.placementGrades as number[]).map(String),
      });
      // evaluate's paragraph is the same sentences after "On <today>: ".
      expect(`On ${todayIn(new Date(at), 'Europe/London')}: ${http.explanation.join(' ')}`).toBe(
        evaluatedText,
      );
      const latest = (await harness.latestConnections()).get(GMC);
      expect(http.record).toMatchObject({
        version: latest?.version,
        connectionStatus: latest?.value?.connectionStatus,
        connectionReason: latest?.value?.connectionReason,
        designatedBody: latest?.value?.designatedBody,
        discrepancy: latest?.value?.discrepancy,
        statusSince: latest?.value?.statusSince?.toISOString(),
      });
      const viaHttp = await explainJson({ ...env, CONNECTIONS_URL: query.url }, GMC, { at });
      expect(viaHttp.source).toEqual({ path: 'interactive query', url: expect.any(String) });
      expect(viaHttp.explanation).toEqual(http);
      const viaChangelog = await explainJson({ ...env, CONNECTIONS_URL: NOBODY }, GMC, { at });
      expect(viaChangelog.source).toMatchObject({ path: 'changelog', partition: http.partition });
      expect(viaChangelog.explanation).toEqual(http);
      return http;
    }, 30_000);
  }

  /** A GMC sync run's record of the doctor on gmc.doctors. */
  const publishGmcState = async (
    state: SyncedGmcState,
    runId: `${string}-${string}-${string}-${string}-${string}`,
  ) =>
    harness.produce([
      {
        topic: harness.topics.gmcDoctors,
        key: GMC,
        value: await harness.codecs.encode('gmcDoctor', gmcDoctorRecord(state, runId)),
      },
    ]);

  const rowOf = (answer: DoctorExplanation, source: string) =>
    answer.rows.find((row) => row.source === source);

  it('a doctor who connects, is moved by a GMC sync, has a bad row dead-lettered and reaches the end of their programme at midnight', async () => {
    const clock = manualClock('2026-11-25T10:00:00Z');
    await seedDoctorEndingOn(harness, '2026-11-25');
    const processor = await start(clock);
    const withElasticsearch = { ...env, ELASTICSEARCH_URL: process.env.ELASTICSEARCH_URL };
    const sink = await startEsSinkFromEnv({ env: withElasticsearch });
    sinks.push(sink);

    // 1. Connects: TIS and then GMC agree on North East.
    const first = gmcState('1-1RSSQ1B', '2026-11-25T02:00:00Z');
    await publishGmcState(first, RUN_1);
    const connectedAt = '2026-11-25T10:00:00.000Z';
    const connected = await expectAgreement(inputsWith(first), connectedAt);
    expect(connected.record).toMatchObject({
      connectionStatus: 'CONNECTED',
      designatedBody: '1-1RSSQ1B',
      tcsDesignatedBody: '1-1RSSQ1B',
      discrepancy: null,
    });
    expect(connected.owner).toEqual({ instance: expect.any(String), url: query.url });
    // Every input row with its place in Kafka and in its source.
    expect(connected.rows.map((row) => row.source)).toEqual(
      expect.arrayContaining([
        'person',
        'gmcDetails',
        'programmeMembership',
        'curriculumMembership',
        'programme',
        'gmcDoctors',
      ]),
    );
    expect(rowOf(connected, 'gmcDoctors')?.origin).toMatchObject({
      topic: harness.topics.gmcDoctors,
      partition: expect.any(Number),
      offset: expect.stringMatching(/^\d+$/),
      sourcePosition: RUN_1,
    });
    // Of GMC's record only what the rules read: no fitness-to-practise flags.
    expect(Object.keys(rowOf(connected, 'gmcDoctors')?.row as object).sort()).toEqual([
      'designatedBody',
      'doctorFirstName',
      'doctorLastName',
      'existsInGmc',
      'gmcReferenceNumber',
      'requestTime',
      'submissionDate',
      'underNotice',
    ]);
    expect(rowOf(connected, 'programmeMembership')?.origin).toMatchObject({
      topic: harness.topics.programmeMembership,
    });

    // 2. A GMC sync moves the doctor to Yorkshire: a discrepancy with TIS.
    const moved = gmcState('1-1RSG4X0', '2026-11-25T11:00:00Z');
    await publishGmcState(moved, RUN_2);
    clock.set('2026-11-25T12:00:00Z');
    const movedAnswer = await expectAgreement(inputsWith(moved), '2026-11-25T12:00:00.000Z');
    expect(movedAnswer.record).toMatchObject({ designatedBody: '1-1RSG4X0' });
    expect(movedAnswer.record?.discrepancy).not.toBeNull();
    expect(rowOf(movedAnswer, 'gmcDoctors')?.origin?.sourcePosition).toBe(RUN_2);

    // 3. A placement row for the doctor that cannot be read: dead-lettered, nothing changes.
    const versionBefore = movedAnswer.record?.version;
    await harness.produce(
      await harness.events.mysqlRow('Placement', 'c', {
        after: { id: 901, traineeId: 9, gradeId: 279, dateFrom: 'yesterday', dateTo: '2027-01-01' },
      }),
    );
    await eventually(async () => expect(await harness.readAll(harness.topics.dlq)).toHaveLength(1));
    const afterLetter = await expectAgreement(inputsWith(moved), '2026-11-25T12:00:00.000Z');
    expect(afterLetter.record?.version).toBe(versionBefore);
    const lettered = await explainJson({ ...env, CONNECTIONS_URL: query.url }, GMC, {
      at: '2026-11-25T12:00:00.000Z',
    });
    expect(lettered.deadLetters).toEqual([
      expect.objectContaining({
        sourceTopic: harness.topics.placement,
        reason: expect.stringMatching(/dateFrom/),
      }),
    ]);
    const letteredText = await explainText({ ...env, CONNECTIONS_URL: NOBODY }, GMC, {});
    expect(letteredText).toMatch(/Read from the changelog/);
    expect(letteredText).toMatch(/nothing was lost/);
    expect(letteredText).toContain(harness.topics.placement);

    // 4. Midnight: the programme ended yesterday.
    clock.set('2026-11-26T00:00:05Z');
    await processor.reevaluateDue();
    const ended = await expectAgreement(inputsWith(moved), '2026-11-26T00:00:05.000Z');
    expect(ended.record).toMatchObject({
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'PROGRAMME_ENDED',
    });
    // --at applies the rules on another date to the same inputs: the day before, connected.
    const dayBefore = await getDoctor(query.url, GMC, '2026-11-25T23:00:00Z', {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(dayBefore.body.record).toMatchObject({ connectionStatus: 'CONNECTED' });

    // With no instance running, the changelogs give the same answer.
    running.splice(running.indexOf(processor), 1);
    await processor.stop();
    const offline: ExplainReport = await explainJson({ ...env, CONNECTIONS_URL: query.url }, GMC, {
      at: '2026-11-26T00:00:05.000Z',
    });
    expect(offline.source).toMatchObject({ path: 'changelog' });
    expect({ ...offline.explanation, owner: null }).toEqual({ ...ended, owner: null });

    // The history: each change once, oldest first, each from where the one before left off.
    const { history } = await explainJson({ ...env, CONNECTIONS_URL: query.url }, GMC, {
      history: true,
    });
    const entries = history?.entries ?? [];
    expect(history?.from).toBe('topic');
    expect(new Set(entries.map((entry) => entry.version)).size).toBe(entries.length);
    expect(entries.map((entry) => entry.version)).toEqual(
      [...entries.map((entry) => entry.version)].sort((a, b) => a - b),
    );
    expect(entries[0].before).toBeNull();
    entries.slice(1).forEach((entry, i) => expect(entry.before).toEqual(entries[i].after));
    // The GMC move, caused by the second sync's gmc.doctors record; the dead letter changed
    // nothing; midnight ended the programme.
    const move = entries.find((entry) => entry.after?.designatedBody === '1-1RSG4X0');
    expect(move?.cause).toMatchObject({
      kind: 'INPUT',
      source: 'gmcDoctors',
      key: GMC,
      topic: harness.topics.gmcDoctors,
      sourcePosition: RUN_2,
    });
    expect(entries.at(-1)).toMatchObject({
      after: { connectionStatus: 'DISCONNECTED', connectionReason: 'PROGRAMME_ENDED' },
      cause: { kind: 'MIDNIGHT', source: null, topic: null },
      version: ended.record?.version,
    });
    expect(entries.filter((entry) => entry.cause.kind === 'MIDNIGHT')).toHaveLength(1);
    const text = await explainText({ ...env, CONNECTIONS_URL: NOBODY }, GMC, { history: true });
    expect(text).toMatch(
      /History \(\d+ changes?, oldest first, from .*connection-changes partition \d+\)/,
    );
    expect(text).toContain('cause MIDNIGHT');
    // The same history from the Elasticsearch alias the es-sink keeps.
    await eventually(async () => {
      const indexed = await explainJson(withElasticsearch, GMC, { history: true });
      expect(indexed.history?.from).toBe('elasticsearch');
      expect(indexed.history?.entries).toEqual(entries);
    }, 60_000);
  });

  it('two instances: each answers its own partitions and redirects to the other for the rest', async () => {
    const { population } = await seedPopulation(harness, {
      doctorsPerBody: 1,
      today: '2026-11-25',
    });
    const clock = manualClock('2026-11-25T10:00:00Z');
    await start(clock);
    const other = await startQueryServer(() => true);
    try {
      const second = await startConnections({
        env: {
          ...env,
          CONNECTIONS_ADVERTISED_URL: other.url,
          // Another machine: a state directory of its own.
          REVAL_STATE_DIR: `${env.REVAL_STATE_DIR}-second`,
        },
        clock,
      });
      running.push(second);
      other.routes.push(...(second.routes ?? []));
      const doctors = population.persons.map((person) => person.gmcReferenceNumber);
      const auth = { authorization: `Bearer ${TOKEN}` };
      const at = '2026-11-25T10:00:00Z';
      // Once the group has settled, every doctor is answered by one instance and redirected to
      // it by the other.
      await eventually(async () => {
        const byInstance = new Map<string, number>();
        for (const gmc of doctors) {
          const [mine, theirs] = [
            await getDoctor(query.url, gmc, at, auth),
            await getDoctor(other.url, gmc, at, auth),
          ];
          expect([mine.status, theirs.status].sort()).toEqual([200, 307]);
          const [answer, redirect, owner] =
            mine.status === 200 ? [mine, theirs, query.url] : [theirs, mine, other.url];
          expect(redirect.body).toMatchObject({ owner: { url: owner } });
          expect((answer.body.owner as { url: string }).url).toBe(owner);
          byInstance.set(owner, (byInstance.get(owner) ?? 0) + 1);
        }
        expect(byInstance.size).toBe(2);
      }, 90_000);
      // explain asks the first instance and is sent on to the owner.
      const owned = await getDoctor(other.url, doctors[0], at, auth);
      const owner = owned.status === 200 ? other.url : query.url;
      const report = await explainJson(
        { ...env, CONNECTIONS_URL: owner === query.url ? other.url : query.url },
        doctors[0],
        { at },
      );
      expect(report.source).toMatchObject({ path: 'interactive query' });
      expect((report.source as { url: string }).url.startsWith(owner)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('without the token the endpoint refuses, and explain says which variable to set', async () => {
    await seedDoctorEndingOn(harness, '2027-08-06');
    await start(manualClock('2026-11-25T10:00:00Z'));
    await eventually(async () =>
      expect((await harness.latestConnections()).get(GMC)?.value?.connectionStatus).toBe(
        'CONNECTED',
      ),
    );
    expect((await getDoctor(query.url, GMC, '2026-11-25T10:00:00Z')).status).toBe(401);
    await expect(
      explainJson({ ...env, CONNECTIONS_URL: query.url, CONNECTIONS_QUERY_TOKEN: '' }, GMC, {}),
    ).rejects.toThrow(/CONNECTIONS_QUERY_TOKEN/);
    await expect(
      explainJson({ ...env, CONNECTIONS_URL: query.url }, '7000000', {}),
    ).rejects.toThrow(/no doctor 7000000/);
  });
});
