// The pipeline benchmark's printed result: one table with every goal beside its figure and
// the load average when it was taken, then notes on how each figure was obtained.
import { cpus, loadavg, totalmem } from 'node:os';
import type { BulkLoadResult } from './bulk-load-raw';
import type { ViewNames } from '../../processors/es-sink/views';
import type { Format } from '../../dev/debezium';
import { DESIGNATED_BODIES } from '../../dev/population';
import { HOPS } from './hops';
import type { Memory } from './live';
import type { FreshnessPass, InstancesFigures, LiveFigures, Restart } from './live-path';
import type { Options } from './options';
import { describeComparison, type Comparison } from './output';
import type { RawConsumeResult } from './raw-consume';
import type { Seeded } from './seed';

export interface Goals {
  replayRatio: number;
  rebuildRatio: number;
  coldStartSeconds: number;
  warmRestartSeconds: number;
  processRssMb: number;
  rebuildRssMb: number;
  freshnessP99Seconds: number;
  instancesRatio: number;
}

export interface RebuildFigures {
  wallSeconds: number;
  /** The rebuild's own figure (without node's start-up). */
  reportedSeconds: number;
  records: number;
  phases: string;
  recomputeLine: string;
  searchable: number;
  peakMb: number;
  load: number;
}

export interface Figures {
  seeded: Seeded;
  raw: RawConsumeResult & { load: number };
  parsed: RawConsumeResult & { load: number };
  fromSources: RebuildFigures;
  bulk: BulkLoadResult & { load: number };
  plain: RebuildFigures;
  live: LiveFigures;
  instances?: InstancesFigures;
}

interface Row {
  what: string;
  figure: string;
  goal?: string;
  pass?: boolean;
  load?: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-GB');
const secs = (s: number) => `${s.toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
export const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
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

const FORMAT_NAMES: Record<Format, string> = {
  json: 'Debezium JSON with schema (JsonConverter, schemas.enable=true)',
  'json-schemaless': 'Debezium JSON without schema',
  avro: 'Debezium Avro through the registry',
};

export function report(
  options: Options,
  goals: Goals,
  f: Figures,
  views: ViewNames,
  startLoads: string,
): string {
  const { doctors } = f.seeded;
  const rows: Row[] = [
    ...replayRows(goals, f),
    ...liveRows(goals, f.live, doctors),
    ...rssRows(goals, f),
    ...f.live.freshness.map((pass, i) => freshnessRow(goals, options, pass, i === 0)),
    ...(f.instances ? instancesRows(goals, f.instances, f.live) : []),
  ];
  return [
    '',
    `reval-stream pipeline benchmark — ${int(doctors)} doctors (${DESIGNATED_BODIES.length} bodies x ${int(f.seeded.doctorsPerBody)} listed by GMC + ${int(f.seeded.tisOnly)} TIS-only), ${FORMAT_NAMES[options.format]}`,
    `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; load average (1/5/15 min) at start ${startLoads}, at end ${loads()}`,
    `inputs: ${int(f.seeded.tisRecords)} CDC records on 7 TCS topics + ${int(f.seeded.gmcRecords)} gmc.doctors records, ${(f.seeded.bytes / 1e6).toFixed(0)} MB (produced in ${secs(f.seeded.seconds)}); ${options.partitions} partitions per stage (reval.connections, repartition topics, changelogs)`,
    '',
    table(rows),
    '',
    ...notes(options, f, views),
    '',
  ].join('\n');
}

function replayRows(goals: Goals, f: Figures): Row[] {
  const { doctors } = f.seeded;
  const fromSourcesRate = doctors / f.fromSources.wallSeconds;
  const consumeRate = doctors / f.raw.seconds;
  const parseRate = doctors / f.parsed.seconds;
  const bulkRate = f.bulk.documents / f.bulk.seconds;
  const replayRatio = fromSourcesRate / Math.min(parseRate, bulkRate);
  const plainRate = f.plain.records / f.plain.reportedSeconds;
  const rebuildRatio = plainRate / bulkRate;
  return [
    {
      what: '(1)  rebuild --from-sources → searchable',
      figure: `${int(fromSourcesRate)} doctors/s, ${secs(f.fromSources.wallSeconds)} wall`,
      load: f.fromSources.load,
    },
    {
      what: '(2a) plain kafkajs consumer, input topics',
      figure: `${int(consumeRate)} doctors/s (${int(f.raw.records / f.raw.seconds)} records/s, ${secs(f.raw.seconds)})`,
      load: f.raw.load,
    },
    {
      what: '(2c) the same + JSON.parse of every value',
      figure: `${int(parseRate)} doctors/s (${int(f.parsed.records / f.parsed.seconds)} records/s, ${secs(f.parsed.seconds)})`,
      load: f.parsed.load,
    },
    {
      what: '(2b) plain _bulk loader, final documents',
      figure: `${int(bulkRate)} doctors/s (${secs(f.bulk.seconds)})`,
      load: f.bulk.load,
    },
    {
      what: '     replay ratio (1) / slower of (2c), (2b)',
      figure: `${replayRatio.toFixed(2)} (slower: ${parseRate < bulkRate ? '2c consume + parse' : '2b bulk'})`,
      goal: `≥ ${goals.replayRatio.toFixed(2)}`,
      pass: replayRatio >= goals.replayRatio,
    },
    {
      what: '(3)  reval rebuild, reval.connections → searchable',
      figure: `${int(plainRate)} doctors/s (${secs(f.plain.reportedSeconds)}; ${secs(f.plain.wallSeconds)} wall)`,
      load: f.plain.load,
    },
    {
      what: '     rebuild ratio (3) / (2b)',
      figure: rebuildRatio.toFixed(2),
      goal: `≥ ${goals.rebuildRatio.toFixed(2)}`,
      pass: rebuildRatio >= goals.rebuildRatio,
    },
  ];
}

function liveRows(goals: Goals, live: LiveFigures, doctors: number): Row[] {
  return [
    {
      what: '(4)  live replay: run connections, fresh app id → caught up',
      figure: `${secs(live.replay.seconds)} (${int(doctors / live.replay.seconds)} doctors/s)`,
      load: live.replay.load,
    },
    {
      what: '     warm restart after SIGKILL, store kept → ready',
      figure: `${live.warm.seconds.toFixed(2)} s`,
      goal: `< ${goals.warmRestartSeconds} s`,
      pass: live.warm.seconds < goals.warmRestartSeconds,
      load: live.warm.load,
    },
    {
      what: '     cold start, empty local store → ready',
      figure: `${live.cold.seconds.toFixed(2)} s (${int(live.cold.restored.records)} changelog records)`,
      goal: `< ${goals.coldStartSeconds} s`,
      pass: live.cold.seconds < goals.coldStartSeconds,
      load: live.cold.load,
    },
  ];
}

function rssRows(goals: Goals, f: Figures): Row[] {
  const row = (what: string, peak: number, limit: number): Row => ({
    what,
    figure: `${peak} MB`,
    goal: `< ${limit} MB`,
    pass: peak < limit,
  });
  return [
    row(
      '(5)  peak RSS, connections, steady running',
      f.live.rss.connectionsSteady,
      goals.processRssMb,
    ),
    row('     peak RSS, es-sink, steady running', f.live.rss.sinkSteady, goals.processRssMb),
    row('     peak RSS, rebuild --from-sources', f.fromSources.peakMb, goals.rebuildRssMb),
  ];
}

function freshnessRow(goals: Goals, options: Options, pass: FreshnessPass, first: boolean): Row {
  const sorted = [...pass.latenciesMs].sort((a, b) => a - b).map((ms) => ms / 1000);
  const [p50, p95, p99] = [0.5, 0.95, 0.99].map((p) => percentile(sorted, p).toFixed(2));
  return {
    what: `${first ? '(6) ' : '    '} freshness at ${options.eventsPerSecond}/s, refresh ${pass.refreshInterval}${first ? ' (as created)' : ''}`,
    figure: `p50 ${p50} s, p95 ${p95} s, p99 ${p99} s`,
    goal: `p99 < ${goals.freshnessP99Seconds} s`,
    pass: Number(p99) < goals.freshnessP99Seconds && pass.missing === 0,
    load: pass.load,
  };
}

function instancesRows(goals: Goals, x: InstancesFigures, live: LiveFigures): Row[] {
  const storeRatios = x.each.map((e) => e.storeBytes / live.replay.storeBytes);
  const rssRatios = x.each.map((e) => (e.peakMb - x.idleMb) / (live.replay.peakMb - x.idleMb));
  const list = (ratios: number[]) => ratios.map((r) => r.toFixed(2)).join(', ');
  const same = x.versusSingle.differ + x.versusSingle.onlyFirst + x.versusSingle.onlySecond === 0;
  return [
    {
      what: `(7)  ${x.instances} instances: store per instance / single's`,
      figure: list(storeRatios),
      goal: `≤ ${goals.instancesRatio.toFixed(2)}`,
      pass: Math.max(...storeRatios) <= goals.instancesRatio,
      load: x.load,
    },
    {
      what: `     ${x.instances} instances: RSS above idle node / single's`,
      figure: list(rssRatios),
      goal: `≤ ${goals.instancesRatio.toFixed(2)}`,
      pass: Math.max(...rssRatios) <= goals.instancesRatio,
    },
    {
      what: `     ${x.instances} instances: final output vs single's`,
      figure: same
        ? `identical (${int(x.versusSingle.compared)} doctors)`
        : 'DIFFERENT (see notes)',
      goal: 'identical',
      pass: same,
    },
  ];
}

function restartNote(name: string, r: Restart): string {
  const at = (s: number | null) => (s === null ? '?' : `${s.toFixed(2)} s`);
  return (
    `     ${name}: spawn → ${r.evicted === null ? '' : `predecessor evicted ${at(r.evicted)} → `}` +
    `"connections processor started" ${at(r.started)} → "tasks restored" ${at(r.restoredAt)} → /readyz 200 ${at(r.seconds)}; ` +
    `restored ${int(r.restored.records)} changelog records for ${int(r.entries)} store entries (restore ${r.restored.ms.join(' + ') || '?'} ms); ` +
    `${int(r.writes)} records written to its output on the way back (0 expected)` +
    (r.peakMemory ? `\n       at its sampled peak: ${memoryNote(name, r.peakMemory)}` : '')
  );
}

function memoryNote(name: string, m: Memory): string {
  return `${name} RSS ${m.rssMb.toFixed(0)} MB = V8 heap ${m.heapTotalMb.toFixed(0)} MB (${m.heapUsedMb.toFixed(0)} used) + external ${m.externalMb.toFixed(0)} MB + the rest ${(m.rssMb - m.heapTotalMb - m.externalMb).toFixed(0)} MB (code, native: SQLite, buffers)`;
}

function comparisonNote(label: string, c: Comparison): string {
  return `     ${label}: ${describeComparison(c)}`;
}

function notes(options: Options, f: Figures, views: ViewNames): string[] {
  const { live } = f;
  const lines = [
    `(1)  rebuild's own report: ${secs(f.fromSources.reportedSeconds)} (wall adds node start-up); per phase: ${f.fromSources.phases}`,
    `     ${f.fromSources.recomputeLine}`,
    `     ${int(f.fromSources.searchable)} documents searchable in ${views.master} (expected ${int(f.seeded.doctors)})`,
    `(2a) ${int(f.raw.records)} records, ${(f.raw.bytes / 1e6).toFixed(0)} MB of values, ${(f.raw.bytes / 1e6 / f.raw.seconds).toFixed(0)} MB/s; kafkajs imported directly, default fetch sizes`,
    `(2c) ${int(f.parsed.parsed)} values JSON.parse'd, ${int(f.parsed.notJson)} not JSON (registry Avro: gmc.doctors${options.format === 'avro' ? ' and the CDC topics' : ''}) left as bytes`,
    `(2b) bulkLoadRaw: ${int(f.bulk.documents)} documents, 1,000 per request, 2 in flight, refresh off then on`,
    `(3)  reval rebuild: ${int(f.plain.records)} records replayed; its own time (the figure) excludes node start-up; per phase: ${f.plain.phases}; peak RSS ${f.plain.peakMb} MB`,
    `(4)  caught up = every reval_consumer_lag gauge 0 (polled on /metrics), every input partition committed to its end, and the output topic holding all ${int(f.seeded.doctors)} doctors`,
    `     replay peak RSS ${live.replay.peakMb} MB, local store ${mb(live.replay.storeBytes)}`,
    comparisonNote(
      'its output against rebuild --from-sources (derived fields)',
      live.replay.versusRebuild,
    ),
    restartNote('warm restart', live.warm),
    restartNote('cold start', live.cold),
    `     es-sink then indexed that output (all ${int(f.seeded.doctors)} doctors, newer versions) in ${secs(live.sinkCatchUpSeconds)}`,
    live.rss.peaksReset
      ? `(5)  VmHWM; "steady running" is reset (/proc/PID/clear_refs) once the cold-started connections and es-sink are caught up, and read after the freshness passes`
      : '(5)  VmHWM; /proc/PID/clear_refs refused the reset, so "steady running" covers the whole life of each process',
    `     before the reset: connections ${live.rss.connectionsStarting} MB (cold start: restore and catch-up; the replay from an empty store peaked at ${live.replay.peakMb} MB), es-sink ${live.rss.sinkStarting} MB (indexing every doctor)`,
    `     after the passes: ${memoryNote('connections', live.rss.connectionsNow)}; ${memoryNote('es-sink', live.rss.sinkNow)}`,
  ];
  live.freshness.forEach((pass, i) => {
    const sorted = [...pass.latenciesMs].sort((a, b) => a - b).map((ms) => ms / 1000);
    const stage = (p: number) => percentile(pass.toConnections, p).toFixed(2);
    lines.push(
      `${i === 0 ? '(6) ' : '    '} refresh ${pass.refreshInterval}: ${int(pass.produced)} edits (${int(pass.endDateEdits)} programme end dates, ${int(pass.nameEdits)} TIS surnames) at ${pass.eventsPerSecond.toFixed(0)}/s; ` +
        `${int(sorted.length)} seen, ${int(pass.missing)} not seen within 30 s; max ${percentile(sorted, 1).toFixed(2)} s; load rose to ${pass.endLoad.toFixed(2)}`,
      `     stage: produce → record on the output (its CreateTime) p50 ${stage(0.5)} s, p95 ${stage(0.95)} s, p99 ${stage(0.99)} s; the rest is es-sink + refresh + poll`,
      `     by connections stage, p50 / p99 s (record read → record written): ${HOPS.map((hop) => `${hop} ${percentile(pass.hops[hop], 0.5).toFixed(2)} / ${percentile(pass.hops[hop], 0.99).toFixed(2)}`).join(', ')}`,
    );
  });
  lines.push(
    `     search polls of the alias every 50 ms, no _refresh; time taken at the poll's answer (upper bound)`,
    `     es-sink: ES_BULK_MAX_ACTIONS ${live.bulkSettings.maxActions}, ES_BULK_MAX_IN_FLIGHT ${live.bulkSettings.maxInFlight}; it writes each Kafka batch and waits for it, so its 50 ms linger does not apply;`,
    `     refresh_interval is not an es-sink setting (mappings.ts creates the index with 1s): the benchmark sets it per pass with _settings on ${views.master}`,
  );
  if (f.instances) {
    const x = f.instances;
    lines.push(
      `(7)  ${x.instances} instances, one app id, own state dirs and metrics ports: caught up in ${secs(x.seconds)} (single: ${secs(live.replay.seconds)})`,
      `     state dirs ${x.each.map((e) => mb(e.storeBytes)).join(', ')} vs ${mb(live.replay.storeBytes)}; of which the tasks held at the end ${x.each.map((e) => `${mb(e.heldBytes)} (${e.holding.held.length} tasks)`).join(', ')}`,
      `     (a task revoked in a rebalance keeps its files for a quick return); peak RSS ${x.each.map((e) => `${e.peakMb} MB`).join(', ')} vs ${live.replay.peakMb} MB, idle node ${x.idleMb.toFixed(0)} MB`,
      `     tasks held (logs) / assigned (group coordinator): ${x.each.map((e) => `${e.holding.held.length} / ${e.holding.assigned?.length ?? '?'}`).join(', ')}`,
      ...x.each.flatMap((e, k) => [
        ...(e.holding.extra.length > 0
          ? [`     instance ${k + 1} holds tasks not assigned to it: ${e.holding.extra.join(' ')}`]
          : []),
        ...e.holding.reRestored.slice(0, 4).map((line) => `     instance ${k + 1}: ${line}`),
      ]),
      comparisonNote(
        'final output (derived fields) vs the single instance after freshness',
        x.versusSingle,
      ),
    );
    if (x.staleGauges.length > 0) {
      lines.push(
        `     lag gauges still above 0 when caught up (a moved partition's old owner keeps its gauge): ${x.staleGauges.slice(0, 6).join(', ')}${x.staleGauges.length > 6 ? ', …' : ''}`,
      );
    }
  }
  lines.push(
    '(8)  scale: a separate mode, `--scale 25000,50000,100000,200000` (cold start and its RSS per size)',
  );
  return lines;
}
