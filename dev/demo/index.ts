// dev/demo/: the demo `npm start` shows a newcomer when no service is configured. Before the
// processors start: the local stack (stack/), the fake GMC (dev/fake-gmc/) and, when it can,
// real CDC (MariaDB, Kafka Connect, Debezium: cdc.ts). Once they run: the population of
// dev/population/ written as SQL that Debezium streams to the TCS topics (or, as a fallback,
// published as synthetic Debezium events: steps.ts), one GMC sync, a wait until Elasticsearch
// shows every doctor, a summary, and one SQL change that moves two doctors in the views.
// Development tooling: `reval start` reaches it only through processors/cli/dev-tools.ts.
import { join } from 'node:path';
import type { Env } from '../../processors/platform/config';
import { metricsPort } from '../../processors/platform/config';
import { openRuntime as openGmcSync } from '../../processors/gmc-fetch/runtime';
import { runGmcSync, runOptionsFromConfig } from '../../processors/gmc-fetch/sync';
import { todayIn } from '../../processors/rules/dates';
import { viewNamesOfEnv } from '../../processors/es-sink/view-sets';
import type { Demo, DemoOptions } from '../../processors/cli/dev-tools';
import { waitUntilViewsCaughtUp } from '../../processors/cli/views-caught-up';
import { stackSettings } from '../../stack/settings';
import {
  demoDoctors,
  demoPopulation,
  readDoctors,
  readViews,
  seedDemoPopulation,
  startDemoGmc,
  startDemoStack,
  type ViewCounts,
} from './steps';
import {
  openTcs,
  planVisibleChange,
  startDemoCdc,
  writePopulationSql,
  type CdcAvailability,
  type DoctorMove,
  type VisibleChange,
} from './cdc';

const say = (line: string) => process.stderr.write(`[start] ${line}\n`);

/**
 * Starts what the processors will talk to and puts its endpoints in `env`: the stack, the
 * fake GMC and, unless --synthetic, the CDC services. The processors' logs go to a file.
 */
export async function startDemo(env: Env, options: DemoOptions): Promise<Demo> {
  // The demo tells a story on the terminal; the processors' JSON logs would bury it.
  if (!options.verbose && !env.LOG_LEVEL && !env.LOG_FILE) {
    env.LOG_FILE = join(stackSettings(env).runDir, 'logs', 'reval-start.log');
    say(`processor logs: ${env.LOG_FILE} (--verbose or LOG_LEVEL shows them here)`);
  }
  const doctorsPerBody = Number(options.doctorsPerBody);
  if (!Number.isInteger(doctorsPerBody) || doctorsPerBody < 1 || doctorsPerBody > 8000) {
    throw new Error(
      `--doctors-per-body must be a whole number from 1 to 8000, not ${options.doctorsPerBody}`,
    );
  }
  const started = Date.now();
  await startDemoStack(env);
  const gmc = await startDemoGmc(env, doctorsPerBody);
  const cdc: CdcAvailability = options.synthetic
    ? { ok: false, reason: '--synthetic asks for synthetic events' }
    : await startDemoCdc(env, (service, message) => say(`  [${service}] ${message}`));

  async function show(): Promise<void> {
    const population = demoPopulation(env, doctorsPerBody);
    const tcs = cdc.ok ? await openTcs(cdc.databaseUrl) : undefined;
    try {
      if (tcs) {
        say('TIS source: real CDC, SQL into MariaDB `tcs` → Debezium → tcs.tcs.* topics');
        const written = await writePopulationSql(tcs, population);
        say(
          `wrote ${population.persons.length} TIS persons as ${written.rows} rows` +
            `${written.removed ? ` (deleted ${written.removed} rows of an earlier demo)` : ''}`,
        );
      } else {
        say(`TIS source: synthetic Debezium events, not real CDC: ${cdc.ok ? '' : cdc.reason}`);
        await seedDemoPopulation(env, population);
      }
      const everyone = demoDoctors(population, gmc);
      say('running a GMC sync against the fake GMC');
      const sync = await openGmcSync({ env, processor: 'gmc-sync' });
      try {
        const result = await runGmcSync(sync.sync, runOptionsFromConfig(sync.config));
        say(`GMC sync ${result.report.status}: ${result.changes.length} doctors changed`);
      } finally {
        await sync.close();
      }
      say(`waiting until Elasticsearch shows all ${everyone.size} doctors`);
      const change = tcs
        ? planVisibleChange(population, todayIn(new Date(), env.REVAL_TIMEZONE ?? 'Europe/London'))
        : undefined;
      // Every doctor there (the CDC snapshot has arrived), then every record produced so
      // far through to the views (the GMC sync's updates change no count).
      await waitForViews(env, everyone.size, 180_000);
      await waitUntilViewsCaughtUp(env, 180_000);
      const views = await readViews(env);
      // Also the two doctors the change moves: a second demo restores their rows first.
      if (change) await waitForDoctors(env, [change.ended, change.deleted], 'before', 120_000);
      printSummary(views, env, gmc.url, (Date.now() - started) / 1000, cdc);
      if (tcs && change) await showVisibleChange(env, tcs, change);
    } finally {
      await tcs?.end();
    }
  }

  return { show, stop: () => gmc.stop() };
}

/** Polls the views until each doctor shows the status and reason the rules derive. */
async function waitForDoctors(
  env: Env,
  moves: DoctorMove[],
  when: 'before' | 'after',
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await readDoctors(
      env,
      moves.map((m) => m.gmcReferenceNumber),
    );
    const pending = moves.filter((move) => {
      const doc = seen.get(move.gmcReferenceNumber);
      return (
        doc?.connectionStatus !== move[when].connectionStatus ||
        (doc.connectionReason ?? null) !== move[when].connectionReason
      );
    });
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      const [move] = pending;
      const doc = seen.get(move.gmcReferenceNumber);
      throw new Error(
        `doctor ${move.gmcReferenceNumber} shows ${doc?.connectionStatus ?? 'nothing'} ` +
          `(${doc?.connectionReason ?? '-'}), not ${move[when].connectionStatus} ` +
          `(${move[when].connectionReason ?? '-'}), after ${timeoutMs / 1000} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Runs the change in MariaDB and shows the two doctors before and after, as the views say. */
async function showVisibleChange(
  env: Env,
  tcs: Parameters<VisibleChange['run']>[0],
  change: VisibleChange,
): Promise<void> {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const moves = [change.ended, change.deleted];
  const gmcs = moves.map((m) => m.gmcReferenceNumber);
  const before = await readDoctors(env, gmcs);
  out('a change in TIS, made with SQL in MariaDB (one transaction):');
  for (const statement of change.statements) out(`  ${statement};`);
  const began = Date.now();
  await change.run(tcs);
  await waitForDoctors(env, moves, 'after', 120_000);
  const seconds = (Date.now() - began) / 1000;
  const after = await readDoctors(env, gmcs);
  out();
  out(`Debezium → Kafka → connections → Elasticsearch moved them in ${seconds.toFixed(1)} s:`);
  const describe = (
    doc:
      { connectionStatus?: string; connectionReason?: string | null; views: string[] } | undefined,
  ) =>
    `${doc?.connectionStatus ?? '-'} ${doc?.connectionReason ? `(${doc.connectionReason}) ` : ''}in ${doc?.views.join(', ') || 'no filtered view'}`;
  for (const move of moves) {
    out(`  ${move.gmcReferenceNumber} (TIS person ${move.personId}), ${move.what}:`);
    out(`    before  ${describe(before.get(move.gmcReferenceNumber))}`);
    out(`    after   ${describe(after.get(move.gmcReferenceNumber))}`);
  }
  out();
}

async function waitForViews(env: Env, doctors: number, timeoutMs: number): Promise<ViewCounts> {
  const deadline = Date.now() + timeoutMs;
  const master = viewNamesOfEnv(env).views.master;
  for (;;) {
    const views = await readViews(env);
    if ((views.counts[master] ?? 0) >= doctors) return views;
    if (Date.now() > deadline) {
      throw new Error(
        `Elasticsearch shows ${views.counts[master] ?? 0} of ${doctors} doctors after ${timeoutMs / 1000} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

function printSummary(
  views: ViewCounts,
  env: Env,
  gmcUrl: string,
  seconds: number,
  cdc: CdcAvailability,
): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`reval-stream demo: the whole flow in ${seconds.toFixed(0)} s`);
  out(
    cdc.ok
      ? '  TIS: SQL in MariaDB → Debezium (MariaDB connector) → Kafka → processors → Elasticsearch'
      : `  TIS: synthetic Debezium events (real CDC not used: ${cdc.reason})`,
  );
  out('  GMC: the fake GMC, synced once; MongoDB topics: none (FerretDB has no change streams)');
  out();
  out('doctors per view (Elasticsearch alias)');
  for (const [alias, count] of Object.entries(views.counts))
    out(`  ${alias.padEnd(32)} ${String(count).padStart(6)}`);
  out();
  out('a few doctors who need an administrator (discrepancies)');
  out(
    `  ${'GMC no.'.padEnd(9)} ${'TIS status'.padEnd(13)} ${'reason'.padEnd(24)} ${'TIS DB'.padEnd(10)} ${'GMC DB'.padEnd(10)} discrepancy`,
  );
  for (const doc of views.examples) {
    const cell = (field: string, width: number) => String(doc[field] ?? '-').padEnd(width);
    out(
      `  ${cell('gmcReferenceNumber', 9)} ${cell('connectionStatus', 13)} ${cell('connectionReason', 24)} ` +
        `${cell('tcsDesignatedBody', 10)} ${cell('designatedBody', 10)} ${String(doc.discrepancy ?? '-')}`,
    );
  }
  out();
  out('where to look next');
  const { views: own, legacyViews } = viewNamesOfEnv(env);
  out(`  Elasticsearch   ${env.ELASTICSEARCH_URL}/${own.filtered.connected}/_search?pretty`);
  if (legacyViews) {
    const legacy = legacyViews.filtered.current_connections;
    out(`  old readers     ${env.ELASTICSEARCH_URL}/${legacy}/_search?pretty`);
  }
  out(`  metrics         http://127.0.0.1:${metricsPort(env)}/metrics  (/healthz, /readyz)`);
  out(`  fake GMC        ${gmcUrl}`);
  const example = String(views.examples[0]?.gmcReferenceNumber ?? '1000001');
  out(`  why this doctor npx reval explain ${example}   (--history: since when)`);
  out('  explain a rule  npx reval evaluate --help');
  out('  rebuild views   npx reval rebuild');
  out();
}
