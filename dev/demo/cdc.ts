// The demo's real CDC path: the demo population written as SQL into the local MariaDB's `tcs`
// database, which Debezium's MariaDB connector turns into the tcs.tcs.* topics the processors
// read by default; then one SQL transaction that ends a programme and deletes a membership,
// so the newcomer sees a doctor move in the views. The MongoDB topics have no such path:
// FerretDB has no change streams (README, "Local stack").
import { format } from 'mysql2';
import { createConnection, type Connection } from 'mysql2/promise';
import type { Env } from '../../processors/platform/config';
import { DEFAULT_TOPICS, topicsOf as topicNames } from '../../processors/platform/topics';
import { loadDesignatedBodies } from '../../processors/platform/designated-bodies';
import { addDays } from '../../processors/rules/dates';
import { deriveConnection } from '../../processors/rules/derive';
import type { DerivedConnection } from '../../processors/rules/types';
import { startStack, type ServiceName } from '../../stack';
import { TCS_TABLE_NAMES, TCS_TABLE_SOURCES, type TcsTableName } from '../../stack/tcs-schema';
import type { Population, PopulationPerson } from '../population';
import { gmcStates, populationInputs, programmeMembershipRow } from '../population/events';

type Row = Record<string, unknown>;

export type CdcAvailability = { ok: true; databaseUrl: string } | { ok: false; reason: string };

/** The topics Debezium writes for the `tcs` database with the local connector's prefix. */
const CDC_TOPICS = TCS_TABLE_SOURCES;

const PRIMARY_KEYS: Record<TcsTableName, string> = {
  ContactDetails: 'id',
  GmcDetails: 'id',
  Person: 'id',
  ProgrammeMembership: 'uuid',
  CurriculumMembership: 'id',
  Programme: 'id',
  Placement: 'id',
};

/**
 * Starts MariaDB and Kafka Connect (a no-op when they run) and registers the TCS connector.
 * Never throws: a failure is the reason the demo falls back to synthetic events.
 */
export async function startDemoCdc(
  env: Env,
  progress: (service: ServiceName, message: string) => void,
): Promise<CdcAvailability> {
  if (env.REVAL_DEMO_CDC?.trim() === '0') {
    return { ok: false, reason: 'REVAL_DEMO_CDC=0 asks for synthetic events' };
  }
  // Debezium writes tcs.tcs.<Table>; processors told to read other topics would see nothing.
  const configured = topicNames(env);
  const moved = TCS_TABLE_NAMES.filter(
    (table) => configured[CDC_TOPICS[table]] !== DEFAULT_TOPICS[CDC_TOPICS[table]],
  );
  if (moved.length > 0) {
    return {
      ok: false,
      reason: `the TCS topics are renamed (${moved.join(', ')}), and the local connector writes tcs.tcs.*`,
    };
  }
  try {
    // Only the services this call starts are stopped if one fails: the base stack stays.
    const { cdc } = await startStack({ env, withCdc: true, stopOnFailure: true, progress });
    if (!cdc) return { ok: false, reason: 'the CDC services started but do not answer' };
    for (const [name, value] of Object.entries(cdc)) env[name] = value;
    return { ok: true, databaseUrl: cdc.TCS_DATABASE_URL };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the CDC services did not start: ${message.split('\n')[0]}` };
  }
}

/** The population's TCS rows, table by table, as TIS holds them. */
export function populationRows(population: Population): Record<TcsTableName, Row[]> {
  const rows = Object.fromEntries(TCS_TABLE_NAMES.map((t) => [t, [] as Row[]])) as Record<
    TcsTableName,
    Row[]
  >;
  for (const programme of population.programmes) rows.Programme.push({ ...programme });
  for (const person of population.persons) {
    const id = person.personId;
    rows.Person.push({ id, role: person.role, addedDate: '2020-01-01 00:00:00' });
    rows.ContactDetails.push({ id, forenames: person.forenames, surname: person.surname });
    rows.GmcDetails.push({
      id,
      gmcNumber: person.gmcReferenceNumber,
      gmcStatus: 'Registered with Licence',
    });
    for (const membership of person.memberships) {
      rows.ProgrammeMembership.push(membershipRow(person, membership.uuid));
      for (const curriculum of membership.curricula) {
        rows.CurriculumMembership.push({
          id: curriculum.id,
          programmeMembershipUuid: membership.uuid,
          curriculumId: curriculum.curriculumId,
          curriculumStartDate: curriculum.startDate,
          curriculumEndDate: curriculum.endDate,
        });
      }
    }
    for (const placement of person.placements) rows.Placement.push({ ...placement, traineeId: id });
  }
  return rows;
}

function membershipRow(person: PopulationPerson, uuid: string): Row {
  const membership = person.memberships.find((m) => m.uuid === uuid);
  if (!membership) throw new Error(`person ${person.personId} has no membership ${uuid}`);
  return programmeMembershipRow(person.personId, membership);
}

export async function openTcs(databaseUrl: string): Promise<Connection> {
  return createConnection({ uri: databaseUrl, dateStrings: true });
}

const CHUNK = 1_000;

/**
 * Makes the `tcs` database hold exactly the population: rows upserted (an unchanged row writes
 * no binlog event, so a second start streams only what differs, such as the rows the last
 * demo's change touched), rows of an earlier, larger population deleted.
 */
export async function writePopulationSql(
  db: Connection,
  population: Population,
): Promise<{ rows: number; removed: number }> {
  const rows = populationRows(population);
  let removed = 0;
  for (const table of TCS_TABLE_NAMES) {
    const key = PRIMARY_KEYS[table];
    const wanted = rows[table];
    const columns = Object.keys(wanted[0] ?? { [key]: null });
    const updates = columns
      .filter((c) => c !== key)
      .map((c) => `\`${c}\` = VALUES(\`${c}\`)`)
      .join(', ');
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const chunk = wanted.slice(i, i + CHUNK).map((row) => columns.map((c) => row[c] ?? null));
      await db.query(
        `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ? ` +
          `ON DUPLICATE KEY UPDATE ${updates}`,
        [chunk],
      );
    }
    const keep = new Set(wanted.map((row) => String(row[key])));
    const [present] = await db.query(`SELECT \`${key}\` AS k FROM \`${table}\``);
    const stale = (present as { k: unknown }[]).map((r) => r.k).filter((k) => !keep.has(String(k)));
    for (let i = 0; i < stale.length; i += CHUNK) {
      await db.query(`DELETE FROM \`${table}\` WHERE \`${key}\` IN (?)`, [
        stale.slice(i, i + CHUNK),
      ]);
    }
    removed += stale.length;
  }
  return { rows: Object.values(rows).reduce((n, r) => n + r.length, 0), removed };
}

export interface DoctorMove {
  gmcReferenceNumber: string;
  personId: number;
  what: string;
  before: DerivedConnection;
  after: DerivedConnection;
}

export interface VisibleChange {
  ended: DoctorMove;
  deleted: DoctorMove;
  /** The SQL the change runs, for the newcomer to read. */
  statements: string[];
  run(db: Connection): Promise<void>;
}

/**
 * Two connected doctors with one programme membership each: the first one's programme ends
 * yesterday, the second one's membership (and its curriculum memberships) is deleted, in one
 * transaction. What each doctor becomes is what the rules core derives.
 */
export function planVisibleChange(population: Population, today: string): VisibleChange {
  const bodies = loadDesignatedBodies({});
  // The fake GMC the demo syncs lists the same doctors as these states (seed 1).
  const states = gmcStates(population, new Date());
  const derive = (p: Population) => {
    const inputs = populationInputs(p, states);
    return (gmc: string) => {
      const doctor = inputs.get(gmc);
      if (!doctor) throw new Error(`no rule inputs for doctor ${gmc}`);
      return deriveConnection(doctor, today, bodies);
    };
  };
  const before = derive(population);
  const [first, second] = population.persons.filter(
    (person) =>
      person.memberships.length === 1 &&
      before(person.gmcReferenceNumber).connectionStatus === 'CONNECTED',
  );
  if (!first || !second) throw new Error('the demo population has too few connected doctors');
  const yesterday = addDays(today, -1);
  const endedUuid = first.memberships[0].uuid;
  const deletedUuid = second.memberships[0].uuid;
  const changed: Population = {
    ...population,
    persons: population.persons.map((person) => {
      if (person === first) {
        return {
          ...person,
          memberships: [{ ...person.memberships[0], endDate: yesterday }],
        };
      }
      return person === second ? { ...person, memberships: [] } : person;
    }),
  };
  const after = derive(changed);
  const statements: [string, string[]][] = [
    ['UPDATE ProgrammeMembership SET programmeEndDate = ? WHERE uuid = ?', [yesterday, endedUuid]],
    ['DELETE FROM CurriculumMembership WHERE programmeMembershipUuid = ?', [deletedUuid]],
    ['DELETE FROM ProgrammeMembership WHERE uuid = ?', [deletedUuid]],
  ];
  const move = (person: PopulationPerson, what: string): DoctorMove => ({
    gmcReferenceNumber: person.gmcReferenceNumber,
    personId: person.personId,
    what,
    before: before(person.gmcReferenceNumber),
    after: after(person.gmcReferenceNumber),
  });
  return {
    ended: move(first, `programme ends ${yesterday}`),
    deleted: move(second, 'programme membership deleted'),
    statements: statements.map(([sql, values]) => format(sql, values)),
    run: (db) => runInTransaction(db, statements),
  };
}

/** The statements in one MariaDB transaction: all of them reach the binlog, or none. */
export async function runInTransaction(
  db: Connection,
  statements: [string, unknown[]][],
): Promise<void> {
  await db.beginTransaction();
  try {
    for (const [sql, values] of statements) await db.query(sql, values);
    await db.commit();
  } catch (error) {
    await db.rollback().catch(() => undefined);
    throw error;
  }
}
