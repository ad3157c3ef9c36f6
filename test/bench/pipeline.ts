// `npm run bench`: every goal of the stream on this machine, side by side from one run
// (prints figures; not a timed test, never fails on a missed goal). A synthetic population
// of 100,000 doctors (14 designated bodies, 1–3 programme memberships each, curricula,
// placements, GMC lists ~95% consistent with TIS) goes in as Debezium CDC events and GMC
// states on private topics, then, as numbered in the printed table:
//   (1) `reval rebuild --from-sources` (child process) to a searchable index;
//   (2) baselines: (2a) a plain kafkajs consumer of the same input topics, (2c) the same
//       JSON.parsing every value, (2b) plain `_bulk` of the same final documents; the replay
//       ratio is (1) ÷ the slower of (2c) and (2b);
//   (3) `reval rebuild` (from reval.connections) ÷ (2b);
//   (4) `reval run connections` under a fresh app id replaying the full topics until caught
//       up (lag gauges 0 on /metrics, inputs committed, output holding every doctor); then
//       SIGKILL and a warm restart on the kept store, and a cold start from an empty store;
//   (5) peak RSS in steady running of connections and es-sink, and of the rebuild;
//   (6) freshness on the caught-up processors: CDC edits at a steady rate, produce →
//       searchable through the alias, once per refresh interval of the index;
//   (7) N instances sharing a fresh app id replay the same inputs: each one's store and RSS
//       against the single instance's, and their output against its output;
//   (8) `--scale` is a separate mode: the replay, then the cold start and its RSS, at
//       several population sizes (too slow to run beside everything else).
// Uses KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ELASTICSEARCH_URL and MONGODB_URI when all are
// set, else starts the local stack (and stops only what it started). Children keep their
// local stores in a temporary REVAL_STATE_DIR. Removes what it made: every topic and consumer
// group under its prefix (changelog and repartition topics included), schema subjects,
// indices, template, state directories.
//
// Run: npm run build && npm run bench -- --help
import { loadavg } from 'node:os';
import { inputTopicsOf } from '../../processors/connections/wiring';
import { fingerprint } from '../../processors/connections/connection-record';
import { ensureViews } from '../../processors/es-sink/bootstrap';
import { bulkLoadRaw } from './bulk-load-raw';
import { toDoctorDocument } from '../../processors/es-sink/doctor-document';
import { kafkaConfig, timeZone, type Env } from '../../processors/platform/config';
import type { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import { createLogger } from '../../processors/platform/logger';
import { legacyViewNames, type ViewNames } from '../../processors/es-sink/views';
import { viewSetsOf } from '../../processors/es-sink/view-sets';
import { todayIn } from '../../processors/rules/dates';
import {
  ENDPOINT_VARIABLES,
  startStack,
  stackDown,
  type ServiceName,
  type StackEndpoints,
} from '../../stack';
import { closeRun, openRun, type BenchRun } from './bench-run';
import { spawnReval } from './child';
import type { CurrentRecord } from './freshness';
import { measureInstances, measureLivePath } from './live-path';
import { parseOptions, UsageError, USAGE, type Options } from './options';
import { rawConsume } from './raw-consume';
import { loads, report, type Figures, type Goals, type RebuildFigures } from './report';
import { measureScale, scaleReport } from './scale';
import { seedPopulation } from './seed';

/** Issue 8's goals. */
const GOALS: Goals = {
  /** rebuild --from-sources ÷ the slower of (2c) consume + JSON.parse and (2b) raw _bulk. */
  replayRatio: 0.7,
  /** reval rebuild ÷ raw _bulk of the same documents. */
  rebuildRatio: 0.8,
  /** Empty local store → /readyz 200. */
  coldStartSeconds: 6,
  /** SIGKILL, store kept → /readyz 200. */
  warmRestartSeconds: 2.5,
  /** connections and es-sink each, steady running. */
  processRssMb: 250,
  rebuildRssMb: 400,
  /** Produce → searchable at 200 CDC events/s. */
  freshnessP99Seconds: 1,
  /** Each of 2 instances' store and RSS above idle, ÷ the single instance's. */
  instancesRatio: 0.6,
};

const say = (line = '') => process.stderr.write(`[bench] ${line}\n`);
const int = (n: number) => Math.round(n).toLocaleString('en-GB');
const secs = (s: number) => `${s.toFixed(1)} s`;
const load1 = () => loadavg()[0];

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

/** A `reval rebuild` child to its end; figures from its report. */
async function rebuildChild(
  args: string[],
  env: Env,
  es: ElasticsearchClient,
  views: ViewNames,
  nodeArgs: string[],
): Promise<RebuildFigures> {
  // The views must exist before a rebuild, as they do in production: bootstrap them directly.
  const sets = viewSetsOf({ views, legacyViews: legacyViewNames(views.prefix) });
  await ensureViews(es, sets, createLogger('bench-bootstrap', 'warn'));
  const load = load1();
  const child = spawnReval(['rebuild', ...args], { env, nodeArgs });
  const stdout = await child.exit;
  const wallSeconds = (performance.now() - child.spawnedAt) / 1000;
  // The rebuild refreshed the new index before and after the swap: searchable now.
  const searchable = await es.count(views.master);
  return {
    wallSeconds,
    reportedSeconds: Number(/ in ([\d.]+) s /.exec(stdout)?.[1] ?? NaN),
    records: Number(/: (\d+) records in /.exec(stdout)?.[1] ?? NaN),
    phases: /seconds per phase: (.*)/.exec(stdout)?.[1] ?? '?',
    recomputeLine: child.otherLines.find((line) => line.startsWith('recomputed ')) ?? '?',
    searchable,
    peakMb: child.peakMb(),
    load,
  };
}

async function measure(run: BenchRun, options: Options): Promise<Figures> {
  const { env, harness, es, views, nodeArgs } = run;
  const today = todayIn(new Date(), timeZone(env));
  say(`producing CDC events (${options.format}) and GMC states on ${run.prefix}.*…`);
  const seeded = await seedPopulation(
    harness,
    { doctors: options.doctors, format: options.format, today },
    say,
  );
  const { doctors } = seeded;
  say(
    `  ${int(doctors)} doctors: ${int(seeded.tisRecords)} CDC + ${int(seeded.gmcRecords)} GMC records, ` +
      `${(seeded.bytes / 1e6).toFixed(0)} MB, in ${secs(seeded.seconds)}`,
  );

  const brokers = kafkaConfig(env).brokers;
  const inputTopics = [...inputTopicsOf(harness.topics).keys()];
  say('(2a) plain kafkajs consumer over the input topics…');
  let load = load1();
  const raw = { ...(await rawConsume(brokers, inputTopics)), load };
  say(`  ${int(raw.records)} records in ${secs(raw.seconds)}`);
  say('(2c) the same, JSON.parse of every value…');
  load = load1();
  const parsed = { ...(await rawConsume(brokers, inputTopics, { parseJson: true })), load };
  say(`  ${int(parsed.records)} records in ${secs(parsed.seconds)}`);

  say('(1) reval rebuild --from-sources (child process)…');
  const fromSources = await rebuildChild(['--from-sources'], env, es, views, nodeArgs);
  say(`  ${int(fromSources.searchable)} searchable documents in ${secs(fromSources.wallSeconds)}`);
  if (fromSources.searchable !== doctors) {
    say(`  WARNING: the index holds ${fromSources.searchable} documents, expected ${doctors}`);
  }

  say('(2b) plain _bulk loader on the final documents of reval.connections…');
  const current = new Map<string, CurrentRecord | null>();
  const rebuilt = new Map<string, string | null>();
  const documents = [];
  for (const [gmc, { value }] of await harness.latestConnections()) {
    current.set(gmc, value);
    rebuilt.set(gmc, value ? fingerprint(value) : null);
    if (value) documents.push(toDoctorDocument(value));
  }
  load = load1();
  const bulk = {
    ...(await bulkLoadRaw(documents, { es, index: `${views.prefix}raw-bulk` })),
    load,
  };
  documents.length = 0;
  say(`  ${int(bulk.documents)} documents in ${secs(bulk.seconds)}`);

  say('(3) reval rebuild from reval.connections (child process)…');
  const plain = await rebuildChild([], env, es, views, nodeArgs);
  say(`  ${int(plain.records)} records in ${secs(plain.reportedSeconds)}`);

  const live = await measureLivePath(run, {
    doctors,
    rebuilt,
    planner: {
      harness,
      persons: seeded.population.persons,
      current,
      gmcListed: seeded.gmcListed,
      format: options.format,
    },
    eventsPerSecond: options.eventsPerSecond,
    freshnessSeconds: options.freshnessSeconds,
    refreshIntervals: options.refreshIntervals,
  });
  const instances =
    options.instances > 1
      ? await measureInstances(run, options.instances, doctors, live.final)
      : undefined;
  return { seeded, raw, parsed, fromSources, bulk, plain, live, instances };
}

async function benchmark(options: Options, childLogLevel: string): Promise<void> {
  const startLoads = loads();
  const nodeArgs = [
    ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : []),
    ...(options.childHeapMb ? [`--max-old-space-size=${options.childHeapMb}`] : []),
  ];
  if (options.scale) {
    const points = await measureScale({
      sizes: options.scale,
      format: options.format,
      partitions: options.partitions,
      childLogLevel,
      nodeArgs,
      say,
    });
    process.stdout.write(
      `\nreval-stream scale line — ${options.format}, ${options.partitions} partitions per stage; ` +
        `load average at start ${startLoads}, at end ${loads()}\n${scaleReport(points, GOALS)}\n`,
    );
    return;
  }
  const run = await openRun({ partitions: options.partitions, childLogLevel, nodeArgs, say });
  let failed = true;
  try {
    const figures = await measure(run, options);
    process.stdout.write(report(options, GOALS, figures, run.views, startLoads));
    failed = false;
  } finally {
    await closeRun(run, failed);
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

main().then(
  // Clients of the run may leave sockets or timers behind; the figures are printed.
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      process.exit(64);
    }
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
