// `npm run bench`: the whole pipeline's figures on this machine, in one run (prints them; not
// a timed test, never fails on a missed goal). A synthetic population of 100,000 doctors
// (14 designated bodies, 1–3 programme memberships each, curricula, placements, GMC lists
// ~95% consistent with TIS) goes in as Debezium CDC events and GMC states on private topics,
// then:
//   1. `reval rebuild --from-sources` (child process) to a searchable index;
//   2. baselines: a plain kafkajs consumer over the same input topics, and plain `_bulk`
//      (bulkLoadRaw) of the same final documents; headline = (1) / the slower of the two;
//   3. freshness: connections + es-sink live (child processes), CDC edits at a steady rate,
//      produce → searchable through the alias at Elasticsearch's own refresh interval;
//   4. cold start of `reval run connections` on the full topics, to /readyz (isReady());
//   5. peak RSS (VmHWM) of each processor process, and of the rebuild.
// Uses KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ELASTICSEARCH_URL and MONGODB_URI when all are
// set, else starts the local stack (and stops only what it started). Cleans up its topics,
// indices, template and schema subjects.
//
// Run: npm run build && npm run bench [-- --doctors 100000 --format json|json-schemaless|avro
//      --rate 200 --seconds 30 --cpu-prof DIR]
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { inputTopicsOf } from '../../processors/connections/wiring';
import { ensureViews } from '../../processors/es-sink/bootstrap';
import { bulkLoadRaw, type BulkLoadResult } from '../../processors/es-sink/bulk-load-raw';
import { toDoctorDocument } from '../../processors/es-sink/doctor-document';
import { viewNames, type ViewNames } from '../../processors/es-sink/views';
import {
  elasticsearchConfig,
  kafkaConfig,
  timeZone,
  type Env,
} from '../../processors/platform/config';
import { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import { createLogger } from '../../processors/platform/logger';
import { todayIn } from '../../processors/rules/dates';
import {
  ENDPOINT_VARIABLES,
  startStack,
  stackDown,
  type ServiceName,
  type StackEndpoints,
} from '../../processors/stack';
import type { Format } from '../support/debezium';
import { DESIGNATED_BODIES, generatePopulation, type Population } from '../support/population';
import { gmcDoctorRecord, gmcStates, personEvents } from '../support/population-events';
import {
  createStreamHarness,
  privateTopicsEnv,
  type StreamHarness,
} from '../support/stream-harness';
import type { GmcDoctorState } from '../../processors/connections/state/gmc-doctor-state';
import { spawnReval, waitForOk, type RevalChild } from './child';
import { measureFreshness, type CurrentRecord, type FreshnessResult } from './freshness';
import { deleteGroups, rawConsume, type RawConsumeResult } from './raw-consume';

const GOALS = {
  replayRatio: 0.7,
  freshnessP99Seconds: 2,
  coldStartSeconds: 10,
  rssMb: 400,
};

interface Options {
  doctors: number;
  format: Format;
  eventsPerSecond: number;
  freshnessSeconds: number;
  cpuProfDir?: string;
}

const USAGE = `usage: node dist/test/bench/pipeline.js [--doctors N] [--format json|json-schemaless|avro]
       [--rate EVENTS_PER_S] [--seconds FRESHNESS_S] [--cpu-prof DIR]`;

function parseOptions(argv: string[]): Options {
  const options: Options = {
    doctors: 100_000,
    format: 'json',
    eventsPerSecond: 200,
    freshnessSeconds: 30,
  };
  const positive = (name: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} needs a positive number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--doctors':
        options.doctors = Math.round(positive(flag, value()));
        break;
      case '--format': {
        const format = value();
        if (format !== 'json' && format !== 'json-schemaless' && format !== 'avro') {
          throw new UsageError('--format is json, json-schemaless or avro');
        }
        options.format = format;
        break;
      }
      case '--rate':
        options.eventsPerSecond = positive(flag, value());
        break;
      case '--seconds':
        options.freshnessSeconds = positive(flag, value());
        break;
      case '--cpu-prof':
        options.cpuProfDir = value();
        if (!options.cpuProfDir) throw new UsageError('--cpu-prof needs a directory');
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown option ${argv[i]}`);
    }
  }
  return options;
}

class UsageError extends Error {}

const say = (line = '') => process.stderr.write(`[bench] ${line}\n`);
const int = (n: number) => Math.round(n).toLocaleString('en-GB');
const secs = (s: number) => `${s.toFixed(1)} s`;
const load1 = () => loadavg()[0];
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

/** Services from the environment when all four are set, else the local stack. */
async function services(): Promise<ServiceName[]> {
  const variables = Object.values(ENDPOINT_VARIABLES);
  if (variables.every((name) => process.env[name])) {
    say(`using the services of ${variables.join(', ')}`);
    return [];
  }
  say('KAFKA_BROKERS / SCHEMA_REGISTRY_URL / ELASTICSEARCH_URL / MONGODB_URI not all set:');
  say('starting the local stack (and stopping what this run starts at the end)');
  const stack = await startStack({
    progress: (service, message) => say(`${service}: ${message}`),
    stopOnFailure: true,
  });
  for (const key of Object.keys(ENDPOINT_VARIABLES) as (keyof StackEndpoints)[]) {
    process.env[ENDPOINT_VARIABLES[key]] = stack.endpoints[key];
  }
  return stack.started;
}

/** Doctors per designated body so that TIS persons (GMC-listed + 2% TIS-only) ≈ `doctors`. */
function doctorsPerBodyFor(doctors: number): number {
  return Math.max(1, Math.round(doctors / (DESIGNATED_BODIES.length * 1.02)));
}

interface Seeded {
  tisRecords: number;
  gmcRecords: number;
  bytes: number;
  seconds: number;
}

/** Every TCS row as a Debezium snapshot read, then every GMC state as gmc-fetch writes it. */
async function seed(
  harness: StreamHarness,
  population: Population,
  states: GmcDoctorState[],
  format: Format,
): Promise<Seeded> {
  const started = performance.now();
  let tisRecords = 0;
  let bytes = 0;
  const count = <M extends { key: Buffer | null; value: Buffer | null }>(messages: M[]): M[] => {
    for (const m of messages) bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
    return messages;
  };
  const programmes = [];
  for (const programme of population.programmes) {
    programmes.push(
      ...(await harness.events.mysqlRow('Programme', 'r', { after: { ...programme } }, format)),
    );
  }
  await harness.produce(count(programmes));
  tisRecords += programmes.length;
  // The next chunk is encoded while the previous one is being sent.
  let sending: Promise<void> = Promise.resolve();
  const CHUNK = 1_000;
  for (let i = 0; i < population.persons.length; i += CHUNK) {
    const messages = [];
    for (const person of population.persons.slice(i, i + CHUNK)) {
      messages.push(...(await personEvents(person, harness.events, 'r', format)));
    }
    tisRecords += messages.length;
    await sending;
    sending = harness.produce(count(messages));
    if ((i / CHUNK) % 20 === 0) {
      say(`  produced ${int(i)} of ${int(population.persons.length)} TIS persons`);
    }
  }
  await sending;
  for (let i = 0; i < states.length; i += 5_000) {
    const messages = [];
    for (const state of states.slice(i, i + 5_000)) {
      messages.push({
        topic: harness.topics.gmcDoctors,
        key: Buffer.from(state.gmcReferenceNumber),
        value: await harness.codecs.encode('gmcDoctor', gmcDoctorRecord(state)),
      });
    }
    await harness.produce(count(messages));
  }
  return {
    tisRecords,
    gmcRecords: states.length,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}

interface RebuildFigures {
  wallSeconds: number;
  reportedSeconds: number;
  phases: string;
  recomputeLine: string;
  searchable: number;
  peakMb: number;
  load: number;
}

async function rebuildFromSources(
  env: Env,
  es: ElasticsearchClient,
  views: ViewNames,
  nodeArgs: string[],
): Promise<RebuildFigures> {
  // The views must exist before a rebuild, as they do in production: bootstrap them directly.
  await ensureViews(es, views, createLogger('bench-bootstrap', 'warn'));
  const load = load1();
  const child = spawnReval(['rebuild', '--from-sources'], { env, nodeArgs });
  const stdout = await child.exit;
  const wallSeconds = (performance.now() - child.spawnedAt) / 1000;
  // The rebuild refreshed the new index before and after the swap: searchable now.
  const searchable = await es.count(views.master);
  return {
    wallSeconds,
    reportedSeconds: Number(/ in ([\d.]+) s /.exec(stdout)?.[1] ?? NaN),
    phases: /seconds per phase: (.*)/.exec(stdout)?.[1] ?? '?',
    recomputeLine: child.otherLines.find((line) => line.startsWith('recomputed ')) ?? '?',
    searchable,
    peakMb: child.peakMb(),
    load,
  };
}

interface ColdStart {
  seconds: number;
  /** Seconds from spawn to each milestone the processor logs. */
  started: number | null;
  caughtUp: number | null;
  load: number;
}

async function coldStartConnections(
  child: RevalChild,
  port: number,
  load: number,
): Promise<ColdStart> {
  const readyAt = await waitForOk(`http://127.0.0.1:${port}/readyz`, child, 30 * 60_000);
  const at = (prefix: string) => {
    const line = child.logs.find((l) => l.msg.startsWith(prefix));
    return line ? (line.at - child.spawnedAt) / 1000 : null;
  };
  return {
    seconds: (readyAt - child.spawnedAt) / 1000,
    started: at('connections processor started'),
    caughtUp: at('inputs caught up'),
    load,
  };
}

/** Waits until the es-sink group has committed every partition of reval.connections. */
async function sinkCaughtUp(harness: StreamHarness, groupId: string): Promise<void> {
  const topic = harness.topics.connections;
  const ends = await harness.kafka.endOffsets(topic);
  for (;;) {
    const committed = await harness.kafka.groupOffsets(groupId, [topic]);
    const behind = [...ends].filter(
      ([partition, { low, high }]) =>
        BigInt(high) > BigInt(low) &&
        BigInt(committed.get(`${topic}:${partition}`) ?? '-1') < BigInt(high),
    );
    if (behind.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Records on reval.connections (sum of end offsets; the topic is never trimmed here). */
async function recordCount(harness: StreamHarness): Promise<number> {
  let total = 0;
  for (const { high } of (await harness.kafka.endOffsets(harness.topics.connections)).values()) {
    total += Number(high);
  }
  return total;
}

/**
 * The first half of each freshness latency: from the produce to the connections processor's
 * record for that doctor (Kafka CreateTime, set by its producer on this same machine).
 */
async function connectionsStage(
  harness: StreamHarness,
  from: Map<number, { low: string; high: string }>,
  fresh: FreshnessResult,
): Promise<number[]> {
  const written = new Map<string, number[]>();
  for (const record of await harness.readAll(harness.topics.connections)) {
    if (BigInt(record.offset) < BigInt(from.get(record.partition)?.high ?? '0')) continue;
    const key = record.key?.toString() ?? '';
    written.set(key, [...(written.get(key) ?? []), Number(record.timestamp)]);
  }
  const stages: number[] = [];
  for (const { gmc, producedEpochMs } of fresh.seen) {
    const at = (written.get(gmc) ?? []).find((t) => t >= producedEpochMs - 5);
    if (at !== undefined) stages.push((at - producedEpochMs) / 1000);
  }
  return stages.sort((a, b) => a - b);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const randomPort = () => 20_000 + Math.floor(Math.random() * 20_000);

async function cleanUp(
  harness: StreamHarness,
  es: ElasticsearchClient,
  env: Env,
  views: ViewNames,
): Promise<void> {
  const topicNames = Object.values(harness.topics);
  for (const index of await es.indicesMatching(`${views.prefix}*`)) await es.deleteIndex(index);
  await es.deleteIndexTemplate(views.template);
  await harness.kafka.deleteTopics(topicNames);
  for (const topic of topicNames) {
    for (const subject of [`${topic}-key`, `${topic}-value`]) {
      await harness.codecs.deleteSubject(subject).catch(() => undefined);
    }
  }
  await deleteGroups(kafkaConfig(env).brokers, [
    env.CONNECTIONS_GROUP_ID as string,
    env.ES_SINK_GROUP_ID as string,
  ]);
}

interface Row {
  what: string;
  figure: string;
  goal?: string;
  pass?: boolean;
  load?: number;
}

function table(rows: Row[]): string {
  const widths = [
    Math.max(...rows.map((r) => r.what.length)),
    Math.max(...rows.map((r) => r.figure.length)),
    Math.max(4, ...rows.map((r) => (r.goal ?? '').length)),
  ];
  const line = (cells: string[]) =>
    `${cells[0].padEnd(widths[0])}  ${cells[1].padEnd(widths[1])}  ${cells[2].padEnd(widths[2])}  ${cells[3].padEnd(6)}  ${cells[4]}`.trimEnd();
  return [
    line(['measurement', 'figure', 'goal', 'result', 'load (1 min)']),
    line(['-'.repeat(widths[0]), '-'.repeat(widths[1]), '-'.repeat(widths[2]), '------', '----']),
    ...rows.map((r) =>
      line([
        r.what,
        r.figure,
        r.goal ?? '',
        r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS',
        r.load === undefined ? '' : r.load.toFixed(2),
      ]),
    ),
  ].join('\n');
}

interface Run {
  options: Options;
  env: Env;
  prefix: string;
  views: ViewNames;
  harness: StreamHarness;
  es: ElasticsearchClient;
  nodeArgs: string[];
  /** Processes to stop if a measurement fails half-way. */
  children: RevalChild[];
}

interface Figures {
  doctors: number;
  doctorsPerBody: number;
  tisOnly: number;
  seeded: Seeded;
  raw: RawConsumeResult & { load: number };
  rebuilt: RebuildFigures;
  bulk: BulkLoadResult & { load: number };
  cold: ColdStart & { startupWrites: number };
  sinkCatchUpSeconds: number;
  fresh: FreshnessResult & { load: number; endLoad: number; toConnections: number[] };
  rss: { connections: number; sink: number };
}

async function measure(run: Run): Promise<Figures> {
  const { options, env, harness, es, views, nodeArgs } = run;

  // ── The population, as CDC events and GMC states ────────────────────────────────────────
  const today = todayIn(new Date(), timeZone(env));
  const doctorsPerBody = doctorsPerBodyFor(options.doctors);
  const population = generatePopulation({ doctorsPerBody, today, seed: 7 });
  const states = gmcStates(population, new Date(Date.now() - 3_600_000));
  const gmcListed = new Set(states.map((s) => s.gmcReferenceNumber));
  const doctors = new Set([...population.persons.map((p) => p.gmcReferenceNumber), ...gmcListed])
    .size;
  const tisOnly = population.persons.length - states.length;
  say(
    `${int(doctors)} doctors: ${DESIGNATED_BODIES.length} designated bodies x ${int(doctorsPerBody)} ` +
      `listed by GMC + ${int(tisOnly)} TIS-only; topics ${run.prefix}.*, indices ${views.prefix}*`,
  );
  say(`producing CDC events (${options.format}) and GMC states…`);
  const seeded = await seed(harness, population, states, options.format);
  say(
    `  ${int(seeded.tisRecords)} CDC + ${int(seeded.gmcRecords)} GMC records, ` +
      `${(seeded.bytes / 1e6).toFixed(0)} MB, in ${secs(seeded.seconds)}`,
  );

  // ── (2a) plain kafkajs consumer over the input topics ─────────────────────────────────────
  say('(2a) plain kafkajs consumer over the input topics…');
  const consumeLoad = load1();
  const inputTopics = [...inputTopicsOf(harness.topics).keys()];
  const raw = { ...(await rawConsume(kafkaConfig(env).brokers, inputTopics)), load: consumeLoad };
  say(`  ${int(raw.records)} records in ${secs(raw.seconds)}`);

  // ── (1) rebuild --from-sources ────────────────────────────────────────────────────────────
  say('(1) reval rebuild --from-sources (child process)…');
  const rebuilt = await rebuildFromSources(env, es, views, nodeArgs);
  say(`  ${int(rebuilt.searchable)} searchable documents in ${secs(rebuilt.wallSeconds)}`);
  if (rebuilt.searchable !== doctors) {
    say(`  WARNING: the index holds ${rebuilt.searchable} documents, expected ${doctors}`);
  }

  // ── (2b) plain _bulk of the same final documents ──────────────────────────────────────────
  say('(2b) plain _bulk loader on the final documents of reval.connections…');
  const latest = await harness.latestConnections();
  const current = new Map<string, CurrentRecord | null>();
  const documents = [];
  for (const [gmc, { value }] of latest) {
    current.set(gmc, value);
    if (value) documents.push(toDoctorDocument(value));
  }
  latest.clear();
  const bulkLoad = load1();
  const bulk = {
    ...(await bulkLoadRaw(documents, { es, index: `${views.prefix}raw-bulk` })),
    load: bulkLoad,
  };
  documents.length = 0;
  say(`  ${int(bulk.documents)} documents in ${secs(bulk.seconds)}`);

  // ── (4) cold start of connections, then es-sink, as production runs them ─────────────────
  say('(4) reval run connections (child process) to ready…');
  const port = randomPort();
  const recordsBefore = await recordCount(harness);
  const coldLoad = load1();
  const connections = spawnReval(['run', 'connections'], {
    env: { ...env, LOG_LEVEL: 'info', METRICS_PORT: String(port) },
    nodeArgs,
  });
  run.children.push(connections);
  const cold = {
    ...(await coldStartConnections(connections, port, coldLoad)),
    startupWrites: (await recordCount(harness)) - recordsBefore,
  };
  say(`  ready in ${secs(cold.seconds)}`);
  say('    reval run es-sink (child process), catching up with reval.connections…');
  const sinkStarted = performance.now();
  const sink = spawnReval(['run', 'es-sink'], {
    env: { ...env, METRICS_PORT: String(port + 1) },
    nodeArgs,
  });
  run.children.push(sink);
  await Promise.race([
    sinkCaughtUp(harness, env.ES_SINK_GROUP_ID as string),
    sink.exit.then(() => Promise.reject(new Error('es-sink exited'))),
  ]);
  const sinkCatchUpSeconds = (performance.now() - sinkStarted) / 1000;
  say(`  es-sink caught up in ${secs(sinkCatchUpSeconds)}`);

  // ── (3) freshness ─────────────────────────────────────────────────────────────────────────
  say(`(3) freshness: ${options.eventsPerSecond} CDC events/s for ${options.freshnessSeconds} s…`);
  const freshLoad = load1();
  const connectionsEnds = await harness.kafka.endOffsets(harness.topics.connections);
  const measured = await measureFreshness({
    harness,
    es,
    alias: views.master,
    persons: population.persons,
    current,
    gmcListed,
    format: options.format,
    eventsPerSecond: options.eventsPerSecond,
    seconds: options.freshnessSeconds,
  });
  const fresh = {
    ...measured,
    load: freshLoad,
    endLoad: load1(),
    toConnections: await connectionsStage(harness, connectionsEnds, measured),
  };
  say(`  ${int(fresh.latenciesMs.length)} of ${int(fresh.produced)} edits seen`);

  // ── (5) peak RSS ──────────────────────────────────────────────────────────────────────────
  const rss = { connections: connections.peakMb(), sink: sink.peakMb() };
  for (const child of run.children.splice(0)) await child.stop();

  return {
    doctors,
    doctorsPerBody,
    tisOnly,
    seeded,
    raw,
    rebuilt,
    bulk,
    cold,
    sinkCatchUpSeconds,
    fresh,
    rss,
  };
}

const FORMAT_NAMES: Record<Format, string> = {
  json: 'Debezium JSON with schema (JsonConverter, schemas.enable=true)',
  'json-schemaless': 'Debezium JSON without schema',
  avro: 'Debezium Avro through the registry',
};

function report(options: Options, f: Figures, views: ViewNames, startLoads: string): string {
  const rebuildRate = f.doctors / f.rebuilt.wallSeconds;
  const consumeRate = f.doctors / f.raw.seconds;
  const bulkRate = f.bulk.documents / f.bulk.seconds;
  const ratio = rebuildRate / Math.min(consumeRate, bulkRate);
  const sorted = [...f.fresh.latenciesMs].sort((a, b) => a - b).map((ms) => ms / 1000);
  const [p50, p95, p99] = [0.5, 0.95, 0.99].map((p) => percentile(sorted, p));
  const stage = (p: number) => percentile(f.fresh.toConnections, p).toFixed(2);
  const rss = (what: string, mb: number, goal = `< ${GOALS.rssMb} MB`): Row => ({
    what,
    figure: `${mb} MB`,
    goal,
    pass: mb < GOALS.rssMb,
  });
  const rows: Row[] = [
    {
      what: '(1) rebuild --from-sources → searchable',
      figure: `${int(rebuildRate)} doctors/s, ${secs(f.rebuilt.wallSeconds)} wall`,
      load: f.rebuilt.load,
    },
    {
      what: '(2a) plain kafkajs consumer, input topics',
      figure: `${int(consumeRate)} doctors/s (${int(f.raw.records / f.raw.seconds)} records/s, ${secs(f.raw.seconds)})`,
      load: f.raw.load,
    },
    {
      what: '(2b) plain _bulk loader, final documents',
      figure: `${int(bulkRate)} doctors/s (${secs(f.bulk.seconds)})`,
      load: f.bulk.load,
    },
    {
      what: '    replay ratio (1) / slower of (2a), (2b)',
      figure: `${ratio.toFixed(2)} (slower: ${consumeRate < bulkRate ? '2a consume' : '2b bulk'})`,
      goal: `≥ ${GOALS.replayRatio.toFixed(2)}`,
      pass: ratio >= GOALS.replayRatio,
    },
    {
      what: `(3) freshness at ${options.eventsPerSecond}/s, produce → searchable`,
      figure: `p50 ${p50.toFixed(2)} s, p95 ${p95.toFixed(2)} s, p99 ${p99.toFixed(2)} s`,
      goal: `p99 < ${GOALS.freshnessP99Seconds} s`,
      pass: p99 < GOALS.freshnessP99Seconds && f.fresh.missing === 0,
      load: f.fresh.load,
    },
    {
      what: '(4) cold start, run connections → ready',
      figure: secs(f.cold.seconds),
      goal: `< ${GOALS.coldStartSeconds} s`,
      pass: f.cold.seconds < GOALS.coldStartSeconds,
      load: f.cold.load,
    },
    rss('(5) peak RSS, connections', f.rss.connections),
    rss('    peak RSS, es-sink', f.rss.sink),
    rss('    peak RSS, rebuild --from-sources', f.rebuilt.peakMb, `(< ${GOALS.rssMb} MB)`),
  ];
  const notes = [
    `(1)  rebuild's own report: ${secs(f.rebuilt.reportedSeconds)} (wall adds node start-up); per phase: ${f.rebuilt.phases}`,
    `     ${f.rebuilt.recomputeLine}`,
    `     ${int(f.rebuilt.searchable)} documents searchable in ${views.master} (expected ${int(f.doctors)})`,
    `(2a) ${int(f.raw.records)} records, ${(f.raw.bytes / 1e6).toFixed(0)} MB of values, ${(f.raw.bytes / 1e6 / f.raw.seconds).toFixed(0)} MB/s; kafkajs imported directly, default fetch sizes`,
    `(2b) bulkLoadRaw: ${int(f.bulk.documents)} documents, 1,000 per request, 2 in flight, refresh off then on`,
    `(3)  ${int(f.fresh.produced)} edits (${int(f.fresh.endDateEdits)} programme end dates, ${int(f.fresh.nameEdits)} TIS surnames) at ${f.fresh.eventsPerSecond.toFixed(0)}/s; ` +
      `${int(sorted.length)} seen, ${int(f.fresh.missing)} not seen within 30 s; max ${percentile(sorted, 1).toFixed(2)} s`,
    `     stage: produce → record on reval.connections (its CreateTime) p50 ${stage(0.5)} s, p95 ${stage(0.95)} s, p99 ${stage(0.99)} s; ` +
      'the rest is es-sink + refresh + poll',
    `     search polls of the alias every 50 ms (mean ${f.fresh.meanPollMs.toFixed(0)} ms each), no _refresh; time taken at the poll's answer (upper bound)`,
    `     load average rose to ${f.fresh.endLoad.toFixed(2)} by the end of the freshness run`,
    `(4)  spawn → "connections processor started" ${f.cold.started?.toFixed(1) ?? '?'} s → inputs caught up ${f.cold.caughtUp?.toFixed(1) ?? '?'} s → /readyz 200 ${f.cold.seconds.toFixed(1)} s`,
    `     records written to reval.connections at start-up: ${int(f.cold.startupWrites)} (0 expected: the rebuild left them current)`,
    `     then es-sink caught up with reval.connections (${int(f.doctors)} records, all already indexed) in ${secs(f.sinkCatchUpSeconds)}`,
    '(5)  VmHWM (peak resident set) of each child process over its whole run',
  ];
  return [
    '',
    `reval-stream pipeline benchmark — ${int(f.doctors)} doctors (${DESIGNATED_BODIES.length} bodies x ${int(f.doctorsPerBody)} listed by GMC + ${int(f.tisOnly)} TIS-only), ${FORMAT_NAMES[options.format]}`,
    `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; load average (1/5/15 min) at start ${startLoads}, at end ${loads()}`,
    `inputs: ${int(f.seeded.tisRecords)} CDC records on 7 TCS topics + ${int(f.seeded.gmcRecords)} gmc.doctors records, ${(f.seeded.bytes / 1e6).toFixed(0)} MB (produced in ${secs(f.seeded.seconds)})`,
    '',
    table(rows),
    '',
    ...notes,
    '',
  ].join('\n');
}

/** One measured run on private topics and indices, cleaned up whatever happens. */
async function benchmark(options: Options, childLogLevel: string): Promise<void> {
  const startLoads = loads();
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const env: Env = {
    ...privateTopicsEnv(prefix, process.env),
    ES_INDEX_PREFIX: `${prefix}-`,
    ES_SINK_GROUP_ID: `${prefix}-es-sink`,
    CONNECTIONS_GROUP_ID: `${prefix}-connections`,
    LOG_LEVEL: childLogLevel,
  };
  const views = viewNames(env.ES_INDEX_PREFIX);
  const es = new ElasticsearchClient(elasticsearchConfig(env), createLogger('bench', 'error'));
  const harness = await createStreamHarness(env);
  const run: Run = {
    options,
    env,
    prefix,
    views,
    harness,
    es,
    nodeArgs: options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [],
    children: [],
  };
  let failed = true;
  try {
    const figures = await measure(run);
    process.stdout.write(report(options, figures, views, startLoads));
    failed = false;
  } finally {
    for (const child of run.children) await child.stop().catch(() => undefined);
    say(failed ? 'cleaning up after the failure…' : 'cleaning up…');
    await cleanUp(harness, es, env, views).catch((error: unknown) =>
      say(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    await harness.close();
    await es.close();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // This process's own clients log only errors; the children get LOG_LEVEL (default warn).
  const childLogLevel = process.env.LOG_LEVEL ?? 'warn';
  process.env.LOG_LEVEL = 'error';
  const started = await services();
  try {
    await benchmark(options, childLogLevel);
  } finally {
    if (started.length > 0) {
      say(`stopping the services this run started: ${started.join(', ')}`);
      await stackDown({ services: started });
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(64);
  }
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
