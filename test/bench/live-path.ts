// The live path of the pipeline benchmark: `reval run connections` replaying the full input
// topics under a fresh app id until caught up; a SIGKILL and a warm restart on the kept
// store; a cold start from an empty store (the changelogs and committed offsets remain);
// then es-sink, the freshness passes and the steady-running memory on that cold-started
// process; and finally the same replay by several instances sharing the app id.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { ViewNames } from '../../processors/es-sink/views';
import { kafkaConfig } from '../../processors/platform/config';
import type { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import type { StreamHarness } from '../support/stream-harness';
import type { BenchRun } from './bench-run';
import { idleNodeMb, spawnReval } from './child';
import {
  EditPlanner,
  measureFreshness,
  type FreshnessResult,
  type PlannerOptions,
} from './freshness';
import { HopRecorder, type Hop } from './hops';
import { holdings, type Holding } from './ownership';
import {
  dirBytes,
  followOutput,
  liveApp,
  loggedAt,
  memoryOf,
  restoredBy,
  secondsToReady,
  spawnConnections,
  storeEntries,
  waitCaughtUp,
  watchMemory,
  type Instance,
  type LiveApp,
  type Memory,
  type Restored,
} from './live';
import { compareOutputs, latestFingerprints, type Comparison, type OutputFollower } from './output';

const load1 = () => loadavg()[0];
const randomPort = () => 20_000 + Math.floor(Math.random() * 20_000);

export interface Replay {
  seconds: number;
  load: number;
  /** VmHWM of the replaying process when caught up (its whole life so far). */
  peakMb: number;
  storeBytes: number;
  /** Its output against `reval rebuild --from-sources`'s. */
  versusRebuild: Comparison;
}

export interface Restart {
  seconds: number;
  /** The sampled peak from spawn to caught up, split into heap, external and the rest. */
  peakMemory: Memory | undefined;
  load: number;
  restored: Restored;
  /** Entries of its stores once restored: what a fully compacted changelog would hold. */
  entries: number;
  /** Records the restarted process wrote to its output before it was caught up again. */
  writes: number;
  /** Seconds from spawn to these log lines, when logged. */
  evicted: number | null;
  started: number | null;
  restoredAt: number | null;
}

export interface FreshnessPass extends FreshnessResult {
  refreshInterval: string;
  load: number;
  endLoad: number;
  /** Produce → the connections record (its CreateTime), seconds, sorted. */
  toConnections: number[];
  /** The same, stage by stage (see hops.ts). */
  hops: Record<Hop, number[]>;
}

export interface LiveFigures {
  replay: Replay;
  warm: Restart;
  cold: Restart;
  sinkCatchUpSeconds: number;
  freshness: FreshnessPass[];
  rss: {
    connectionsSteady: number;
    sinkSteady: number;
    /** Before the reset: the cold start's restore, and es-sink's catch-up of every doctor. */
    connectionsStarting: number;
    sinkStarting: number;
    /** False if /proc refused the reset: the steady figures then cover the whole life. */
    peaksReset: boolean;
    /** At the end of the freshness passes: how much of it is V8's heap. */
    connectionsNow: Memory;
    sinkNow: Memory;
  };
  bulkSettings: { maxActions: string; maxInFlight: string };
  /** The output when the run ended, for the instances' comparison. */
  final: Map<string, string | null>;
}

export interface LiveInputs {
  doctors: number;
  rebuilt: Map<string, string | null>;
  planner: PlannerOptions;
  eventsPerSecond: number;
  freshnessSeconds: number;
  refreshIntervals: string[];
}

export async function measureLivePath(run: BenchRun, inputs: LiveInputs): Promise<LiveFigures> {
  const { harness, env, say } = run;
  const app = liveApp(
    harness.topics,
    `${run.prefix}-live`,
    `${run.prefix}.live.reval.connections`,
    run.partitions,
  );
  const follower = await followOutput(harness.kafka, app);
  try {
    const at = { stateDir: join(run.stateRoot, 'live'), port: randomPort() };
    const storeDir = join(at.stateDir, app.appId);

    say(`(4) reval run connections, app id ${app.appId}: replay of the full input topics…`);
    const replayLoad = load1();
    let instance = spawnLive(run, app, at);
    const caughtUp = await waitCaughtUp(harness.kafka, app, [instance], follower, inputs.doctors);
    const replayPeak = instance.child.peakMb();
    const storeBytes = dirBytes(storeDir);
    say(
      `  caught up in ${caughtUp.seconds.toFixed(1)} s; comparing its output with the rebuild's…`,
    );
    const versusRebuild = compareOutputs(
      inputs.rebuilt,
      await latestFingerprints(harness.kafka, harness.codecs, app.output),
    );

    say('    SIGKILL, then a warm restart on the kept store…');
    await instance.child.kill();
    const warmLoad = load1();
    instance = spawnLive(run, app, at);
    const warm = await restart(run, app, instance, follower, inputs.doctors, warmLoad);
    say(`  ready in ${warm.seconds.toFixed(2)} s`);

    say('    SIGTERM, local store deleted, cold start…');
    await instance.child.stop();
    rmSync(storeDir, { recursive: true, force: true });
    const coldLoad = load1();
    instance = spawnLive(run, app, at);
    const cold = await restart(run, app, instance, follower, inputs.doctors, coldLoad);
    say(`  ready in ${cold.seconds.toFixed(2)} s (${cold.restored.records} changelog records)`);

    say('    reval run es-sink on its output, catching up…');
    const sinkStarted = performance.now();
    const sink = spawnReval(['run', 'es-sink'], {
      env: { ...env, TOPIC_CONNECTIONS: app.output, METRICS_PORT: String(at.port + 1) },
      nodeArgs: run.nodeArgs,
    });
    run.children.push(sink);
    await Promise.race([
      sinkCaughtUp(harness, env.ES_SINK_GROUP_ID as string, app.output),
      sink.exit.then(() => Promise.reject(new Error('es-sink exited'))),
    ]);
    const sinkCatchUpSeconds = (performance.now() - sinkStarted) / 1000;
    say(`  es-sink caught up in ${sinkCatchUpSeconds.toFixed(1)} s`);

    const starting = { connections: instance.child.peakMb(), sink: sink.peakMb() };
    const peaksReset = instance.child.resetPeak() && sink.resetPeak();
    const edits = new EditPlanner(inputs.planner);
    const freshness: FreshnessPass[] = [];
    for (const refreshInterval of inputs.refreshIntervals) {
      say(
        `(6) freshness: ${inputs.eventsPerSecond} CDC events/s for ${inputs.freshnessSeconds} s, ` +
          `refresh_interval ${refreshInterval}…`,
      );
      freshness.push(
        await freshnessPass(run.es, run.views, harness, app, edits, inputs, refreshInterval),
      );
      const last = freshness[freshness.length - 1];
      say(`  ${last.latenciesMs.length} of ${last.produced} edits seen`);
    }
    const rss = {
      connectionsSteady: instance.child.peakMb(),
      sinkSteady: sink.peakMb(),
      connectionsStarting: starting.connections,
      sinkStarting: starting.sink,
      peaksReset,
      connectionsNow: await memoryOf(at.port),
      sinkNow: await memoryOf(at.port + 1),
    };

    await waitCaughtUp(harness.kafka, app, [instance], follower, inputs.doctors);
    const final = await latestFingerprints(harness.kafka, harness.codecs, app.output);
    await sink.stop();
    await instance.child.stop();
    return {
      replay: {
        seconds: caughtUp.seconds,
        load: replayLoad,
        peakMb: replayPeak,
        storeBytes,
        versusRebuild,
      },
      warm,
      cold,
      sinkCatchUpSeconds,
      freshness,
      rss,
      bulkSettings: {
        maxActions: env.ES_BULK_MAX_ACTIONS ?? '1000 (default)',
        maxInFlight: env.ES_BULK_MAX_IN_FLIGHT ?? '2 (default)',
      },
      final,
    };
  } finally {
    await follower.stop();
  }
}

export function spawnLive(
  run: BenchRun,
  app: LiveApp,
  at: { stateDir: string; port: number },
): Instance {
  const instance = spawnConnections(run.env, app, at, run.nodeArgs);
  run.children.push(instance.child);
  return instance;
}

async function restart(
  run: BenchRun,
  app: LiveApp,
  instance: Instance,
  follower: OutputFollower,
  doctors: number,
  load: number,
): Promise<Restart> {
  const before = follower.records();
  const memory = watchMemory(instance.port);
  const seconds = await secondsToReady(instance);
  const restored = restoredBy(instance.child);
  const entries = await storeEntries(instance.port);
  await waitCaughtUp(run.harness.kafka, app, [instance], follower, doctors);
  return {
    seconds,
    peakMemory: await memory.stop(),
    load,
    restored,
    entries,
    writes: follower.records() - before,
    evicted: loggedAt(instance.child, 'evicted the previous process'),
    started: loggedAt(instance.child, 'connections processor started'),
    restoredAt: loggedAt(instance.child, 'tasks restored'),
  };
}

async function freshnessPass(
  es: ElasticsearchClient,
  views: ViewNames,
  harness: StreamHarness,
  app: LiveApp,
  edits: EditPlanner,
  inputs: LiveInputs,
  refreshInterval: string,
): Promise<FreshnessPass> {
  await es.putSettings(views.master, { refresh_interval: refreshInterval });
  const recorder = await HopRecorder.start(harness.kafka, app, `${app.appId}-hops-${randomUUID()}`);
  try {
    const load = load1();
    const measured = await measureFreshness({
      harness,
      es,
      alias: views.master,
      edits,
      eventsPerSecond: inputs.eventsPerSecond,
      seconds: inputs.freshnessSeconds,
    });
    return {
      ...measured,
      refreshInterval,
      load,
      endLoad: load1(),
      toConnections: recorder.toOutput(measured.seen),
      hops: recorder.split(measured.seen),
    };
  } finally {
    await recorder.stop();
  }
}

/** Waits until the es-sink group has committed every partition of `topic`. */
async function sinkCaughtUp(harness: StreamHarness, groupId: string, topic: string): Promise<void> {
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

export interface InstancesFigures {
  instances: number;
  seconds: number;
  load: number;
  idleMb: number;
  /** storeBytes: its whole state directory; heldBytes: the tasks it holds at the end. */
  each: { storeBytes: number; heldBytes: number; peakMb: number; holding: Holding }[];
  staleGauges: string[];
  versusSingle: Comparison;
}

/** N instances of a fresh app id replay the same inputs; each one's share of the cost. */
export async function measureInstances(
  run: BenchRun,
  count: number,
  doctors: number,
  single: Map<string, string | null>,
): Promise<InstancesFigures> {
  const { harness, say } = run;
  const app = liveApp(
    harness.topics,
    `${run.prefix}-scaled`,
    `${run.prefix}.scaled.reval.connections`,
    run.partitions,
  );
  const follower = await followOutput(harness.kafka, app);
  try {
    say(`(7) ${count} connections instances, app id ${app.appId}: replay of the same inputs…`);
    const load = load1();
    const base = randomPort();
    const instances = Array.from({ length: count }, (_, k) =>
      spawnLive(run, app, { stateDir: join(run.stateRoot, `instance-${k + 1}`), port: base + k }),
    );
    const caughtUp = await waitCaughtUp(harness.kafka, app, instances, follower, doctors);
    const held = await holdings(kafkaConfig(run.env).brokers, harness.topics, app, instances);
    const each = instances.map(({ child, stateDir }, k) => ({
      storeBytes: dirBytes(join(stateDir, app.appId)),
      heldBytes: held[k].held.reduce((sum, t) => sum + dirBytes(join(stateDir, app.appId, t)), 0),
      peakMb: child.peakMb(),
      holding: held[k],
    }));
    say(`  caught up in ${caughtUp.seconds.toFixed(1)} s`);
    const idleMb = await idleNodeMb();
    const versusSingle = compareOutputs(
      single,
      await latestFingerprints(harness.kafka, harness.codecs, app.output),
    );
    for (const { child } of instances) await child.stop();
    return {
      instances: count,
      seconds: caughtUp.seconds,
      load,
      idleMb,
      each,
      staleGauges: caughtUp.staleGauges,
      versusSingle,
    };
  } finally {
    await follower.stop();
  }
}
