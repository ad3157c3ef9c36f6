// What a chaos run and a soak run share: options, the stack, the pipeline set up and seeded,
// the oracle check with the load paused, and tearing it all down.
import { mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../dev/fake-gmc/synthetic';
import { Load } from './load';
import { runOracle, type OracleResult } from './oracle';
import { Pipeline } from './pipeline';
import { settle } from './recovery';
import { StackControl, chaosStackEnv } from './stack-control';

export interface RunOptions {
  seed: number;
  minutes: number;
  doctorsPerBody: number;
  rate: number;
  gmcSyncEverySeconds: number;
  poisonEverySeconds: number;
  partitions: number;
  keep: boolean;
  keepStack: boolean;
  basePort: number;
  /** Only the fault kinds containing one of these words (chaos). */
  only: string[];
}

export function parseOptions(argv: string[], defaults: RunOptions, usage: string): RunOptions {
  const options = { ...defaults };
  const names: Record<string, keyof RunOptions> = {
    '--seed': 'seed',
    '--minutes': 'minutes',
    '--doctors-per-body': 'doctorsPerBody',
    '--rate': 'rate',
    '--gmc-sync-every': 'gmcSyncEverySeconds',
    '--poison-every': 'poisonEverySeconds',
    '--partitions': 'partitions',
    '--base-port': 'basePort',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage);
      process.exit(0);
    } else if (arg === '--keep') options.keep = true;
    else if (arg === '--keep-stack') options.keepStack = true;
    else if (arg === '--only') options.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (names[arg]) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < 0) {
        process.stderr.write(`${arg} needs a number\n${usage}`);
        process.exit(64);
      }
      (options as unknown as Record<string, number>)[names[arg]] = value;
    } else {
      process.stderr.write(`unknown option ${arg}\n${usage}`);
      process.exit(64);
    }
  }
  return options;
}

export const say = (line: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

export const load1 = (): string => loadavg()[0].toFixed(1);

export interface Harness {
  stack: StackControl;
  pipeline: Pipeline;
  load: Load;
  random: () => number;
  workDir: string;
  startedAt: number;
}

/** The London date now (the processors' "today"). */
function londonToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
}

/** The run under way, for the teardown on SIGINT or a crash. */
let running: { harness: Harness; options: RunOptions } | undefined;

/**
 * Runs a suite's main: its exit code on return (0 pass, 1 fail); on a crash, the harness
 * it set up torn down and exit 2; on SIGINT, the processors stopped and exit 130.
 */
export function runMain(kind: 'chaos' | 'soak', main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    async (error: unknown) => {
      say(`${kind}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (running) await tearDown(running.harness, running.options).catch(() => undefined);
      process.exit(2);
    },
  );
}

export async function setUp(options: RunOptions, kind: 'chaos' | 'soak'): Promise<Harness> {
  const harness = await startHarness(options, kind);
  running = { harness, options };
  process.once('SIGINT', () => {
    say('interrupted: stopping the processors');
    void tearDown(harness, options).finally(() => process.exit(130));
  });
  return harness;
}

async function startHarness(options: RunOptions, kind: 'chaos' | 'soak'): Promise<Harness> {
  const startedAt = Date.now();
  const random = seededRandom(options.seed);
  const stack = new StackControl(chaosStackEnv(), say);
  say(`stack: ${stack.runDir} (reval stack up)`);
  await stack.up();
  const endpoints = stack.endpoints();
  say(`stack up: Kafka ${endpoints.KAFKA_BROKERS}, Elasticsearch ${endpoints.ELASTICSEARCH_URL}`);
  const runId = `${kind}${Date.now().toString(36)}`;
  const workDir = join(tmpdir(), 'reval-chaos', runId);
  mkdirSync(workDir, { recursive: true });
  const pipeline = new Pipeline({
    runId,
    workDir,
    endpoints,
    doctorsPerBody: options.doctorsPerBody,
    seed: options.seed,
    today: londonToday(),
    partitions: options.partitions,
    basePort: options.basePort,
    say,
  });
  say(`run ${runId}: topics chaos-${runId}.*, processor logs in ${join(workDir, 'logs')}`);
  try {
    return await seed(pipeline, options, { stack, random, workDir, startedAt });
  } catch (error) {
    await pipeline.stopAll().catch(() => undefined);
    throw error;
  }
}

async function seed(
  pipeline: Pipeline,
  options: RunOptions,
  rest: Omit<Harness, 'pipeline' | 'load'>,
): Promise<Harness> {
  await pipeline.createTopics();
  await pipeline.startFakeGmc();
  const produced = await pipeline.produceSnapshot();
  say(`TCS snapshot: ${pipeline.population.persons.length} persons, ${produced} CDC events`);
  const load = new Load(
    pipeline,
    seededRandom(options.seed + 1),
    {
      ratePerSecond: options.rate,
      poisonEverySeconds: options.poisonEverySeconds,
      gmcSyncEverySeconds: options.gmcSyncEverySeconds,
      gmcChurn: 6,
    },
    say,
  );
  const first = await load.gmcSync();
  say(`first GMC sync: exit ${first.code} in ${first.ms} ms`);
  pipeline.define('connections-a', 'connections');
  pipeline.define('connections-b', 'connections');
  pipeline.define('es-sink', 'es-sink');
  pipeline.define('doctors-sync', 'doctors-sync');
  for (const name of ['connections-a', 'es-sink', 'doctors-sync']) pipeline.get(name).start();
  for (const name of ['connections-a', 'es-sink', 'doctors-sync']) await pipeline.get(name).ready();
  const ms = await settle(pipeline.kafka, pipeline.watched(), 10 * 60_000);
  say(`processors ready and caught up (${(ms / 1000).toFixed(1)} s)`);
  return { ...rest, pipeline, load };
}

/** With the load paused: settle, then the oracle. */
export async function check(harness: Harness, settleMs = 10 * 60_000): Promise<OracleResult> {
  const { load, pipeline } = harness;
  await load.stop();
  try {
    await settle(pipeline.kafka, pipeline.watched(), settleMs);
    return await runOracle(pipeline, load.stats.poison);
  } finally {
    load.start();
  }
}

export function oracleFailures(result: OracleResult): number {
  const { views, mongo, dlq } = result;
  return (
    views.missing +
    views.stale +
    views.duplicate +
    views.wrong +
    views.aliasMismatches +
    mongo.missing +
    mongo.stale +
    mongo.duplicate +
    dlq.missing +
    dlq.duplicate +
    dlq.unexpected
  );
}

export async function tearDown(harness: Harness, options: RunOptions): Promise<void> {
  await harness.load.stop();
  await harness.pipeline.stopAll();
  if (!options.keep) {
    await harness.pipeline.removeData().catch((error: unknown) => {
      say(`clean-up incomplete: ${error instanceof Error ? error.message : String(error)}`);
    });
  } else {
    say(`kept the run's topics and indices (prefix chaos-${harness.pipeline.options.runId})`);
  }
  if (harness.stack.startedHere && !options.keepStack) {
    say('stopping the stack this run started (--keep-stack keeps it)');
    await harness.stack.down();
  }
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [
    line(headers),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
