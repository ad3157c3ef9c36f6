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
import type { GmcDoctorState } from '../../processors/connections/state/gmc-tables';
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

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // This process's own clients log only errors; the children get LOG_LEVEL from `env`.
  const childLogLevel = process.env.LOG_LEVEL ?? 'warn';
  process.env.LOG_LEVEL = 'error';
  const startLoads = loads();
  const started = await services();
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const env: Env = {
    ...privateTopicsEnv(prefix, process.env),
    ES_INDEX_PREFIX: `${prefix}-`,
    ES_SINK_GROUP_ID: `${prefix}-es-sink`,
    CONNECTIONS_GROUP_ID: `${prefix}-connections`,
    LOG_LEVEL: childLogLevel,
  };
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [];
  const logger = createLogger('bench-pipeline', 'warn');
  const views = viewNames(env.ES_INDEX_PREFIX);
  const harness = await createStreamHarness(env);
  const es = new ElasticsearchClient(elasticsearchConfig(env), logger);
  const children: RevalChild[] = [];
  let failed = false;
  try {
    // ── Population ──────────────────────────────────────────────────────────────────────
    const today = todayIn(new Date(), timeZone(env));
    const doctorsPerBody = doctorsPerBodyFor(options.doctors);
    const population = generatePopulation({ doctorsPerBody, today, seed: 7 });
    const states = gmcStates(population, new Date(Date.now() - 3_600_000));
    const gmcListed = new Set(states.map((s) => s.gmcReferenceNumber));
    const doctors = new Set([...population.persons.map((p) => p.gmcReferenceNumber), ...gmcListed])
      .size;
    say(
      `${int(doctors)} doctors: ${DESIGNATED_BODIES.length} designated bodies x ${int(doctorsPerBody)} ` +
        `listed by GMC + ${int(population.persons.length - states.length)} TIS-only; ` +
        `topics ${prefix}.*, indices ${views.prefix}*`,
    );
    say(`producing CDC events (${options.format}) and GMC states…`);
    const seeded = await seed(harness, population, states, options.format);
    say(
      `  ${int(seeded.tisRecords)} CDC + ${int(seeded.gmcRecords)} GMC records, ` +
        `${(seeded.bytes / 1e6).toFixed(0)} MB, in ${secs(seeded.seconds)}`,
    );
    const inputTopics = [...inputTopicsOf(harness.topics).keys()];

    // ── (2a) plain kafkajs consumer over the input topics ──────────────────────────────────
    say('(2a) plain kafkajs consumer over the input topics…');
    const consumeLoad = load1();
    const raw: RawConsumeResult = await rawConsume(kafkaConfig(env).brokers, inputTopics);
    say(`  ${int(raw.records)} records in ${secs(raw.seconds)}`);

    // ── (1) rebuild --from-sources ─────────────────────────────────────────────────────────
    say('(1) reval rebuild --from-sources (child process)…');
    const rebuilt = await rebuildFromSources(env, es, views, nodeArgs);
    say(`  ${int(rebuilt.searchable)} searchable documents in ${secs(rebuilt.wallSeconds)}`);
    if (rebuilt.searchable !== doctors) {
      say(`  WARNING: the index holds ${rebuilt.searchable} documents, expected ${doctors}`);
    }

    // ── (2b) plain _bulk of the same final documents ───────────────────────────────────────
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
    const bulk: BulkLoadResult = await bulkLoadRaw(documents, {
      es,
      index: `${views.prefix}raw-bulk`,
    });
    documents.length = 0;
    say(`  ${int(bulk.documents)} documents in ${secs(bulk.seconds)}`);

    // ── (4) cold start of connections, then es-sink, as production runs them ──────────────
    say('(4) reval run connections (child process) to ready…');
    const connectionsPort = randomPort();
    const coldLoad = load1();
    const connections = spawnReval(['run', 'connections'], {
      env: { ...env, LOG_LEVEL: 'info', METRICS_PORT: String(connectionsPort) },
      nodeArgs,
    });
    children.push(connections);
    const cold = await coldStartConnections(connections, connectionsPort, coldLoad);
    say(`  ready in ${secs(cold.seconds)}`);
    say('    reval run es-sink (child process), catching up with reval.connections…');
    const sinkStarted = performance.now();
    const sink = spawnReval(['run', 'es-sink'], {
      env: { ...env, METRICS_PORT: String(connectionsPort + 1) },
      nodeArgs,
    });
    children.push(sink);
    await Promise.race([
      sinkCaughtUp(harness, env.ES_SINK_GROUP_ID as string),
      sink.exit.then(() => Promise.reject(new Error('es-sink exited'))),
    ]);
    const sinkCatchUpSeconds = (performance.now() - sinkStarted) / 1000;
    say(`  es-sink caught up in ${secs(sinkCatchUpSeconds)}`);

    // ── (3) freshness ───────────────────────────────────────────────────────────────────────
    say(
      `(3) freshness: ${options.eventsPerSecond} CDC events/s for ${options.freshnessSeconds} s…`,
    );
    const freshLoad = load1();
    const fresh: FreshnessResult = await measureFreshness({
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
    const freshEndLoad = load1();
    const sorted = [...fresh.latenciesMs].sort((a, b) => a - b).map((ms) => ms / 1000);
    say(`  ${int(sorted.length)} of ${int(fresh.produced)} edits seen`);

    // ── (5) peak RSS ────────────────────────────────────────────────────────────────────────
    const connectionsMb = connections.peakMb();
    const sinkMb = sink.peakMb();
    for (const child of children.splice(0)) await child.stop();

    // ── The table ───────────────────────────────────────────────────────────────────────────
    const rebuildRate = doctors / rebuilt.wallSeconds;
    const consumeRate = doctors / raw.seconds;
    const bulkRate = bulk.documents / bulk.seconds;
    const slower = Math.min(consumeRate, bulkRate);
    const ratio = rebuildRate / slower;
    const [p50, p95, p99] = [0.5, 0.95, 0.99].map((p) => percentile(sorted, p));
    const rows: Row[] = [
      {
        what: '(1) rebuild --from-sources → searchable',
        figure: `${int(rebuildRate)} doctors/s, ${secs(rebuilt.wallSeconds)} wall`,
        load: rebuilt.load,
      },
      {
        what: '(2a) plain kafkajs consumer, input topics',
        figure: `${int(consumeRate)} doctors/s (${int(raw.records / raw.seconds)} records/s, ${secs(raw.seconds)})`,
        load: consumeLoad,
      },
      {
        what: '(2b) plain _bulk loader, final documents',
        figure: `${int(bulkRate)} doctors/s (${secs(bulk.seconds)})`,
        load: bulkLoad,
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
        pass: p99 < GOALS.freshnessP99Seconds && fresh.missing === 0,
        load: freshLoad,
      },
      {
        what: '(4) cold start, run connections → ready',
        figure: secs(cold.seconds),
        goal: `< ${GOALS.coldStartSeconds} s`,
        pass: cold.seconds < GOALS.coldStartSeconds,
        load: cold.load,
      },
      {
        what: '(5) peak RSS, connections',
        figure: `${connectionsMb} MB`,
        goal: `< ${GOALS.rssMb} MB`,
        pass: connectionsMb < GOALS.rssMb,
      },
      {
        what: '    peak RSS, es-sink',
        figure: `${sinkMb} MB`,
        goal: `< ${GOALS.rssMb} MB`,
        pass: sinkMb < GOALS.rssMb,
      },
      {
        what: '    peak RSS, rebuild --from-sources (command)',
        figure: `${rebuilt.peakMb} MB`,
        goal: `(< ${GOALS.rssMb} MB)`,
        pass: rebuilt.peakMb < GOALS.rssMb,
      },
    ];
    const notes = [
      `(1)  rebuild's own report: ${secs(rebuilt.reportedSeconds)} (wall adds node start-up); per phase: ${rebuilt.phases}`,
      `     ${rebuilt.recomputeLine}`,
      `     ${int(rebuilt.searchable)} documents searchable in ${views.master} (expected ${int(doctors)})`,
      `(2a) ${int(raw.records)} records, ${(raw.bytes / 1e6).toFixed(0)} MB of values, ${(raw.bytes / 1e6 / raw.seconds).toFixed(0)} MB/s; kafkajs imported directly, default fetch sizes`,
      `(2b) bulkLoadRaw: ${int(bulk.documents)} documents, 1,000 per request, 2 in flight, refresh off then on`,
      `(3)  ${int(fresh.produced)} edits (${int(fresh.endDateEdits)} programme end dates, ${int(fresh.nameEdits)} TIS surnames) at ${fresh.eventsPerSecond.toFixed(0)}/s; ` +
        `${int(sorted.length)} seen, ${int(fresh.missing)} not seen within 30 s; max ${percentile(sorted, 1).toFixed(2)} s`,
      `     search polls of the alias every 50 ms (mean ${fresh.meanPollMs.toFixed(0)} ms each), no _refresh; time taken at the poll's answer (upper bound)`,
      `     load average rose to ${freshEndLoad.toFixed(2)} by the end of the freshness run`,
      `(4)  spawn → "connections processor started" ${cold.started?.toFixed(1) ?? '?'} s → inputs caught up ${cold.caughtUp?.toFixed(1) ?? '?'} s → /readyz 200 ${cold.seconds.toFixed(1)} s`,
      `     then es-sink caught up with reval.connections (${int(doctors)} records, all already indexed) in ${secs(sinkCatchUpSeconds)}`,
      `(5)  VmHWM of each child process at the end of its run`,
    ];
    process.stdout.write(
      [
        '',
        `reval-stream pipeline benchmark — ${int(doctors)} doctors, ${options.format === 'json' ? 'Debezium JSON with schema' : options.format === 'avro' ? 'Debezium Avro (registry)' : 'Debezium JSON without schema'}`,
        `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; load average (1/5/15 min) at start ${startLoads}, at end ${loads()}`,
        `inputs: ${int(seeded.tisRecords)} CDC records on 7 TCS topics + ${int(seeded.gmcRecords)} gmc.doctors records, ${(seeded.bytes / 1e6).toFixed(0)} MB (produced in ${secs(seeded.seconds)})`,
        '',
        table(rows),
        '',
        ...notes,
        '',
      ].join('\n'),
    );
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const child of children) await child.stop().catch(() => undefined);
    say(failed ? 'cleaning up after the failure…' : 'cleaning up…');
    await cleanUp(harness, es, env, views).catch((error: unknown) =>
      say(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    await harness.close();
    await es.close();
    if (started.length > 0) await stackDown({ services: started });
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
