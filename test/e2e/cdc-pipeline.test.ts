// End to end through real CDC: SQL in the local MariaDB, Debezium's MariaDB connector in Kafka
// Connect, JSON and Avro (Apicurio's converter in Confluent format), the connections processor
// and the Elasticsearch sink, out to the views. What the views must say comes from the rules
// core (deriveConnection) applied to a model of the tables the test keeps beside its SQL.
//
// Each test has its own TCS database, connector, topic prefix, consumer groups and index
// prefix, so tests never see each other's rows, nor the demo's `tcs` database.
//
// Runs when the CDC services are up (`reval stack up --with-cdc`) or REVAL_TEST_CDC=1 (Jest's
// global setup starts them; this file also does when run on its own).
import { removeViews } from '../support/leftovers';
import { randomUUID } from 'node:crypto';
import { privateConnectorOverride } from '../support/private-connector';
import { Kafka, logLevel } from 'kafkajs';
import type { Connection } from 'mysql2/promise';
import { startFromEnv as startConnections } from '../../processors/connections/runtime';
import { startFromEnv as startEsSinkFromEnv } from '../../processors/es-sink/runtime';
import { viewNames } from '../../processors/es-sink/views';
import { elasticsearchConfig, kafkaConfig, type Env } from '../../processors/platform/config';
import { topicVariable } from '../../processors/platform/topics';
import { createElasticsearchClient } from '../../processors/platform/elasticsearch';
import { loadDesignatedBodies } from '../../processors/platform/designated-bodies';
import { addDays } from '../../processors/rules/dates';
import { deriveConnection } from '../../processors/rules/derive';
import type { DerivedConnection } from '../../processors/rules/types';
import {
  cdcRunning,
  cdcVariables,
  registerLocalConnector,
  stackDown,
  stackSettings,
  startStack,
  type CdcFormat,
  type ServiceName,
} from '../../stack';
import { upAll } from '../../stack/lifecycle';
import { tcsSchemaStatements, TCS_TABLE_NAMES, TCS_TABLE_SOURCES } from '../../stack/tcs-schema';
import { openTcs, runInTransaction, writePopulationSql } from '../../dev/demo/cdc';
import { generatePopulation, type Population } from '../../dev/population';
import { gmcStates, populationInputs } from '../../dev/population/events';
import { expectConnectionsMatch, gmcStateMessages } from '../support/seeded-population';
import {
  createStreamHarness,
  eventually,
  manualClock,
  privateTopicsEnv,
  type StreamHarness,
} from '../support/stream-harness';

const TODAY = '2026-11-25';
const YESTERDAY = addDays(TODAY, -1);
const settings = stackSettings();
const available = cdcRunning(settings) || process.env.REVAL_TEST_CDC === '1';
const connectUrl = () => cdcVariables(settings).KAFKA_CONNECT_URL;

/** The topic-variable names of the TCS tables, as the processors read them. */
const SOURCE_OF = TCS_TABLE_SOURCES;

/** What Debezium makes of a zero date in a nullable DATE column: null. */
const ZERO_DATE = null as unknown as string;

interface Pipeline {
  env: Env;
  harness: StreamHarness;
  /** Replaced when a test restarts MariaDB. */
  db: Connection;
  database: string;
  connector: string;
  population: Population;
  states: ReturnType<typeof gmcStates>;
  /** The rules core's reading of the model, per doctor. */
  expected(): Map<string, DerivedConnection>;
  stop(): Promise<void>;
}

async function connectorState(name: string): Promise<string | undefined> {
  const response = await fetch(`${connectUrl()}/connectors/${name}/status`);
  if (!response.ok) return undefined;
  const body = (await response.json()) as {
    connector: { state: string };
    tasks: { state: string }[];
  };
  const states = [body.connector.state, ...body.tasks.map((t) => t.state)];
  return states.every((s) => s === 'RUNNING') && body.tasks.length > 0
    ? 'RUNNING'
    : states.join('/');
}

/**
 * A private pipeline: database, seed rows (before the connector, so Debezium's snapshot reads
 * them), GMC states, connector, connections and the sink.
 */
async function startPipeline(
  format: CdcFormat,
  seed: (db: Connection, population: Population) => Promise<void> = async () => undefined,
): Promise<Pipeline> {
  const id = randomUUID().slice(0, 8);
  const group = `cdce2e${id}${format}`;
  // Debezium names its Avro schemas after the prefix: a valid Avro namespace.
  const prefix = `cdce2e_${id}_${format}`;
  const database = `tcs_e2e_${id}_${format}`;
  const connector = `tcs-e2e-${id}-${format}`;
  const env: Env = {
    ...privateTopicsEnv(group),
    ES_INDEX_PREFIX: `${group}-`,
    ES_SINK_GROUP_ID: `${group}-es-sink`,
    CONNECTIONS_GROUP_ID: `${group}-connections`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  for (const table of TCS_TABLE_NAMES) {
    env[topicVariable(SOURCE_OF[table])] = `${prefix}.${database}.${table}`;
  }
  const harness = await createStreamHarness(env);
  const db = await openTcs(cdcVariables(settings).TCS_DATABASE_URL);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  stops.push(async () => {
    await harness.close();
    await deleteKafkaState(group, prefix);
  });
  const current = { db };
  stops.push(() => current.db.end());
  stops.push(async () => {
    await current.db.query(`DROP DATABASE IF EXISTS \`${database}\``);
  });
  stops.push(async () => {
    await fetch(`${connectUrl()}/connectors/${connector}`, { method: 'DELETE' });
  });
  stops.push(() => deleteViews(env));
  try {
    for (const statement of tcsSchemaStatements(database)) await db.query(statement);
    await db.query(`USE \`${database}\``);
    const population = generatePopulation({ doctorsPerBody: 2, today: TODAY, seed: 11 });
    await writePopulationSql(db, population);
    await seed(db, population);
    const states = gmcStates(population, new Date(`${TODAY}T02:00:00Z`));
    await harness.produce(await gmcStateMessages(harness, states));
    await registerLocalConnector(settings, {
      format,
      name: connector,
      override: privateConnectorOverride(prefix, database, {
        // The binlog client notices a lost server and reconnects on this interval (default a
        // minute, the production setting): a restarted MariaDB is found again in seconds.
        'connect.keep.alive.interval.ms': '2000',
      }),
    });
    const connections = await startConnections({
      env,
      clock: manualClock(`${TODAY}T10:00:00Z`),
    });
    stops.push(() => connections.stop());
    const sink = await startEsSinkFromEnv({ env });
    stops.push(() => sink.stop());
    const bodies = loadDesignatedBodies({});
    return {
      env,
      harness,
      get db() {
        return current.db;
      },
      set db(next: Connection) {
        current.db = next;
      },
      database,
      connector,
      population,
      states,
      expected: () =>
        new Map(
          [...populationInputs(population, states)].map(([gmc, inputs]) => [
            gmc,
            deriveConnection(inputs, TODAY, bodies),
          ]),
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function deleteKafkaState(group: string, prefix: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'cdc-e2e-cleanup',
    brokers: kafkaConfig().brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter(
      (t) => t.startsWith(`${group}.`) || t.startsWith(`${group}-`) || t.startsWith(`${prefix}.`),
    );
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    await admin.deleteGroups([`${group}-es-sink`, `${group}-connections`]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

const es = createElasticsearchClient(elasticsearchConfig());

async function deleteViews(env: Env): Promise<void> {
  await removeViews(es, env.ES_INDEX_PREFIX ?? '');
}

async function view(alias: string): Promise<string[]> {
  await es.indices.refresh({ index: alias });
  const result = await es.search<{ gmcReferenceNumber: string }>({
    index: alias,
    size: 10_000,
    _source: ['gmcReferenceNumber'],
  });
  return result.hits.hits.map((hit) => hit._source?.gmcReferenceNumber as string).sort();
}

/**
 * The views and reval.connections say what the rules core derives from the model: the master
 * view lists every doctor exactly once, each filtered view exactly its doctors, and each
 * connection record the derived status, reason, bodies, exceptions and selected membership.
 */
async function expectRulesInViews(pipeline: Pipeline, timeoutMs = 90_000): Promise<void> {
  const views = viewNames(pipeline.env.ES_INDEX_PREFIX);
  await eventually(
    async () => {
      const expected = [...pipeline.expected()];
      const gmcs = (select: (d: DerivedConnection) => boolean) =>
        expected
          .filter(([, d]) => select(d))
          .map(([gmc]) => gmc)
          .sort();
      expectConnectionsMatch(await pipeline.harness.latestConnections(), pipeline.expected());
      const master = await view(views.master);
      expect(master).toEqual(gmcs(() => true));
      expect((await es.count({ index: views.master })).count).toBe(expected.length);
      expect(await view(views.filtered.connected)).toEqual(
        gmcs((d) => d.connectionStatus === 'CONNECTED'),
      );
      expect(await view(views.filtered.disconnected)).toEqual(
        gmcs((d) => d.connectionStatus === 'DISCONNECTED'),
      );
      expect(await view(views.filtered.connectedInGmc)).toEqual(
        gmcs((d) => d.designatedBody !== null),
      );
      expect(await view(views.filtered.discrepancies)).toEqual(gmcs((d) => d.discrepancy !== null));
      expect(await view(views.filtered.exceptions)).toEqual(
        gmcs((d) => d.exceptionReasons.length > 0),
      );
    },
    timeoutMs,
    500,
  );
}

/** A TIS person with one current membership the rules see as connected. */
function connectedPersons(pipeline: Pipeline) {
  const expected = pipeline.expected();
  return pipeline.population.persons.filter(
    (p) =>
      p.memberships.length === 1 &&
      expected.get(p.gmcReferenceNumber)?.connectionStatus === 'CONNECTED',
  );
}

const suite = available ? describe : describe.skip;
if (!available) {
  process.stderr.write(
    'cdc-pipeline: skipped; start the CDC services (`reval stack up --with-cdc`) or set REVAL_TEST_CDC=1\n',
  );
}

suite('real CDC end to end: SQL → Debezium → Kafka → processors → Elasticsearch', () => {
  let started: ServiceName[] = [];
  const pipelines: Pipeline[] = [];

  beforeAll(async () => {
    if (!cdcRunning(settings)) {
      ({ started } = await startStack({ withCdc: true, stopOnFailure: true }));
    }
  }, 300_000);

  afterEach(async () => {
    for (const pipeline of pipelines.splice(0)) await pipeline.stop();
  }, 120_000);

  afterAll(async () => {
    await es.close();
    if (started.length > 0) await stackDown({ services: started });
  }, 120_000);

  describe.each<CdcFormat>(['json', 'avro'])('%s', (format) => {
    it('snapshot, insert, update, delete, a primary-key change, zero dates and a transaction over several tables', async () => {
      // Snapshot: the population, and a zero date in a placement, written before the
      // connector exists. MariaDB accepts 0000-00-00 once the session's sql_mode allows it.
      let zeroPlacement = 0;
      const pipeline = await startPipeline(format, async (db, population) => {
        const person = population.persons[0];
        zeroPlacement = person.placements[0].id;
        await db.query("SET SESSION sql_mode = ''");
        await db.query("UPDATE Placement SET dateTo = '0000-00-00' WHERE id = ?", [zeroPlacement]);
        await db.query('SET SESSION sql_mode = DEFAULT');
        person.placements[0].dateTo = ZERO_DATE;
      });
      pipelines.push(pipeline);
      const { db, population } = pipeline;
      await expectRulesInViews(pipeline);

      // Insert: a new doctor, row by row (autocommit), as TIS writes one.
      const [first, second, third, fourth, fifth] = connectedPersons(pipeline);
      const newcomer = {
        ...first,
        personId: 990_001,
        gmcReferenceNumber: '7990001',
        forenames: 'Grace',
        surname: 'Hopper',
        memberships: [
          {
            ...first.memberships[0],
            uuid: '00000000-0000-4000-8000-00000099e001',
            curricula: [{ ...first.memberships[0].curricula[0], id: 990_101 }],
          },
        ],
        placements: [{ ...first.placements[0], id: 990_201 }],
      };
      const m = newcomer.memberships[0];
      await db.query('INSERT INTO Person (id, role) VALUES (?, ?)', [
        newcomer.personId,
        'DR in Training',
      ]);
      await db.query('INSERT INTO ContactDetails (id, forenames, surname) VALUES (?, ?, ?)', [
        newcomer.personId,
        newcomer.forenames,
        newcomer.surname,
      ]);
      await db.query('INSERT INTO GmcDetails (id, gmcNumber, gmcStatus) VALUES (?, ?, ?)', [
        newcomer.personId,
        newcomer.gmcReferenceNumber,
        'Registered with Licence',
      ]);
      await db.query(
        'INSERT INTO ProgrammeMembership (uuid, personId, programmeId, programmeMembershipType, programmeStartDate, programmeEndDate) VALUES (?, ?, ?, ?, ?, ?)',
        [m.uuid, newcomer.personId, m.programmeId, m.type, m.startDate, m.endDate],
      );
      await db.query(
        'INSERT INTO CurriculumMembership (id, programmeMembershipUuid, curriculumId, curriculumStartDate, curriculumEndDate) VALUES (?, ?, ?, ?, ?)',
        [
          m.curricula[0].id,
          m.uuid,
          m.curricula[0].curriculumId,
          m.curricula[0].startDate,
          m.curricula[0].endDate,
        ],
      );
      const p = newcomer.placements[0];
      await db.query(
        'INSERT INTO Placement (id, traineeId, gradeId, dateFrom, dateTo) VALUES (?, ?, ?, ?, ?)',
        [p.id, newcomer.personId, p.gradeId, p.dateFrom, p.dateTo],
      );
      population.persons.push(newcomer);

      // Update: a programme ended yesterday.
      await db.query('UPDATE ProgrammeMembership SET programmeEndDate = ? WHERE uuid = ?', [
        YESTERDAY,
        second.memberships[0].uuid,
      ]);
      second.memberships[0].endDate = YESTERDAY;

      // Delete: a membership and its curriculum memberships.
      await db.query('DELETE FROM CurriculumMembership WHERE programmeMembershipUuid = ?', [
        third.memberships[0].uuid,
      ]);
      await db.query('DELETE FROM ProgrammeMembership WHERE uuid = ?', [third.memberships[0].uuid]);
      third.memberships = [];
      await expectRulesInViews(pipeline);

      // A primary-key change: the membership re-keyed, its curriculum membership following in
      // the same transaction; Debezium sends a delete of the old key and a create of the new.
      const rekeyed = '00000000-0000-4000-8000-0000009ee001';
      await runInTransaction(db, [
        [
          'UPDATE ProgrammeMembership SET uuid = ? WHERE uuid = ?',
          [rekeyed, fourth.memberships[0].uuid],
        ],
        [
          'UPDATE CurriculumMembership SET programmeMembershipUuid = ? WHERE programmeMembershipUuid = ?',
          [rekeyed, fourth.memberships[0].uuid],
        ],
      ]);
      fourth.memberships[0].uuid = rekeyed;
      // And a placement's id, alone.
      await db.query('UPDATE Placement SET id = ? WHERE id = ?', [
        990_301,
        fourth.placements[0].id,
      ]);
      fourth.placements[0].id = 990_301;

      // A zero date streamed: the end date cleared to 0000-00-00.
      await db.query("SET SESSION sql_mode = ''");
      await db.query(
        "UPDATE ProgrammeMembership SET programmeEndDate = '0000-00-00' WHERE uuid = ?",
        [fifth.memberships[0].uuid],
      );
      await db.query('SET SESSION sql_mode = DEFAULT');
      fifth.memberships[0].endDate = ZERO_DATE;
      await expectRulesInViews(pipeline);

      // One transaction over several tables: a programme changes owner (every doctor in it
      // moves designated body), a person's names change and a placement is added.
      const programme = population.programmes.find((pr) =>
        population.persons.some((person) =>
          person.memberships.some((mm) => mm.programmeId === pr.id),
        ),
      ) as Population['programmes'][number];
      const otherOwner = population.programmes.find((pr) => pr.owner !== programme.owner)
        ?.owner as string;
      await runInTransaction(db, [
        ['UPDATE Programme SET owner = ? WHERE id = ?', [otherOwner, programme.id]],
        ['UPDATE ContactDetails SET surname = ? WHERE id = ?', ['Babbage', first.personId]],
        [
          'INSERT INTO Placement (id, traineeId, gradeId, dateFrom, dateTo) VALUES (?, ?, ?, ?, ?)',
          [990_401, first.personId, 290, addDays(TODAY, -10), addDays(TODAY, 100)],
        ],
      ]);
      programme.owner = otherOwner;
      first.surname = 'Babbage';
      first.placements.push({
        id: 990_401,
        gradeId: 290,
        dateFrom: addDays(TODAY, -10),
        dateTo: addDays(TODAY, 100),
      });
      await expectRulesInViews(pipeline);
      expect(zeroPlacement).toBeGreaterThan(0);
    }, 300_000);
  });

  it('a connector restarted mid-stream: no change lost, no doctor duplicated', async () => {
    const pipeline = await startPipeline('json');
    pipelines.push(pipeline);
    await expectRulesInViews(pipeline);
    const persons = connectedPersons(pipeline);
    expect(persons.length).toBeGreaterThanOrEqual(12);
    const restartAt = Math.floor(persons.length / 3);
    for (const [index, person] of persons.entries()) {
      if (index === restartAt) {
        const response = await fetch(
          `${connectUrl()}/connectors/${pipeline.connector}/restart?includeTasks=true`,
          { method: 'POST' },
        );
        expect([200, 202, 204]).toContain(response.status);
      }
      // One change per doctor, each one visible on its own: none can hide a lost one.
      await pipeline.db.query(
        'UPDATE ProgrammeMembership SET programmeEndDate = ? WHERE uuid = ?',
        [YESTERDAY, person.memberships[0].uuid],
      );
      person.memberships[0].endDate = YESTERDAY;
    }
    await eventually(
      async () => expect(await connectorState(pipeline.connector)).toBe('RUNNING'),
      60_000,
      500,
    );
    await expectRulesInViews(pipeline);
  }, 300_000);

  it('MariaDB restarted while Connect runs: the connector recovers and changes made meanwhile arrive', async () => {
    const pipeline = await startPipeline('json');
    pipelines.push(pipeline);
    await expectRulesInViews(pipeline);
    const [before, after, later] = connectedPersons(pipeline);
    // A change just before the stop, which Debezium may not have read yet.
    await pipeline.db.query('UPDATE ProgrammeMembership SET programmeEndDate = ? WHERE uuid = ?', [
      YESTERDAY,
      before.memberships[0].uuid,
    ]);
    before.memberships[0].endDate = YESTERDAY;
    await pipeline.db.end();
    await stackDown({ services: ['mariadb'] });
    // Only MariaDB: `startStack` would also wait for the stack's own connector, whose binlog
    // client reconnects on the production interval (a minute).
    await upAll({ settings, progress: () => undefined }, { services: ['mariadb'] });
    // Changes made as soon as MariaDB is back, while the connector may still be reconnecting.
    const db = await openTcs(cdcVariables(settings).TCS_DATABASE_URL);
    pipeline.db = db;
    await db.query(`USE \`${pipeline.database}\``);
    await db.query('DELETE FROM CurriculumMembership WHERE programmeMembershipUuid = ?', [
      after.memberships[0].uuid,
    ]);
    await db.query('DELETE FROM ProgrammeMembership WHERE uuid = ?', [after.memberships[0].uuid]);
    after.memberships = [];
    await db.query('UPDATE ProgrammeMembership SET programmeEndDate = ? WHERE uuid = ?', [
      YESTERDAY,
      later.memberships[0].uuid,
    ]);
    later.memberships[0].endDate = YESTERDAY;
    await expectRulesInViews(pipeline, 180_000);
    expect(await connectorState(pipeline.connector)).toBe('RUNNING');
  }, 400_000);
});
