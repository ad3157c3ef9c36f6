// GMC sync figures on this machine (prints them; not a timed test): 14 designated bodies x
// 8,000 doctors from the fake GMC, which runs in its own process as GMC would be remote.
//   1. the bare fetch: every body, no Kafka (before and after the syncs; the mean is used)
//   2. the first full sync into empty topics (publishes all 112,000 states)
//   3. a nightly sync after 2% of doctors changed (restores 112,000 states, publishes 2%)
// Each step runs in a fresh process, so its peak RSS is its own. Prints fetch, restore,
// compare and publish times, peak RSS and each sync's ratio to the bare fetch.
// Needs Kafka and the schema registry: uses KAFKA_BROKERS / SCHEMA_REGISTRY_URL when set,
// otherwise starts the local stack (and stops what it started).
// Run: npm run build && npm run bench:gmc [-- bodies=14 doctors=8000 node-options=--flag,...]
// (node-options go to the measured steps, e.g. node-options=--max-old-space-size=256)
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { kafkaConfig, registryConfig } from '../../processors/platform/config';
import { topicsOf as topicNames } from '../../processors/platform/topics';
import { GmcClient } from '../../processors/platform/gmc-soap';
import { ENGLISH_AND_NI_DESIGNATED_BODIES } from '../../dev/fake-gmc';
import { KafkaClient } from '../../processors/platform/kafka';
import { createLogger } from '../../processors/platform/logger';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
import { fetchAllDesignatedBodies } from '../../processors/gmc-fetch/fetch-all';
import { runGmcSync } from '../../processors/gmc-fetch/sync';
import { startStack, stackDown, type ServiceName } from '../../stack';

const args: Record<string, string> = Object.fromEntries(
  process.argv.slice(2).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
);
const BODIES = ENGLISH_AND_NI_DESIGNATED_BODIES.slice(0, Number(args.bodies ?? 14));
const DOCTORS = Number(args.doctors ?? 8_000);
const NODE_OPTIONS = args['node-options'] ? args['node-options'].split(',') : [];
const CONCURRENCY = 4;
const CHURN = 0.02;

interface StepResult {
  totalMs: number;
  fetchMs?: number;
  restoreMs?: number;
  compareMs?: number;
  publishMs?: number;
  changes?: number;
  peakRssMb: number;
}

const seconds = (ms = 0) => `${(ms / 1000).toFixed(2)} s`;

/** One measured step, in this (fresh) process: prints its result as a JSON line. */
async function step(name: string, url: string): Promise<void> {
  const logger = createLogger('bench-gmc', 'warn');
  const gmc = new GmcClient({
    url,
    username: 'bench',
    password: 'bench',
    timeoutMs: 120_000,
    retries: 2,
    logger,
  });
  let result: Omit<StepResult, 'peakRssMb'>;
  if (name === 'fetch') {
    const began = performance.now();
    const fetches = await fetchAllDesignatedBodies(gmc, BODIES, { concurrency: CONCURRENCY });
    const failed = fetches.filter((f) => f.status !== 'OK');
    if (failed.length > 0) throw new Error(failed.map((f) => f.error).join('; '));
    result = { totalMs: performance.now() - began };
  } else {
    const topics = topicNames();
    const kafka = new KafkaClient(kafkaConfig(), logger);
    const codecs = new SchemaRegistryCodecs(registryConfig(), topics);
    const run = await runGmcSync(
      { kafka, codecs, topics, gmc, logger },
      {
        designatedBodies: BODIES,
        concurrency: CONCURRENCY,
        maxDisconnectRatio: 0.5,
        transactionalId: `bench-${topics.gmcDoctors}`,
      },
    );
    await kafka.disconnect();
    if (run.report.status !== 'SUCCEEDED') throw new Error(`sync ${run.report.status}`);
    result = { ...run.timings, changes: run.changes.length };
  }
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMb })}\n`);
}

async function runStep(name: string, url: string, env: NodeJS.ProcessEnv): Promise<StepResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...NODE_OPTIONS, __filename, `step=${name}`, `url=${url}`].concat([
      `bodies=${BODIES.length}`,
      `doctors=${DOCTORS}`,
    ]),
    { env, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as StepResult;
}

async function startFakeGmc(): Promise<{ url: string; child: ChildProcess }> {
  const main = `${__dirname}/../../processors/cli/main.js`;
  const child = spawn(
    process.execPath,
    [main, 'fake-gmc', '--port', '0', '--doctors-per-body', String(DOCTORS)].concat([
      '--designated-bodies',
      BODIES.join(','),
    ]),
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^export GMC_URL=(\S+)/.exec(line);
    if (match) return { url: match[1], child };
  }
  throw new Error('the fake GMC did not start');
}

/** Moves, removes and adds 2% of the doctors, as a busy night might. */
async function churn(url: string): Promise<void> {
  const control = new URL('/fake-gmc/control', url);
  const send = async (command: unknown) => {
    const response = await fetch(control, { method: 'POST', body: JSON.stringify(command) });
    if (!response.ok) throw new Error(`fake GMC control: ${await response.text()}`);
  };
  const changes = Math.round(BODIES.length * DOCTORS * CHURN);
  for (let i = 0; i < changes; i++) {
    const body = i % BODIES.length;
    const doctor = String(1_000_000 + body * 100_000 + Math.floor(i / BODIES.length));
    if (i % 3 === 0) await send({ action: 'disconnect', gmcReferenceNumber: doctor });
    else if (i % 3 === 1) {
      const to = BODIES[(body + 1) % BODIES.length];
      await send({ action: 'move', gmcReferenceNumber: doctor, designatedBody: to });
    } else await send({ action: 'connect', designatedBody: BODIES[body] });
  }
}

async function main(): Promise<void> {
  let started: ServiceName[] = [];
  if (!process.env.KAFKA_BROKERS || !process.env.SCHEMA_REGISTRY_URL) {
    process.stderr.write('KAFKA_BROKERS / SCHEMA_REGISTRY_URL not set: starting the local stack\n');
    const stack = await startStack({
      progress: (service, message) => process.stderr.write(`${service}: ${message}\n`),
    });
    started = stack.started;
    process.env.KAFKA_BROKERS = stack.endpoints.kafkaBrokers;
    process.env.SCHEMA_REGISTRY_URL = stack.endpoints.schemaRegistryUrl;
  }
  const id = randomUUID().slice(0, 8);
  const env = {
    ...process.env,
    LOG_LEVEL: 'warn',
    TOPIC_GMC_DOCTORS: `bench-${id}.gmc.doctors`,
    TOPIC_GMC_SYNC_RUNS: `bench-${id}.gmc.sync-runs`,
  };
  const fake = await startFakeGmc();
  try {
    const fetchBefore = await runStep('fetch', fake.url, env);
    const initial = await runStep('sync', fake.url, env);
    await churn(fake.url);
    const nightly = await runStep('sync', fake.url, env);
    const fetchAfter = await runStep('fetch', fake.url, env);
    const bare = (fetchBefore.totalMs + fetchAfter.totalMs) / 2;
    const columns = [
      'wall',
      'fetch',
      'restore',
      'compare',
      'publish',
      'changes',
      '/fetch',
      'peak RSS',
    ];
    const row = (name: string, r: StepResult) =>
      [
        name.padEnd(20),
        ...[r.totalMs, r.fetchMs, r.restoreMs, r.compareMs, r.publishMs].map((ms) =>
          seconds(ms).padStart(9),
        ),
        String(r.changes).padStart(8),
        `${(r.totalMs / bare).toFixed(2)}x`.padStart(8),
        `${r.peakRssMb} MB`.padStart(9),
      ].join(' ');
    process.stdout.write(
      [
        `GMC sync benchmark: ${BODIES.length} designated bodies x ${DOCTORS} doctors, ` +
          `concurrency ${CONCURRENCY}, fake GMC in its own process, each step in a fresh process` +
          (NODE_OPTIONS.length > 0 ? ` (node ${NODE_OPTIONS.join(' ')})` : ''),
        `bare fetch (no Kafka): ${seconds(fetchBefore.totalMs)} before (peak RSS ` +
          `${fetchBefore.peakRssMb} MB), ${seconds(fetchAfter.totalMs)} after, mean ${seconds(bare)}`,
        `${'run'.padEnd(20)} ${columns.map((c, i) => c.padStart(i < 5 ? 9 : i === 7 ? 9 : 8)).join(' ')}`,
        row('first sync', initial),
        row(`nightly (${CHURN * 100}% churn)`, nightly),
        'fetch and restore run in parallel: wall = the longer of the two + compare + publish',
        '',
      ].join('\n'),
    );
  } finally {
    fake.child.kill('SIGTERM');
    const kafka = new KafkaClient(kafkaConfig(env), createLogger('bench-gmc', 'warn'));
    const topics = topicNames(env);
    await kafka.deleteTopics([topics.gmcDoctors, topics.gmcSyncRuns]).catch(() => undefined);
    await kafka.disconnect();
    if (started.length > 0) await stackDown({ services: started });
  }
}

const entry = args.step ? step(args.step, args.url) : main();
entry.catch((error: unknown) => {
  process.stderr.write(
    `bench:gmc failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
