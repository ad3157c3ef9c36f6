// The faults a chaos run injects, and the seeded schedule of them. Each fault acts, then
// returns when it has ended (the process or service is back, or the pause is over); the
// runner then times the pipeline's recovery from that moment.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Load } from './load';
import type { Pipeline } from './pipeline';
import type { StackControl } from './stack-control';

export interface FaultContext {
  pipeline: Pipeline;
  stack: StackControl;
  load: Load;
  random: () => number;
  say: (line: string) => void;
}

export interface Fault {
  kind: string;
  /** What it does, for the table's legend. */
  description: string;
  /** About how long it takes, to fit the schedule into the run's length. */
  nominalSeconds: number;
  /** When false, the fault is skipped (and the run says why). */
  available?(context: FaultContext): string | undefined;
  inject(context: FaultContext): Promise<string | void>;
}

async function killAndRestart(context: FaultContext, name: string): Promise<void> {
  const process = context.pipeline.get(name);
  await process.kill();
  await sleep(1_000 + context.random() * 2_000);
  process.start();
}

export const FAULTS: Fault[] = [
  {
    kind: 'kill connections',
    description: 'SIGKILL of a connections instance, started again 1–3 s later',
    nominalSeconds: 10,
    inject: (context) => killAndRestart(context, 'connections-a'),
  },
  {
    kind: 'kill es-sink',
    description: 'SIGKILL of the es-sink, started again 1–3 s later',
    nominalSeconds: 10,
    inject: (context) => killAndRestart(context, 'es-sink'),
  },
  {
    kind: 'kill doctors-sync',
    description: 'SIGKILL of doctors-sync, started again 1–3 s later',
    nominalSeconds: 10,
    inject: (context) => killAndRestart(context, 'doctors-sync'),
  },
  {
    kind: 'kill gmc-sync',
    description:
      'SIGKILL of a `reval gmc-sync` run (after GMC churn) as soon as its transaction writes to ' +
      'gmc.doctors, then the next run',
    nominalSeconds: 45,
    inject: async (context) => {
      const { load, pipeline } = context;
      // The transaction's writes and its commit are milliseconds apart: a run may finish
      // before the kill lands. Up to five runs, until one is killed.
      for (let attempt = 1; attempt <= 5; attempt++) {
        await load.gmcChurn(60);
        const before = await pipeline.gmcDoctorsEnd();
        const run = await load.gmcSync(before);
        if (run.signal !== 'SIGKILL') continue;
        const written = (await pipeline.gmcDoctorsEnd()) - before;
        // The next run fences the killed one's transactional id, aborting an open transaction.
        const next = await load.gmcSync();
        return `run ${attempt} killed after its transaction wrote (${written} offsets); next run exit ${next.code}`;
      }
      return 'five runs each finished before the kill landed';
    },
  },
  {
    kind: 'kill kafka',
    description: 'SIGKILL of the Kafka broker, started again at once',
    nominalSeconds: 40,
    inject: async ({ stack }) => {
      await stack.kill('kafka');
      await stack.start('kafka');
    },
  },
  {
    kind: 'pause elasticsearch 60 s',
    description: 'Elasticsearch SIGSTOPped for 60 s, then SIGCONT',
    nominalSeconds: 75,
    inject: async ({ stack }) => {
      stack.signal('elasticsearch', 'SIGSTOP');
      try {
        await sleep(60_000);
      } finally {
        stack.signal('elasticsearch', 'SIGCONT');
      }
    },
  },
  {
    kind: 'restart elasticsearch',
    description: 'Elasticsearch stopped (SIGTERM) and started again',
    nominalSeconds: 75,
    inject: async ({ stack }) => {
      await stack.stop('elasticsearch');
      await stack.start('elasticsearch');
    },
  },
  {
    kind: 'stop registry 30 s',
    description: 'the schema registry stopped (SIGTERM) for 30 s, then started again',
    nominalSeconds: 70,
    inject: async ({ stack }) => {
      await stack.stop('registry');
      await sleep(30_000);
      await stack.start('registry');
    },
  },
  {
    kind: 'registry outage with restarts',
    description:
      'the schema registry stopped (SIGTERM) for 30 s, and connections, the es-sink and ' +
      'doctors-sync SIGKILLed and started again at its start: they come back with no schema ' +
      'cached, so they must wait for the registry, not dead-letter what they cannot decode',
    nominalSeconds: 75,
    inject: async ({ stack, pipeline }) => {
      await stack.stop('registry');
      for (const name of ['connections-a', 'es-sink', 'doctors-sync']) {
        const process = pipeline.get(name);
        await process.kill();
        process.start();
      }
      await sleep(30_000);
      await stack.start('registry');
    },
  },
  {
    kind: 'stop ferretdb 30 s',
    description:
      'FerretDB (MongoDB) stopped (SIGTERM) for 30 s, with a GMC sync (after churn) meanwhile ' +
      'for doctors-sync to apply, then started again',
    nominalSeconds: 45,
    inject: async ({ stack, load }) => {
      await stack.stop('ferretdb');
      const stopped = Date.now();
      await load.gmcChurn(20);
      const sync = await load.gmcSync();
      await sleep(Math.max(0, 30_000 - (Date.now() - stopped)));
      await stack.start('ferretdb');
      return `GMC sync during the outage: exit ${sync.code}`;
    },
  },
  {
    kind: 'rebalance connections',
    description:
      'a second connections instance joins, leaves (SIGTERM), joins again and is SIGKILLed: ' +
      'four rebalances',
    nominalSeconds: 90,
    inject: async ({ pipeline, random }) => {
      const second = pipeline.get('connections-b');
      second.start();
      await second.ready().catch(() => undefined);
      await sleep(10_000 + random() * 10_000);
      await second.stop();
      await sleep(3_000);
      second.start();
      await second.ready().catch(() => undefined);
      await sleep(10_000 + random() * 10_000);
      await second.kill();
      await second.stop(); // not wanted any more: the supervisor must not start it again
    },
  },
  {
    kind: 'restart cdc services',
    description: 'Kafka Connect and MariaDB SIGKILLed and started again',
    nominalSeconds: 60,
    available: ({ stack }) =>
      stack.running('mariadb') && stack.running('connect')
        ? undefined
        : 'the real CDC services (MariaDB, Kafka Connect) are not up in this stack: the load is synthetic Debezium events',
    inject: async ({ stack }) => {
      await stack.kill('connect');
      await stack.kill('mariadb');
      await stack.start('connect', true);
    },
  },
];

export interface Scheduled {
  fault: Fault;
  /** Seconds of steady load before it. */
  gapSeconds: number;
}

/**
 * The run's faults in order, from the seed: rounds of every available kind, each round
 * shuffled, with 5–20 s of steady load before each. The run takes them in order while its
 * time lasts.
 */
export function schedule(faults: Fault[], random: () => number, rounds = 20): Scheduled[] {
  const out: Scheduled[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = [...faults];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const fault of order) out.push({ fault, gapSeconds: 5 + Math.floor(random() * 16) });
  }
  return out;
}
