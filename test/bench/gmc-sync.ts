// GMC sync figures on this machine (prints them; not a timed test): 14 designated bodies x
// 8,000 doctors from the fake GMC, which runs in a child process as GMC would be remote.
//   1. the bare fetch: every body, no Kafka (twice: before and after the syncs)
//   2. the first full sync into empty topics (publishes all 112,000 states)
//   3. a nightly sync after 2% of doctors changed (restores 112,000 states, publishes 2%)
// with fetch, restore, compare and publish times, peak RSS and sync / bare-fetch ratios.
// Needs Kafka and the schema registry: uses KAFKA_BROKERS / SCHEMA_REGISTRY_URL when set,
// otherwise starts the local stack (and stops what it started).
// Run: npm run build && npm run bench:gmc [-- bodies=14 doctors=8000]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  kafkaConfig,
  registryConfig,
  topics as topicNames,
} from '../../processors/platform/config';
import { GmcClient, ENGLISH_AND_NI_DESIGNATED_BODIES } from '../../processors/platform/gmc-soap';
import { KafkaClient } from '../../processors/platform/kafka';
import { createLogger } from '../../processors/platform/logger';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
import { fetchAllDesignatedBodies } from '../../processors/gmc-fetch/fetch-all';
import { runGmcSync, type GmcSyncResult } from '../../processors/gmc-fetch/sync';
import { startStack, stackDown, type ServiceName } from '../../processors/stack';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const BODIES = ENGLISH_AND_NI_DESIGNATED_BODIES.slice(0, Number(args.bodies ?? 14));
const DOCTORS = Number(args.doctors ?? 8_000);
const CONCURRENCY = 4;
const CHURN = 0.02;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function startFakeGmc(): Promise<{ url: string; control: string; child: ChildProcess }> {
  const main = resolve(__dirname, '../../processors/cli/main.js');
  const child = spawn(
    process.execPath,
    [
      main,
      'fake-gmc',
      '--port',
      '0',
      '--doctors-per-body',
      String(DOCTORS),
      '--designated-bodies',
      BODIES.join(','),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const match = /^export GMC_URL=(\S+)/.exec(line);
    if (match)
      return { url: match[1], control: new URL('/fake-gmc/control', match[1]).toString(), child };
  }
  throw new Error('the fake GMC did not start');
}

async function control(url: string, command: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(command) });
  if (!response.ok) throw new Error(`fake GMC control: ${await response.text()}`);
}

/** Moves, removes and adds 2% of the doctors, as a busy night might. */
async function churn(url: string): Promise<void> {
  const changes = Math.round(BODIES.length * DOCTORS * CHURN);
  for (let i = 0; i < changes; i++) {
    const body = i % BODIES.length;
    const doctor = String(1_000_000 + body * 100_000 + Math.floor(i / BODIES.length));
    if (i % 3 === 0) await control(url, { action: 'disconnect', gmcReferenceNumber: doctor });
    else if (i % 3 === 1) {
      await control(url, {
        action: 'move',
        gmcReferenceNumber: doctor,
        designatedBody: BODIES[(body + 1) % BODIES.length],
      });
    } else await control(url, { action: 'connect', designatedBody: BODIES[body] });
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
    TOPIC_GMC_DOCTORS: `bench-${id}.gmc.doctors`,
    TOPIC_GMC_SYNC_RUNS: `bench-${id}.gmc.sync-runs`,
  };
  const topics = topicNames(env);
  const logger = createLogger('bench-gmc', 'warn');
  const kafka = new KafkaClient(kafkaConfig(env), logger);
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topics);
  const fake = await startFakeGmc();
  const gmc = new GmcClient({
    url: fake.url,
    username: 'bench',
    password: 'bench',
    timeoutMs: 120_000,
    retries: 2,
    logger,
  });
  const sync = () =>
    runGmcSync(
      { kafka, codecs, topics, gmc, logger },
      {
        designatedBodies: BODIES,
        concurrency: CONCURRENCY,
        maxDisconnectRatio: 0.5,
        transactionalId: `bench-${id}`,
      },
    );
  const bareFetch = async () => {
    const began = performance.now();
    const fetches = await fetchAllDesignatedBodies(gmc, BODIES, { concurrency: CONCURRENCY });
    const failed = fetches.filter((f) => f.status !== 'OK');
    if (failed.length > 0)
      throw new Error(`bare fetch failed: ${failed.map((f) => f.error).join('; ')}`);
    return performance.now() - began;
  };
  try {
    await gmc.fetchDoctorsForDesignatedBody(BODIES[0]); // warm-up: JIT, sockets
    const fetchBefore = await bareFetch();
    const initial = await sync();
    await churn(fake.control);
    const nightly = await sync();
    const fetchAfter = await bareFetch();
    const bare = (fetchBefore + fetchAfter) / 2;

    const row = (name: string, r: GmcSyncResult) =>
      `${name.padEnd(18)} ${seconds(r.timings.totalMs).padStart(9)} ${seconds(r.timings.fetchMs).padStart(9)} ` +
      `${seconds(r.timings.restoreMs).padStart(9)} ${seconds(r.timings.compareMs).padStart(9)} ` +
      `${seconds(r.timings.publishMs).padStart(9)} ${String(r.changes.length).padStart(8)} ` +
      `${(r.timings.totalMs / bare).toFixed(2).padStart(6)}x`;
    process.stdout.write(
      [
        `GMC sync benchmark: ${BODIES.length} designated bodies x ${DOCTORS} doctors, concurrency ${CONCURRENCY}, fake GMC in a child process`,
        `bare fetch (no Kafka): ${seconds(fetchBefore)} before, ${seconds(fetchAfter)} after, mean ${seconds(bare)}`,
        `${'run'.padEnd(18)} ${'wall'.padStart(9)} ${'fetch'.padStart(9)} ${'restore'.padStart(9)} ${'compare'.padStart(9)} ${'publish'.padStart(9)} ${'changes'.padStart(8)} ${'/fetch'.padStart(7)}`,
        row('first sync', initial),
        row(`nightly (${CHURN * 100}% churn)`, nightly),
        '(fetch and restore run in parallel; wall = restore/fetch, whichever is longer, + compare + publish)',
        `peak RSS of this process: ${peakRssMb()} MB`,
        '',
      ].join('\n'),
    );
  } finally {
    fake.child.kill('SIGTERM');
    await kafka.deleteTopics([topics.gmcDoctors, topics.gmcSyncRuns]).catch(() => undefined);
    await kafka.disconnect();
    if (started.length > 0) await stackDown({ services: started });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:gmc failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
