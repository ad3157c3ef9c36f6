// The scale line (`--scale 25000,50000,…`): how the cost of starting connections grows with
// the population. Each size is a run of its own (its own topics, seeded afresh, since the
// synthetic populations of two sizes are not subsets of each other): the live replay to
// caught up, SIGTERM, the local store deleted, then the cold start from the changelogs to
// /readyz and its peak RSS. Freshness, baselines and the rebuilds are not run here.
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { timeZone } from '../../processors/platform/config';
import { todayIn } from '../../processors/rules/dates';
import type { Format } from '../../dev/debezium';
import { closeRun, openRun } from './bench-run';
import { spawnLive } from './live-path';
import {
  dirBytes,
  followOutput,
  liveApp,
  restoredBy,
  secondsToReady,
  waitCaughtUp,
  watchMemory,
  type Memory,
  type Restored,
} from './live';
import { seedPopulation } from './seed';

export interface ScalePoint {
  doctors: number;
  inputRecords: number;
  seedSeconds: number;
  replaySeconds: number;
  replayPeakMb: number;
  storeBytes: number;
  coldSeconds: number;
  restored: Restored;
  /** VmHWM of the cold-started process once caught up: restore, then steady running. */
  coldPeakMb: number;
  /** The sampled peak of the cold start, split into V8 heap, external buffers and the rest. */
  coldPeak: Memory | undefined;
  load: number;
}

export interface ScaleOptions {
  sizes: number[];
  format: Format;
  partitions: number;
  childLogLevel: string;
  nodeArgs: string[];
  say(line?: string): void;
}

export async function measureScale(options: ScaleOptions): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const size of options.sizes) {
    const run = await openRun(options);
    let failed = true;
    try {
      const { harness, say } = run;
      say(`scale: ${size.toLocaleString('en-GB')} doctors on ${run.prefix}.*`);
      const today = todayIn(new Date(), timeZone(run.env));
      const seeded = await seedPopulation(
        harness,
        { doctors: size, format: options.format, today },
        say,
      );
      const app = liveApp(
        harness.topics,
        `${run.prefix}-live`,
        `${run.prefix}.live.reval.connections`,
        run.partitions,
      );
      const follower = await followOutput(harness.kafka, app);
      try {
        const at = {
          stateDir: join(run.stateRoot, 'live'),
          port: 20_000 + Math.floor(Math.random() * 20_000),
        };
        say('  replay to caught up…');
        let instance = spawnLive(run, app, at);
        const replay = await waitCaughtUp(harness.kafka, app, [instance], follower, seeded.doctors);
        const replayPeakMb = instance.child.peakMb();
        const storeBytes = dirBytes(join(at.stateDir, app.appId));
        await instance.child.stop();
        rmSync(join(at.stateDir, app.appId), { recursive: true, force: true });
        say('  cold start from an empty local store…');
        const load = loadavg()[0];
        instance = spawnLive(run, app, at);
        const memory = watchMemory(instance.port);
        const coldSeconds = await secondsToReady(instance);
        const restored = restoredBy(instance.child);
        await waitCaughtUp(harness.kafka, app, [instance], follower, seeded.doctors);
        const coldPeakMb = instance.child.peakMb();
        const coldPeak = await memory.stop();
        await instance.child.stop();
        say(`  ready in ${coldSeconds.toFixed(2)} s, ${coldPeakMb} MB`);
        points.push({
          doctors: seeded.doctors,
          inputRecords: seeded.tisRecords + seeded.gmcRecords,
          seedSeconds: seeded.seconds,
          replaySeconds: replay.seconds,
          replayPeakMb,
          storeBytes,
          coldSeconds,
          restored,
          coldPeakMb,
          coldPeak,
          load,
        });
      } finally {
        await follower.stop();
      }
      failed = false;
    } finally {
      await closeRun(run, failed);
    }
  }
  return points;
}

const splitMemory = (m: Memory) =>
  `${m.heapTotalMb.toFixed(0)} / ${m.externalMb.toFixed(0)} / ${(m.rssMb - m.heapTotalMb - m.externalMb).toFixed(0)} MB`;

export function scaleReport(
  points: ScalePoint[],
  goals: { coldStartSeconds: number; processRssMb: number },
): string {
  const header = [
    'doctors',
    'input records',
    'replay → caught up',
    'cold start → ready',
    'restored (records, ms)',
    'peak RSS cold',
    'sampled peak: heap / external / rest',
    'peak RSS replay',
    'store',
    'load (1 min)',
  ];
  const rows = points.map((p) => [
    p.doctors.toLocaleString('en-GB'),
    p.inputRecords.toLocaleString('en-GB'),
    `${p.replaySeconds.toFixed(1)} s`,
    `${p.coldSeconds.toFixed(2)} s`,
    `${p.restored.records.toLocaleString('en-GB')}, ${p.restored.ms.join('+')}`,
    `${p.coldPeakMb} MB`,
    p.coldPeak ? splitMemory(p.coldPeak) : '—',
    `${p.replayPeakMb} MB`,
    `${(p.storeBytes / 1e6).toFixed(0)} MB`,
    p.load.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    `goals for reference (at the issue's population): cold start < ${goals.coldStartSeconds} s, connections RSS < ${goals.processRssMb} MB`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'replay: `reval run connections` under a fresh app id, from spawn until every lag gauge is 0, the group',
    'has committed every input partition and the output holds every doctor. cold start: spawn → /readyz 200',
    'after the local store was deleted (changelogs and committed offsets kept). peak RSS cold: VmHWM of that',
    'process once caught up; sampled peak: /metrics every 250 ms over the same span, the sample with the',
    'highest RSS split into the V8 heap (total), external memory (Buffers) and the rest (code, SQLite, malloc).',
    'store: bytes of its state directory after the replay.',
  ].join('\n');
}
