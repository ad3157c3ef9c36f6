// The oracle of a chaos or soak run, once the load and the faults have stopped and the
// pipeline has settled. It reads the final contents of the input topics and applies the
// rules core to them, independently of the stream's join:
//   - the TCS side is the run's model of the tables (every edit was sent until acknowledged,
//     so the model is what the CDC topics hold);
//   - the GMC side is the last record of each key of gmc.doctors, read from the topic.
// It then compares the Elasticsearch views, reval.connections, reval.dlq and MongoDB
// doctorsForDB with that. The comparisons themselves are pure (compareViews, compareMongo,
// countLetters), tested in oracle.test.ts.
import type { DerivedConnection } from '../../processors/rules/types';
import { VERSION_HEADER } from '../../processors/connections/connection-record';
import type { SyncedGmcState } from '../../processors/connections/state/gmc-doctor-state';
import { decodeGmcDoctorsRecord } from '../../processors/gmc-fetch/gmc-doctors';
import { DLQ_HEADERS } from '../../processors/platform/dead-letters';
import { loadDesignatedBodies } from '../../processors/platform/designated-bodies';
import type { KafkaRecord } from '../../processors/platform/kafka';
import { deriveConnection } from '../../processors/rules/derive';
import { legacyViewNames, viewNames, type ViewNames } from '../../processors/es-sink/views';
import { populationInputs } from '../../dev/population/events';
import type { PoisonRecord } from './load';
import type { Pipeline } from './pipeline';

/** The fields of a view document that the rules decide, compared one by one. */
export const COMPARED = [
  'tcsPersonId',
  'doctorFirstName',
  'doctorLastName',
  'programmeName',
  'membershipType',
  'programmeOwner',
  'designatedBody',
  'tcsDesignatedBody',
  'membershipStartDate',
  'membershipEndDate',
  'curriculumEndDate',
  'placementGrades',
  'existsInGmc',
  'underNotice',
  'connectionStatus',
  'connectionReason',
  'exceptionReasons',
  'discrepancy',
  'nextReevaluationDate',
  'selectedProgrammeMembershipUuid',
] as const;

export interface ViewDoc {
  id: string;
  index: string;
  version: number;
  source: Record<string, unknown>;
}

export interface Counts {
  missing: number;
  /** An older version than reval.connections' last record for the doctor. */
  stale: number;
  /** The same doctor twice in one view, or a doctor the rules do not expect. */
  duplicate: number;
  /** A field that differs from what the rules derive. */
  wrong: number;
  /** Alias members that differ from the master documents its filter selects. */
  aliasMismatches: number;
  examples: string[];
}

export const zero = (): Counts => ({
  missing: 0,
  stale: 0,
  duplicate: 0,
  wrong: 0,
  aliasMismatches: 0,
  examples: [],
});

function normal(value: unknown): unknown {
  if (value === undefined || value === '') return null;
  if (Array.isArray(value)) return value.map((v) => String(v));
  if (value instanceof Date) return value.toISOString();
  return value;
}

function example(counts: Counts, text: string): void {
  if (counts.examples.length < 8) counts.examples.push(text);
}

/** The project's master view against the rules, and against reval.connections' versions. */
export function compareViews(
  expected: Map<string, DerivedConnection>,
  docs: ViewDoc[],
  lastVersions: Map<string, { version: number; tombstone: boolean }>,
  counts: Counts = zero(),
): Counts {
  const seen = new Set<string>();
  for (const doc of docs) {
    if (seen.has(doc.id)) {
      counts.duplicate += 1;
      example(counts, `duplicate ${doc.id} (in ${doc.index})`);
      continue;
    }
    seen.add(doc.id);
    const derived = expected.get(doc.id);
    if (!derived) {
      counts.duplicate += 1;
      example(counts, `unexpected ${doc.id}`);
      continue;
    }
    const last = lastVersions.get(doc.id);
    if (last && (last.tombstone || doc.version < last.version)) {
      counts.stale += 1;
      example(counts, `stale ${doc.id}: version ${doc.version}, topic ${last.version}`);
    }
    const differs = COMPARED.filter(
      (field) =>
        JSON.stringify(normal(doc.source[field])) !==
        JSON.stringify(normal((derived as unknown as Record<string, unknown>)[field])),
    );
    if (differs.length > 0) {
      counts.wrong += 1;
      const field = differs[0];
      example(
        counts,
        `wrong ${doc.id}: ${differs.join(', ')} (${field}: view ${JSON.stringify(doc.source[field])}, rules ${JSON.stringify((derived as unknown as Record<string, unknown>)[field])})`,
      );
    }
  }
  for (const id of expected.keys()) {
    if (!seen.has(id)) {
      counts.missing += 1;
      example(counts, `missing ${id}`);
    }
  }
  return counts;
}

/** Whether an alias filter (term or exists, as views.ts writes them) selects a document. */
export function matchesFilter(
  filter: Record<string, unknown> | null,
  source: Record<string, unknown>,
): boolean {
  if (filter === null) return true;
  if ('term' in filter) {
    const [[field, value]] = Object.entries(filter.term as Record<string, unknown>);
    const held = source[field];
    return Array.isArray(held) ? held.includes(value) : held === value;
  }
  if ('exists' in filter) {
    const held = source[(filter.exists as { field: string }).field];
    if (held === null || held === undefined) return false;
    return !Array.isArray(held) || held.length > 0;
  }
  throw new Error(`unknown filter ${JSON.stringify(filter)}`);
}

/** Each alias against the master documents its filter selects. */
export function compareAliases(
  names: ViewNames,
  master: ViewDoc[],
  members: Map<string, string[]>,
  counts: Counts = zero(),
): Counts {
  for (const [alias, filter] of Object.entries(names.filters)) {
    const want = new Set(master.filter((d) => matchesFilter(filter, d.source)).map((d) => d.id));
    const have = members.get(alias) ?? [];
    const haveSet = new Set(have);
    const wrong =
      [...want].filter((id) => !haveSet.has(id)).length +
      [...haveSet].filter((id) => !want.has(id)).length +
      (have.length - haveSet.size);
    if (wrong > 0) {
      counts.aliasMismatches += wrong;
      example(counts, `alias ${alias}: ${wrong} documents differ from its filter`);
    }
  }
  return counts;
}

export interface MongoDoc {
  _id: string;
  designatedBodyCode?: string | null;
  existsInGmc?: boolean;
  gmcLastUpdatedDateTime?: Date | null;
}

/** doctorsForDB against the last state of each doctor in gmc.doctors. */
export function compareMongo(
  states: Map<string, SyncedGmcState>,
  docs: MongoDoc[],
  counts: Counts = zero(),
): Counts {
  const byId = new Map(docs.map((d) => [d._id, d]));
  for (const [id, state] of states) {
    const doc = byId.get(id);
    if (!doc) {
      counts.missing += 1;
      example(counts, `doctorsForDB missing ${id}`);
      continue;
    }
    const same =
      (doc.designatedBodyCode ?? null) === (state.designatedBody ?? null) &&
      doc.existsInGmc === (state.designatedBody !== null) &&
      doc.gmcLastUpdatedDateTime?.getTime() === state.requestTime.getTime();
    if (!same) {
      counts.stale += 1;
      example(
        counts,
        `doctorsForDB ${id}: ${doc.designatedBodyCode ?? '-'} at ${doc.gmcLastUpdatedDateTime?.toISOString()}, gmc.doctors ${state.designatedBody ?? '-'} at ${state.requestTime.toISOString()}`,
      );
    }
  }
  for (const doc of docs) {
    if (!states.has(doc._id)) {
      counts.duplicate += 1;
      example(counts, `doctorsForDB unexpected ${doc._id}`);
    }
  }
  return counts;
}

export interface Letter {
  topic: string;
  partition: string;
  offset: string;
  reason: string;
}

export interface DlqCounts {
  /** Poison records in the input topics with no letter. */
  missing: number;
  /** Letters beyond the first for one poison record. */
  duplicate: number;
  /** Letters for records that were not poison. */
  unexpected: number;
  examples: string[];
}

/** Every poison record (as found in its topic) in reval.dlq exactly once. */
export function countLetters(poison: PoisonRecord[], letters: Letter[]): DlqCounts {
  const counts: DlqCounts = { missing: 0, duplicate: 0, unexpected: 0, examples: [] };
  const coordinates = (l: { topic: string; partition: string | number; offset: string }) =>
    `${l.topic}:${l.partition}:${l.offset}`;
  const perRecord = new Map<string, number>();
  for (const letter of letters) {
    const at = coordinates(letter);
    perRecord.set(at, (perRecord.get(at) ?? 0) + 1);
  }
  const poisonAt = new Set(poison.map(coordinates));
  for (const at of poisonAt) {
    const n = perRecord.get(at) ?? 0;
    if (n === 0) {
      counts.missing += 1;
      if (counts.examples.length < 8) counts.examples.push(`no letter for poison ${at}`);
    } else if (n > 1) {
      counts.duplicate += n - 1;
      if (counts.examples.length < 8) counts.examples.push(`${n} letters for poison ${at}`);
    }
  }
  for (const [at, n] of perRecord) {
    if (!poisonAt.has(at)) {
      counts.unexpected += n;
      const reason = letters.find((l) => coordinates(l) === at)?.reason;
      if (counts.examples.length < 8) counts.examples.push(`letter for ${at}: ${reason}`);
    }
  }
  return counts;
}

// ---- reading the final state -------------------------------------------------------------

async function readAll(pipeline: Pipeline, topic: string): Promise<KafkaRecord[]> {
  const records: KafkaRecord[] = [];
  await pipeline.kafka.readToEnd([topic], (batch) => {
    records.push(...batch);
  });
  return records;
}

export async function finalGmcStates(pipeline: Pipeline): Promise<Map<string, SyncedGmcState>> {
  const states = new Map<string, SyncedGmcState>();
  for (const record of await readAll(pipeline, pipeline.topics.gmcDoctors)) {
    const decoded = await decodeGmcDoctorsRecord(record, pipeline.codecs);
    if (!decoded.ok) continue;
    const { gmcNumber, state } = decoded.value;
    if (state === null) states.delete(gmcNumber);
    else states.set(gmcNumber, state);
  }
  return states;
}

async function lastConnectionVersions(
  pipeline: Pipeline,
): Promise<Map<string, { version: number; tombstone: boolean }>> {
  const last = new Map<string, { version: number; tombstone: boolean }>();
  for (const record of await readAll(pipeline, pipeline.topics.connections)) {
    const key = record.key?.toString() ?? '';
    const version = Number(record.headers[VERSION_HEADER]?.toString());
    const known = last.get(key);
    if (known && known.version >= version) continue;
    last.set(key, { version, tombstone: record.value === null });
  }
  return last;
}

async function search(url: string, index: string): Promise<ViewDoc[]> {
  const response = await fetch(`${url}/${index}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 10_000, version: true, query: { match_all: {} } }),
  });
  if (!response.ok) throw new Error(`search ${index}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as {
    hits: {
      total: { value: number };
      hits: { _id: string; _index: string; _version: number; _source: Record<string, unknown> }[];
    };
  };
  if (body.hits.total.value > 10_000) throw new Error(`${index}: more than 10,000 documents`);
  return body.hits.hits.map((hit) => ({
    id: hit._id,
    index: hit._index,
    version: hit._version,
    source: hit._source,
  }));
}

export interface OracleResult {
  expectedDoctors: number;
  views: Counts;
  mongo: Counts;
  dlq: DlqCounts;
  poisonRecords: number;
}

export async function runOracle(pipeline: Pipeline, poison: PoisonRecord[]): Promise<OracleResult> {
  const url = pipeline.env.ELASTICSEARCH_URL as string;
  const prefix = pipeline.env.ES_INDEX_PREFIX ?? '';
  await fetch(`${url}/${prefix}*/_refresh`, { method: 'POST' });

  const states = await finalGmcStates(pipeline);
  const designatedBodies = loadDesignatedBodies({});
  const expected = new Map(
    [...populationInputs(pipeline.population, [...states.values()])].map(([gmc, inputs]) => [
      gmc,
      deriveConnection(inputs, pipeline.population.today, designatedBodies),
    ]),
  );
  const versions = await lastConnectionVersions(pipeline);

  const own = viewNames(prefix);
  const legacy = legacyViewNames(prefix);
  const master = await search(url, own.master);
  const views = compareViews(expected, master, versions);
  // The legacy projection: the same doctors at the same versions.
  const legacyMaster = await search(url, legacy.master);
  const ownVersions = new Map(master.map((d) => [d.id, d.version]));
  const legacySeen = new Set<string>();
  for (const doc of legacyMaster) {
    if (legacySeen.has(doc.id) || !ownVersions.has(doc.id)) {
      views.duplicate += 1;
      if (views.examples.length < 8) views.examples.push(`legacy view: extra ${doc.id}`);
    } else if (ownVersions.get(doc.id) !== doc.version) {
      views.stale += 1;
      if (views.examples.length < 8) {
        views.examples.push(
          `legacy view: ${doc.id} at ${doc.version}, own ${ownVersions.get(doc.id)}`,
        );
      }
    }
    legacySeen.add(doc.id);
  }
  for (const id of ownVersions.keys()) {
    if (!legacySeen.has(id)) {
      views.missing += 1;
      if (views.examples.length < 8) views.examples.push(`legacy view: missing ${id}`);
    }
  }
  for (const [names, docs] of [
    [own, master],
    [legacy, legacyMaster],
  ] as const) {
    const members = new Map<string, string[]>();
    for (const alias of Object.keys(names.filters)) {
      members.set(
        alias,
        (await search(url, alias)).map((d) => d.id),
      );
    }
    compareAliases(names, docs, members, views);
  }

  const { MongoClient } = await import('mongodb');
  const mongo = new MongoClient(pipeline.env.MONGODB_URI as string);
  let mongoDocs: MongoDoc[];
  try {
    mongoDocs = await mongo
      .db(pipeline.env.MONGODB_DATABASE)
      .collection<MongoDoc>('doctorsForDB')
      .find(
        {},
        { projection: { designatedBodyCode: 1, existsInGmc: 1, gmcLastUpdatedDateTime: 1 } },
      )
      .toArray();
  } finally {
    await mongo.close();
  }
  const mongoCounts = compareMongo(states, mongoDocs);

  // The poison records as the topics hold them (a send that failed may still have landed).
  const poisonKeys = new Set(poison.map((p) => `${p.topic} ${p.key}`));
  const found: PoisonRecord[] = [];
  for (const topic of new Set(poison.map((p) => p.topic))) {
    for (const record of await readAll(pipeline, topic)) {
      const key = record.key?.toString() ?? '';
      if (poisonKeys.has(`${topic} ${key}`)) {
        found.push({ topic, key, partition: record.partition, offset: record.offset });
      }
    }
  }
  const letters: Letter[] = (await readAll(pipeline, pipeline.topics.dlq)).map((record) => ({
    topic: record.headers[DLQ_HEADERS.topic]?.toString() ?? '',
    partition: record.headers[DLQ_HEADERS.partition]?.toString() ?? '',
    offset: record.headers[DLQ_HEADERS.offset]?.toString() ?? '',
    reason: record.headers[DLQ_HEADERS.reason]?.toString() ?? '',
  }));
  return {
    expectedDoctors: expected.size,
    views,
    mongo: mongoCounts,
    dlq: countLetters(found, letters),
    poisonRecords: found.length,
  };
}
