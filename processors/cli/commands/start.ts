// `reval start` (npm start): every processor in one process. With no service configured it
// is the demo: local stack, fake GMC, seeded population, one GMC sync, and a summary.
import type { Command } from 'commander';
import { metricsPort } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { startMetricsServer } from '../../platform/metrics';
import { openGmcSync, runOptionsFromConfig } from '../../gmc-fetch/service';
import { runGmcSync } from '../../gmc-fetch/sync';
import {
  isConfigured,
  readViews,
  seedDemoPopulation,
  startDemoGmc,
  startDemoStack,
  type ViewCounts,
} from '../demo';
import { startAll } from '../run-registry';
import { untilSignal } from '../signals';

const say = (line: string) => process.stderr.write(`[start] ${line}\n`);

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'Run every processor (gmc-fetch, doctors-sync, connections, es-sink) in one process until\n' +
        'SIGTERM/SIGINT. When KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ELASTICSEARCH_URL and MONGODB_URI\n' +
        'are not set, it is the demo: it starts the local stack and a fake GMC, seeds a population\n' +
        'of doctors as Debezium events, runs one GMC sync, waits until Elasticsearch shows it, and\n' +
        'prints a summary. This is what `npm start` runs.',
    )
    .option('--doctors-per-body <n>', 'demo population size per designated body (14 bodies)', '25')
    .option('--exit-when-ready', 'stop once the summary is printed (for scripts and CI)')
    .action(async (options: { doctorsPerBody: string; exitWhenReady?: boolean }) => {
      const env = process.env;
      const logger = createLogger('start');
      const doctorsPerBody = Number(options.doctorsPerBody);
      if (!Number.isInteger(doctorsPerBody) || doctorsPerBody < 1 || doctorsPerBody > 8000) {
        throw new Error(
          `--doctors-per-body must be a whole number from 1 to 8000, not ${options.doctorsPerBody}`,
        );
      }
      const demo = !isConfigured(env);
      const signal = untilSignal();
      const started = Date.now();
      const gmc = demo
        ? (await startDemoStack(env), await startDemoGmc(env, doctorsPerBody))
        : undefined;
      const running = await startAll();
      const metricsServer = await startMetricsServer(
        metricsPort(env),
        () => running.isReady?.() ?? true,
      ).catch((error: unknown) => {
        logger.warn({ err: error }, 'metrics server not started (is METRICS_PORT taken?)');
        return undefined;
      });
      say(`processors running; metrics on http://127.0.0.1:${metricsPort(env)}/metrics`);

      if (demo && gmc) {
        const tisDoctors = await seedDemoPopulation(env, doctorsPerBody);
        const gmcDoctors = gmc.lists
          .bodies()
          .flatMap((body) => gmc.lists.list(body).map((d) => d.GMCReferenceNumber));
        const everyone = new Set([...tisDoctors, ...gmcDoctors]);
        say('running a GMC sync against the fake GMC');
        const sync = openGmcSync(env);
        try {
          const result = await runGmcSync(sync.deps, runOptionsFromConfig(sync.config));
          say(`GMC sync ${result.report.status}: ${result.changes.length} doctors changed`);
        } finally {
          await sync.close();
        }
        say(`waiting until Elasticsearch shows all ${everyone.size} doctors`);
        const views = await waitForViews(env, everyone.size, 180_000);
        printSummary(views, env, gmc.url, (Date.now() - started) / 1000);
      }

      if (!options.exitWhenReady) {
        say(
          'running; Ctrl-C stops the processors (the local stack stays up: `npx reval stack down`)',
        );
        await signal;
      }
      await running.stop();
      await gmc?.stop();
      metricsServer?.close();
      process.exit(0);
    });
}

async function waitForViews(
  env: NodeJS.ProcessEnv,
  doctors: number,
  timeoutMs: number,
): Promise<ViewCounts> {
  const deadline = Date.now() + timeoutMs;
  const master = `${env.ES_INDEX_PREFIX ?? ''}masterdoctorindex`;
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
  env: NodeJS.ProcessEnv,
  gmcUrl: string,
  seconds: number,
): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`reval-stream demo: the whole flow in ${seconds.toFixed(0)} s`);
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
  out(`  Elasticsearch   ${env.ELASTICSEARCH_URL}/connectedindex/_search?pretty`);
  out(`  metrics         http://127.0.0.1:${metricsPort(env)}/metrics  (/healthz, /readyz)`);
  out(`  fake GMC        ${gmcUrl}`);
  out('  explain a rule  npx reval evaluate --help');
  out('  rebuild views   npx reval rebuild');
  out();
}
