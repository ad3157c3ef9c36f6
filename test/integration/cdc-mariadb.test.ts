// Real CDC: rows written with SQL into the stack's MariaDB reach Kafka through Kafka Connect and
// Debezium's MariaDB connector, and the project's own edge decodes every record, JSON and Avro,
// with no dead letters. Each run uses a TCS database, connectors and topics of its own, so it
// never touches the `tcs` database or the tcs.tcs.* topics the demo reads.
//
// The CDC services cost about 0.6 GB and, cold, most of a minute to start, so a plain
// `npm test` does not start them: this suite runs when they are up (`reval stack up
// --with-cdc`), or when REVAL_TEST_CDC=1 asks it to start them (and stop what it started).
import { randomUUID } from 'node:crypto';
import { privateConnectorOverride } from '../support/private-connector';
import { createConnection, type Connection } from 'mysql2/promise';
import { kafkaConfig, registryConfig } from '../../processors/platform/config';
import { topicsOf as topics } from '../../processors/platform/topics';
import { KafkaClient, type KafkaRecord } from '../../processors/platform/kafka';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
import {
  decodeChange,
  type Change,
  type MySqlSourceName,
} from '../../processors/connections/sources';
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
import {
  tcsSchemaStatements,
  TCS_TABLE_NAMES,
  TCS_TABLE_SOURCES,
  type TcsTableName,
} from '../../stack/tcs-schema';

const settings = stackSettings();
const wanted = process.env.REVAL_TEST_CDC === '1';
const available = cdcRunning(settings) || wanted;
const runId = randomUUID().slice(0, 8);

const SOURCE_OF = TCS_TABLE_SOURCES;

const PM_UUID = '3f1c1f9e-6f0b-4b8e-9a55-0c6a1d2e7b01';

/** Rows present before the connector starts: Debezium's snapshot reads them (op `r`). */
const SEED: [TcsTableName, Record<string, unknown>][] = [
  ['Person', { id: 101, role: 'DR in Training', addedDate: '2019-07-01 09:30:00' }],
  ['ContactDetails', { id: 101, forenames: 'Ada', surname: 'Lovelace' }],
  ['GmcDetails', { id: 101, gmcNumber: '7000101', gmcStatus: 'Registered with Licence' }],
  [
    'Programme',
    {
      id: 11,
      programmeName: 'Cardiology',
      programmeNumber: 'KSS-CAR-1',
      owner: 'Health Education England Kent, Surrey and Sussex',
    },
  ],
  [
    'ProgrammeMembership',
    {
      uuid: PM_UUID,
      personId: 101,
      programmeId: 11,
      programmeMembershipType: 'SUBSTANTIVE',
      programmeStartDate: '2024-08-07',
      programmeEndDate: '2028-08-06',
    },
  ],
  [
    'CurriculumMembership',
    {
      id: 501,
      programmeMembershipUuid: PM_UUID,
      curriculumId: 7,
      curriculumStartDate: '2024-08-07',
      curriculumEndDate: '2028-08-06',
    },
  ],
  ['Placement', { id: 901, traineeId: 101, gradeId: 3, dateFrom: '2024-08-07', dateTo: null }],
];

const upsert = (source: MySqlSourceName, key: string, row: Record<string, unknown>) => ({
  source,
  key,
  op: 'upsert',
  row,
});

/** What the edge must make of the seed, keyed like the records. */
const SEED_CHANGES: Record<TcsTableName, object> = {
  Person: upsert('person', '101', { id: 101, role: 'DR in Training' }),
  ContactDetails: upsert('contactDetails', '101', {
    id: 101,
    forenames: 'Ada',
    surname: 'Lovelace',
  }),
  GmcDetails: upsert('gmcDetails', '101', {
    id: 101,
    gmcNumber: '7000101',
    gmcStatus: 'Registered with Licence',
  }),
  Programme: upsert('programme', '11', {
    id: 11,
    programmeName: 'Cardiology',
    programmeNumber: 'KSS-CAR-1',
    owner: 'Health Education England Kent, Surrey and Sussex',
  }),
  ProgrammeMembership: upsert('programmeMembership', PM_UUID, {
    uuid: PM_UUID,
    personId: 101,
    programmeId: 11,
    programmeMembershipType: 'SUBSTANTIVE',
    programmeStartDate: '2024-08-07',
    programmeEndDate: '2028-08-06',
  }),
  CurriculumMembership: upsert('curriculumMembership', '501', {
    id: 501,
    programmeMembershipUuid: PM_UUID,
    curriculumId: 7,
    curriculumStartDate: '2024-08-07',
    curriculumEndDate: '2028-08-06',
  }),
  Placement: upsert('placement', '901', {
    id: 901,
    traineeId: 101,
    gradeId: 3,
    dateFrom: '2024-08-07',
    dateTo: null,
  }),
};

async function insert(db: Connection, table: TcsTableName, row: Record<string, unknown>) {
  const columns = Object.keys(row);
  await db.query(
    `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES (?)`,
    [Object.values(row)],
  );
}

interface Decoded {
  table: TcsTableName;
  record: KafkaRecord;
  change: Change;
}

/** Every record of the run's topics so far, decoded; a decode error fails the test at once. */
async function readAll(
  kafka: KafkaClient,
  codecs: SchemaRegistryCodecs,
  connector: string,
  prefix: string,
  database: string,
): Promise<Decoded[]> {
  const decoded: Decoded[] = [];
  // Connect creates a topic with its first record and lists the topics a connector wrote.
  const active = await activeTopics(connector);
  for (const table of TCS_TABLE_NAMES) {
    const topic = `${prefix}.${database}.${table}`;
    if (!active.includes(topic)) continue;
    const records: KafkaRecord[] = [];
    await kafka.readToEnd([topic], (batch) => {
      records.push(...batch);
    });
    records.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
    for (const record of records) {
      const change = await decodeChange(SOURCE_OF[table], record, codecs);
      if (!change.ok) {
        throw new Error(`dead letter on ${topic}@${record.offset}: ${change.error.reason}`);
      }
      decoded.push({ table, record, change: change.value });
    }
  }
  return decoded;
}

async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const result = await attempt();
      if (result !== undefined) return result;
    } catch (error) {
      last = error;
      if ((error as Error).message.startsWith('dead letter')) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not after ${timeoutMs / 1000} s${last ? ` (${String(last)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function activeTopics(connector: string): Promise<string[]> {
  const url = `${cdcVariables(settings).KAFKA_CONNECT_URL}/connectors/${connector}/topics`;
  const response = await fetch(url);
  if (!response.ok) return [];
  const body = (await response.json()) as Record<string, { topics: string[] }>;
  return body[connector]?.topics ?? [];
}

async function deleteConnector(name: string): Promise<void> {
  await fetch(`${cdcVariables(settings).KAFKA_CONNECT_URL}/connectors/${name}`, {
    method: 'DELETE',
  }).catch(() => undefined);
}

const suite = available ? describe : describe.skip;
if (!available) {
  process.stderr.write(
    'cdc-mariadb: skipped; start the CDC services (`reval stack up --with-cdc`) or set REVAL_TEST_CDC=1\n',
  );
}

suite('real CDC: MariaDB → Debezium → Kafka → the TCS decoders', () => {
  let started: ServiceName[] = [];
  let db: Connection;
  let kafka: KafkaClient;
  let codecs: SchemaRegistryCodecs;

  beforeAll(async () => {
    if (!cdcRunning(settings)) {
      ({ started } = await startStack({ withCdc: true, stopOnFailure: true }));
    }
    db = await createConnection({
      uri: cdcVariables(settings).TCS_DATABASE_URL,
      dateStrings: true,
    });
    kafka = new KafkaClient(kafkaConfig());
    codecs = new SchemaRegistryCodecs(registryConfig(), topics());
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    await kafka?.disconnect();
    if (started.length > 0) await stackDown({ services: started });
  }, 120_000);

  describe.each<CdcFormat>(['json', 'avro'])('%s', (format) => {
    const database = `tcs_it_${runId}_${format}`;
    // Debezium names the Avro schemas after the prefix: it must be a valid Avro namespace.
    const prefix = `it_${runId}_${format}`;
    const connector = `tcs-it-${runId}-${format}`;

    afterAll(async () => {
      await deleteConnector(connector);
      await db.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await kafka
        .deleteTopics([
          ...TCS_TABLE_NAMES.map((t) => `${prefix}.${database}.${t}`),
          `${prefix}.schema-history`,
        ])
        .catch(() => undefined);
    }, 60_000);

    it('snapshot, insert, update and delete arrive and decode with no dead letters', async () => {
      for (const statement of tcsSchemaStatements(database)) await db.query(statement);
      await db.query(`USE \`${database}\``);
      for (const [table, row] of SEED) await insert(db, table, row);

      await registerLocalConnector(settings, {
        format,
        name: connector,
        override: privateConnectorOverride(prefix, database),
      });

      // The snapshot: one read per seeded row.
      const snapshot = await eventually('the snapshot', async () => {
        const all = await readAll(kafka, codecs, connector, prefix, database);
        return all.length >= SEED.length ? all : undefined;
      });
      expect(snapshot).toHaveLength(SEED.length);
      for (const { table, change } of snapshot) expect(change).toMatchObject(SEED_CHANGES[table]);

      // Streaming: an insert, an update of a date and of text, a delete (then its tombstone).
      await insert(db, 'Placement', {
        id: 902,
        traineeId: 101,
        gradeId: 4,
        dateFrom: '2025-02-05',
        dateTo: '2025-08-05',
      });
      await db.query('UPDATE ProgrammeMembership SET programmeEndDate = ? WHERE uuid = ?', [
        '2026-01-31',
        PM_UUID,
      ]);
      await db.query('UPDATE ContactDetails SET surname = ? WHERE id = 101', ['King']);
      await db.query('DELETE FROM CurriculumMembership WHERE id = 501');

      const streamed = await eventually('the streamed changes', async () => {
        const all = (await readAll(kafka, codecs, connector, prefix, database)).slice(0);
        const after = all.filter(
          (d) =>
            !snapshot.some(
              (s) => s.record.topic === d.record.topic && s.record.offset === d.record.offset,
            ),
        );
        return after.length >= 5 ? after : undefined;
      });
      const byTable = (table: TcsTableName) => streamed.filter((d) => d.table === table);
      expect(byTable('Placement').map((d) => d.change)).toEqual([
        expect.objectContaining(
          upsert('placement', '902', {
            id: 902,
            traineeId: 101,
            gradeId: 4,
            dateFrom: '2025-02-05',
            dateTo: '2025-08-05',
          }),
        ),
      ]);
      expect(byTable('ProgrammeMembership').map((d) => d.change)).toEqual([
        expect.objectContaining({
          op: 'upsert',
          key: PM_UUID,
          row: expect.objectContaining({ programmeEndDate: '2026-01-31' }),
        }),
      ]);
      expect(byTable('ContactDetails').map((d) => d.change)).toEqual([
        expect.objectContaining(
          upsert('contactDetails', '101', { id: 101, forenames: 'Ada', surname: 'King' }),
        ),
      ]);
      // The delete event, then the tombstone compaction keeps: both read as deletes.
      const deletes = byTable('CurriculumMembership');
      expect(deletes.map((d) => d.change)).toEqual([
        expect.objectContaining({ source: 'curriculumMembership', key: '501', op: 'delete' }),
        expect.objectContaining({ source: 'curriculumMembership', key: '501', op: 'delete' }),
      ]);
      expect(deletes[1].record.value).toBeNull();

      // Streamed changes carry their binlog position, in binlog order.
      const positions = streamed.flatMap((d) =>
        d.change.position === undefined ? [] : [d.change.position],
      );
      expect(positions.length).toBeGreaterThanOrEqual(4);

      // The wire format is the one asked for: Confluent-framed Avro (magic byte 0) or JSON.
      const first = streamed[0].record.value as Buffer;
      if (format === 'avro') expect(first[0]).toBe(0);
      else
        expect(JSON.parse(first.toString('utf8'))).toHaveProperty(
          'payload.source.connector',
          'mariadb',
        );
    }, 180_000);
  });
});
