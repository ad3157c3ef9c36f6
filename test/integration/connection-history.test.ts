// The status history on the real services: the connections processor writes each change of a
// doctor's status to reval.connection-changes with its cause and moves `statusSince` exactly
// when the status, exception reasons or discrepancy change; the es-sink files each change once
// in `connectionhistory` (a replay of the topic adds nothing), and `reval rebuild` keeps both.
import {
  rowlessCause,
  statusSnapshot,
  type ConnectionChange,
} from '../../processors/connections/connection-record';
import type { RunningConnections } from '../../processors/connections/processor';
import { startFromEnv as startConnections } from '../../processors/connections/runtime';
import { waitUntilViewsCaughtUp } from '../../processors/cli/views-caught-up';
import { rebuild, REBUILD_PROCESSOR } from '../../processors/es-sink/rebuild';
import {
  openRuntime as openEsRuntime,
  startFromEnv as startEsSink,
} from '../../processors/es-sink/runtime';
import { historyNames, viewNames } from '../../processors/es-sink/views';
import { connectionsConfig, elasticsearchConfig, type Env } from '../../processors/platform/config';
import { DLQ_HEADERS } from '../../processors/platform/dead-letters';
import {
  createElasticsearchClient,
  ElasticsearchClient,
} from '../../processors/platform/elasticsearch';
import { gmcDoctorRecord } from '../../dev/population/events';
import { removeViews } from '../support/leftovers';
import { seedDoctorEndingOn } from '../support/seeded-population';
import {
  createStreamHarness,
  eventually,
  manualClock,
  privatePipelineEnv,
  settledConnections,
  type StreamHarness,
} from '../support/stream-harness';
import { quietLogger } from './es-sink-harness';

const GMC = '7654321';
const START = '2026-11-25T10:00:00.000Z';
const RENAMED = '2026-11-25T11:00:00.000Z';
const IN_GMC = '2026-11-25T12:00:00.000Z';
const MIDNIGHT = '2026-11-27T00:00:05.000Z';
const RUN_ID = '00000000-0000-4000-8000-000000000014';

describe('status history (real Kafka, registry and Elasticsearch)', () => {
  let harness: StreamHarness;
  let env: Env;
  const stops: (() => Promise<void>)[] = [];
  const es = new ElasticsearchClient(elasticsearchConfig(), quietLogger);
  const raw = createElasticsearchClient(elasticsearchConfig());

  beforeEach(async () => {
    env = privatePipelineEnv('hist');
    harness = await createStreamHarness(env);
  });

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await removeViews(raw, env.ES_INDEX_PREFIX ?? '');
    await harness.close();
  });

  afterAll(async () => {
    await es.close();
    await raw.close();
  });

  async function runSink(sinkEnv: Env = env): Promise<() => Promise<void>> {
    const sink = await startEsSink({ env: sinkEnv });
    const stop = () => sink.stop();
    stops.push(stop);
    return stop;
  }

  /** The doctor's change records on reval.connection-changes, in the order written. */
  async function changesOf(gmc: string): Promise<ConnectionChange[]> {
    const changes: ConnectionChange[] = [];
    for (const record of await harness.readAll(harness.topics.connectionChanges)) {
      if (record.key?.toString() !== gmc || !record.value) continue;
      changes.push((await harness.codecs.decode(record.value)) as ConnectionChange);
    }
    return changes;
  }

  async function recordOf(gmc: string) {
    return (await harness.latestConnections()).get(gmc);
  }

  /** The doctor's documents in the history index, by id. */
  async function historyDocuments(gmc: string) {
    const alias = historyNames(env.ES_INDEX_PREFIX).master;
    await es.refresh(alias);
    const hits = await es.search(alias, { term: { gmcReferenceNumber: gmc } }, 100);
    return hits.map(({ id, source }) => ({ id, source })).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async function doctorDocument(gmc: string) {
    return (await es.getDocument(viewNames(env.ES_INDEX_PREFIX).master, gmc))?.source;
  }

  /** Two changes of status after a name edit that is not one; answers the connections processor. */
  async function aDoctorWhoseStatusChangesTwice(): Promise<{
    processor: RunningConnections;
    baseline: ConnectionChange[];
    tcsDesignatedBody: string;
  }> {
    const clock = manualClock(START);
    await seedDoctorEndingOn(harness, '2026-11-26');
    const processor = await startConnections({ env, clock });
    stops.push(() => processor.stop());
    await eventually(async () => expect(processor.isReady()).toBe(true), 60_000);
    // Settled, not just CONNECTED: rows that change no status (a name, the programme's name)
    // may still be arriving, and each is a new version without a change record.
    const settled = await settledConnections(harness, connectionsConfig(env).groupId, (latest) =>
      expect(latest.get(GMC)?.value).toMatchObject({
        connectionStatus: 'CONNECTED',
        discrepancy: 'READY_FOR_CONNECTION',
        programmeName: 'GP',
      }),
    );
    const connected = settled.get(GMC)?.value;
    const tcsDesignatedBody = connected?.tcsDesignatedBody as string;
    expect(connected?.statusSince).toBeInstanceOf(Date);
    const since = connected?.statusSince;
    const baseline = await changesOf(GMC);
    expect(baseline.length).toBeGreaterThan(0);
    expect(baseline[0].before).toBeNull();
    // The last change is the record's status; rows after it that moved no status (a name)
    // made newer versions without change records.
    expect(baseline.at(-1)?.after).toEqual(connected && statusSnapshot(connected));
    expect(baseline.at(-1)?.version).toBeLessThanOrEqual(connected?.version as number);

    // A name edit: a new record, the same status.
    clock.set(RENAMED);
    await harness.produce(
      await harness.events.mysqlRow('ContactDetails', 'c', {
        after: { id: 9, forenames: 'Mary', surname: 'Seacole' },
      }),
    );
    await eventually(async () =>
      expect((await recordOf(GMC))?.value?.doctorLastName).toBe('Seacole'),
    );
    expect((await recordOf(GMC))?.value?.statusSince).toEqual(since);

    // GMC lists the doctor where TIS does: the discrepancy goes.
    clock.set(IN_GMC);
    const state = gmcDoctorRecord(
      {
        gmcReferenceNumber: GMC,
        doctorFirstName: 'Mary',
        doctorLastName: 'Seacole',
        submissionDate: '2027-03-31',
        underNotice: 'NO',
        designatedBody: tcsDesignatedBody,
        existsInGmc: true,
        requestTime: new Date('2026-11-25T11:30:00Z'),
      },
      RUN_ID,
    );
    await harness.produce([
      {
        topic: harness.topics.gmcDoctors,
        key: GMC,
        value: await harness.codecs.encode('gmcDoctor', state),
      },
    ]);
    await eventually(async () =>
      expect((await recordOf(GMC))?.value).toMatchObject({
        designatedBody: tcsDesignatedBody,
        discrepancy: null,
        statusSince: new Date(IN_GMC),
      }),
    );

    // The programme ended yesterday: midnight disconnects.
    clock.set(MIDNIGHT);
    await processor.reevaluateDue();
    await eventually(async () =>
      expect((await recordOf(GMC))?.value).toMatchObject({
        connectionStatus: 'DISCONNECTED',
        connectionReason: 'PROGRAMME_ENDED',
        statusSince: new Date(MIDNIGHT),
      }),
    );
    return { processor, baseline, tcsDesignatedBody };
  }

  it('writes each change once, in order, with its cause; statusSince moves with the status only', async () => {
    const { baseline, tcsDesignatedBody } = await aDoctorWhoseStatusChangesTwice();
    const connected = baseline.at(-1)?.after;
    const latest = await recordOf(GMC);
    const history = await changesOf(GMC);
    const [inGmc, ended] = history.slice(baseline.length);
    expect(history).toHaveLength(baseline.length + 2);

    expect(inGmc).toMatchObject({
      gmcReferenceNumber: GMC,
      time: new Date(IN_GMC),
      before: connected,
      after: { ...connected, designatedBody: tcsDesignatedBody, discrepancy: null },
      cause: {
        kind: 'INPUT',
        source: 'gmcDoctors',
        key: GMC,
        topic: harness.topics.gmcDoctors,
        sourcePosition: RUN_ID,
        sourceTime: new Date('2026-11-25T11:30:00Z'),
      },
    });
    expect(inGmc.cause.offset).toMatch(/^\d+$/);
    expect(ended).toEqual({
      gmcReferenceNumber: GMC,
      version: latest?.version,
      time: new Date(MIDNIGHT),
      before: inGmc.after,
      after: {
        connectionStatus: 'DISCONNECTED',
        connectionReason: 'PROGRAMME_ENDED',
        exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
        discrepancy: 'READY_FOR_DISCONNECTION',
        designatedBody: tcsDesignatedBody,
        tcsDesignatedBody: null,
      },
      cause: rowlessCause('MIDNIGHT'),
    });
    expect(inGmc.version).toBeLessThan(ended.version);
    // No names or other personal data ride on a change.
    expect(JSON.stringify(history)).not.toMatch(/Seacole|Mary/);
    // The explanation rides on the record.
    expect(latest?.value?.explanation).toContain('connectionReason PROGRAMME_ENDED');
  });

  it('the es-sink files each change once, a replay adds none, and a rebuild keeps statusSince and the history', async () => {
    await runSink();
    await aDoctorWhoseStatusChangesTwice();
    const changes = await changesOf(GMC);
    const ids = changes.map(({ version }) => `${GMC}-${version}`).sort();
    await waitUntilViewsCaughtUp(env, 60_000);
    const filed = await historyDocuments(GMC);
    expect(filed.map(({ id }) => id)).toEqual(ids);
    const midnight = filed.find(({ id }) => id === `${GMC}-${changes.at(-1)?.version}`);
    expect(midnight?.source).toMatchObject({
      time: MIDNIGHT,
      after: { connectionStatus: 'DISCONNECTED', connectionReason: 'PROGRAMME_ENDED' },
      cause: { kind: 'MIDNIGHT', source: null },
    });
    expect(await doctorDocument(GMC)).toMatchObject({
      statusSince: MIDNIGHT,
      explanation: expect.stringContaining('connectionReason PROGRAMME_ENDED'),
    });

    // A second sink reads both topics from the beginning: every change is already there.
    const replayEnv = { ...env, ES_SINK_GROUP_ID: `${env.ES_SINK_GROUP_ID}-replay` };
    await runSink(replayEnv);
    await waitUntilViewsCaughtUp(replayEnv, 60_000);
    expect(await historyDocuments(GMC)).toEqual(filed);
    // Found already there, not refused: nothing was dead-lettered.
    expect(await harness.readAll(harness.topics.dlq)).toEqual([]);

    const runtime = await openEsRuntime({ env, processor: REBUILD_PROCESSOR });
    try {
      const report = await rebuild({}, runtime);
      const history = report.generations.find((g) => g.views === 'history');
      expect(history?.index).toBe(`${historyNames(env.ES_INDEX_PREFIX).master}-v2`);
      const written = await harness.readAll(harness.topics.connectionChanges);
      expect(report.history?.indexed).toBe(written.length);
    } finally {
      await runtime.close();
    }
    expect(await historyDocuments(GMC)).toEqual(filed);
    expect(await doctorDocument(GMC)).toMatchObject({ statusSince: MIDNIGHT });
  });

  it('a change record the es-sink cannot read goes to the dead-letter topic, and the rest is filed', async () => {
    await runSink();
    await harness.produce([
      {
        topic: harness.topics.connectionChanges,
        key: '7000099',
        value: Buffer.from('{"not":"avro"}'),
      },
    ]);
    await aDoctorWhoseStatusChangesTwice();
    await waitUntilViewsCaughtUp(env, 60_000);
    const letters = await harness.readAll(harness.topics.dlq);
    expect(letters.map((letter) => letter.headers[DLQ_HEADERS.topic]?.toString())).toEqual([
      harness.topics.connectionChanges,
    ]);
    expect(letters[0].headers[DLQ_HEADERS.reason]?.toString()).toMatch(
      /^cannot decode the Avro value/,
    );
    const changes = await changesOf(GMC);
    expect((await historyDocuments(GMC)).map(({ id }) => id)).toEqual(
      changes.map(({ version }) => `${GMC}-${version}`).sort(),
    );
  });
});
