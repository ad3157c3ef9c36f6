// `npm run chaos`: the whole pipeline on the local stack under a steady load of CDC edits and
// GMC syncs, with faults injected at moments drawn from a printed seed. After each fault the
// time to catch up is measured; then, with the load paused, the oracle compares every view
// with the rules applied to the input topics (oracle.ts). One table row per fault kind; the
// run exits 1 when any count is not 0 or the pipeline did not recover.
import { FAULTS, schedule, type FaultContext } from './faults';
import { timeToCaughtUp } from './recovery';
import {
  check,
  load1,
  oracleFailures,
  parseOptions,
  percentile,
  runMain,
  say,
  setUp,
  table,
  tearDown,
  type RunOptions,
} from './run';
import { zero, type Counts, type DlqCounts, type OracleResult } from './oracle';
import { setTimeout as sleep } from 'node:timers/promises';

const USAGE = `npm run chaos -- [options]
  --seed N              the fault schedule and the load's edits (default: random, printed)
  --minutes M           how long faults are injected (default 8); setup and checks come on top
  --doctors-per-body N  population: N doctors in each of the 14 designated bodies (default 20)
  --rate R              CDC edits per second (default 20)
  --gmc-sync-every S    a GMC sync (after some GMC churn) every S seconds (default 60)
  --poison-every S      a poison record about every S seconds (default 30)
  --partitions N        partitions of the input topics and of connections (default 3)
  --base-port P         first of the processors' metrics ports (default 29500)
  --only WORDS          only the fault kinds containing one of these comma-separated words
  --keep                keep the run's topics, indices and database afterwards
  --keep-stack          keep a stack this run started
The stack is the one of REVAL_STACK_DIR and the REVAL_*_PORT variables when set, else a stack
of the suite's own (~/.cache/reval-stream/chaos-run, ports 29092, 28081, 29200, 27028…).
`;

interface Row {
  injections: number;
  recoveryMs: number[];
  notRecovered: number;
  counts: Counts;
  dlq: DlqCounts;
  notes: string[];
}

function add(row: Row, result: OracleResult): void {
  for (const key of ['missing', 'stale', 'duplicate', 'wrong', 'aliasMismatches'] as const) {
    row.counts[key] += result.views[key] + (key in result.mongo ? result.mongo[key] : 0);
  }
  row.counts.examples.push(...result.views.examples, ...result.mongo.examples);
  row.dlq.missing += result.dlq.missing;
  row.dlq.duplicate += result.dlq.duplicate;
  row.dlq.unexpected += result.dlq.unexpected;
  row.dlq.examples.push(...result.dlq.examples);
}

async function main(): Promise<number> {
  const defaults: RunOptions = {
    seed: Math.floor(Math.random() * 2 ** 31),
    minutes: 8,
    doctorsPerBody: 20,
    rate: 20,
    gmcSyncEverySeconds: 60,
    poisonEverySeconds: 30,
    partitions: 3,
    keep: false,
    keepStack: false,
    basePort: 29500,
    only: [],
  };
  const options = parseOptions(process.argv.slice(2), defaults, USAGE);
  say(
    `chaos: seed ${options.seed}, ${options.minutes} min of faults, ${options.rate} edits/s, ` +
      `replay with: npm run chaos -- --seed ${options.seed} --minutes ${options.minutes}`,
  );
  const harness = await setUp(options, 'chaos');
  const { pipeline, load, stack } = harness;
  const context: FaultContext = { pipeline, stack, load, random: harness.random, say };
  const rows = new Map<string, Row>();
  const skipped: string[] = [];
  const faults = FAULTS.filter((fault) => {
    if (options.only.length > 0 && !options.only.some((word) => fault.kind.includes(word))) {
      return false;
    }
    const why = fault.available?.(context);
    if (why) skipped.push(`${fault.kind}: skipped, ${why}`);
    return !why;
  });
  const plan = schedule(faults, harness.random);
  const faultPhaseEnds = Date.now() + options.minutes * 60_000;
  let failed = 0;
  load.start();
  const loads: number[] = [];
  try {
    for (const { fault, gapSeconds } of plan) {
      if (Date.now() + (gapSeconds + fault.nominalSeconds) * 1000 > faultPhaseEnds) {
        // Shorter faults may still fit.
        continue;
      }
      await sleep(gapSeconds * 1000);
      const row =
        rows.get(fault.kind) ??
        rows
          .set(fault.kind, {
            injections: 0,
            recoveryMs: [],
            notRecovered: 0,
            counts: zero(),
            dlq: { missing: 0, duplicate: 0, unexpected: 0, examples: [] },
            notes: [],
          })
          .get(fault.kind)!;
      row.injections += 1;
      say(`fault: ${fault.kind} (load ${load1()})`);
      loads.push(Number(load1()));
      const note = await fault.inject(context);
      if (note) {
        row.notes.push(note);
        say(`  ${note}`);
      }
      const ended = Date.now();
      try {
        const ms = await timeToCaughtUp(pipeline.kafka, pipeline.watched(), ended, 5 * 60_000);
        row.recoveryMs.push(ms);
        say(`  caught up ${(ms / 1000).toFixed(1)} s after the fault ended`);
      } catch (error) {
        row.notRecovered += 1;
        failed += 1;
        say(`  NOT RECOVERED: ${error instanceof Error ? error.message : String(error)}`);
        // The run has failed; what follows would wait on a pipeline that is not moving.
        break;
      }
      const result = await check(harness);
      add(row, result);
      const bad = oracleFailures(result);
      say(
        `  oracle: ${result.expectedDoctors} doctors, ${result.poisonRecords} poison records: ` +
          (bad === 0
            ? 'all 0'
            : `${bad} problems: ${[...result.views.examples, ...result.mongo.examples, ...result.dlq.examples].slice(0, 4).join('; ')}`),
      );
    }
  } finally {
    await load.stop();
  }
  say('faults over: settling for the final check');
  let final: OracleResult;
  try {
    final = await check(harness, failed > 0 ? 2 * 60_000 : 10 * 60_000);
  } catch (error) {
    say(`final check impossible: ${error instanceof Error ? error.message : String(error)}`);
    final = {
      expectedDoctors: 0,
      poisonRecords: 0,
      views: { ...zero(), examples: ['the pipeline did not settle'] },
      mongo: zero(),
      dlq: { missing: 0, duplicate: 0, unexpected: 0, examples: [] },
    };
    failed += 1;
  }
  await load.stop();

  const seconds = (ms: number) => (Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const out = [...rows].map(([kind, row]) => {
    failed += oracleFailures({
      expectedDoctors: 0,
      poisonRecords: 0,
      views: row.counts,
      mongo: zero(),
      dlq: row.dlq,
    });
    return [
      kind,
      row.injections,
      seconds(percentile(row.recoveryMs, 50)),
      row.notRecovered > 0
        ? `not recovered ×${row.notRecovered}`
        : seconds(Math.max(...row.recoveryMs)),
      row.counts.missing,
      row.counts.stale,
      row.counts.duplicate,
      row.counts.wrong,
      row.counts.aliasMismatches,
      `${row.dlq.missing}/${row.dlq.duplicate}/${row.dlq.unexpected}`,
    ];
  });
  const finalBad = oracleFailures(final);
  failed += finalBad;
  const v = final.views;
  out.push([
    'final check',
    '',
    '',
    '',
    v.missing + final.mongo.missing,
    v.stale + final.mongo.stale,
    v.duplicate + final.mongo.duplicate,
    v.wrong,
    v.aliasMismatches,
    `${final.dlq.missing}/${final.dlq.duplicate}/${final.dlq.unexpected}`,
  ]);
  const minutes = ((Date.now() - harness.startedAt) / 60_000).toFixed(1);
  const exits = [...pipeline.processes.values()]
    .filter((p) => p.unplannedExits.length > 0)
    .map((p) => `${p.spec.name} ×${p.unplannedExits.length}`);
  const report = [
    '',
    `chaos run: seed ${options.seed}, ${options.minutes} min of faults (${minutes} min in all), ` +
      `${pipeline.population.persons.length} TIS persons / ${final.expectedDoctors} doctors, ` +
      `${load.stats.edits} CDC edits at ${options.rate}/s, ${load.stats.gmcSyncs.ok} GMC syncs, ` +
      `${final.poisonRecords} poison records; load average at the faults ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
    '',
    table(
      [
        'fault',
        'injections',
        'recovery p50',
        'recovery max',
        'missing',
        'stale',
        'duplicate',
        'wrong',
        'alias',
        'dlq missing/dup/unexpected',
      ],
      out,
    ),
    '',
    `Processes that exited by themselves (restarted by the suite): ${exits.length > 0 ? exits.join(', ') : 'none'}`,
    `Sends the load retried (broker away): ${load.stats.failedSends}`,
    ...skipped,
    ...(finalBad > 0 || failed > 0
      ? [
          '',
          'Problems:',
          ...[...rows.values()]
            .flatMap((r) => [...r.counts.examples, ...r.dlq.examples])
            .slice(0, 20),
          ...[...final.views.examples, ...final.mongo.examples, ...final.dlq.examples].slice(0, 20),
        ]
      : []),
    '',
    failed === 0 ? 'chaos: PASS (every count 0)' : `chaos: FAIL (${failed} problems)`,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  await tearDown(harness, options);
  return failed === 0 ? 0 : 1;
}

runMain('chaos', main);
