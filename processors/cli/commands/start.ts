// `reval start` (npm start): every processor in one process until SIGTERM/SIGINT. With no
// service configured it is the demo, which lives in dev/demo/ and is reached through the one
// seam processors/cli/dev-tools.ts: the local stack, a fake GMC and real CDC first, then the
// processors, then a seeded population, one GMC sync and a summary.
import type { Command } from 'commander';
import { metricsPort, type Env } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { startMetricsServer } from '../../platform/metrics';
import { ENDPOINT_VARIABLES } from '../../../stack';
import { loadDevTools, type DemoOptions } from '../dev-tools';
import { startAll } from '../run-registry';
import { untilSignal } from '../signals';

const say = (line: string) => process.stderr.write(`[start] ${line}\n`);

/** Whether every service endpoint is configured; when not, `reval start` is the demo. */
export function isConfigured(env: Env): boolean {
  return Object.values(ENDPOINT_VARIABLES).every((name) => env[name]?.trim());
}

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'Run every processor (gmc-fetch, doctors-sync, connections, es-sink) in one process until\n' +
        'SIGTERM/SIGINT. When KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ELASTICSEARCH_URL and MONGODB_URI\n' +
        'are not set, it is the demo: it starts the local stack with its CDC services (MariaDB,\n' +
        'Kafka Connect, Debezium) and a fake GMC, writes a population of doctors as SQL that\n' +
        'Debezium streams to the TCS topics, runs one GMC sync, waits until Elasticsearch shows it,\n' +
        'prints a summary, then ends one programme and deletes one membership and shows the two\n' +
        'doctors move. When the CDC services cannot start it says why and publishes synthetic\n' +
        'Debezium events instead. This is what `npm start` runs.',
    )
    .option('--doctors-per-body <n>', 'demo population size per designated body (14 bodies)', '25')
    .option('--exit-when-ready', 'stop once the summary is printed (for scripts and CI)')
    .option(
      '--verbose',
      'demo: processor logs on the terminal too (they go to a file otherwise, unless LOG_LEVEL is set)',
    )
    .option(
      '--synthetic',
      'demo: publish synthetic Debezium events instead of real CDC (also REVAL_DEMO_CDC=0)',
    )
    .action(async (options: DemoOptions & { exitWhenReady?: boolean }) => {
      const env = process.env;
      const signal = untilSignal();
      // Before the logger: the demo sends the processors' logs to a file.
      const demo = isConfigured(env)
        ? undefined
        : await (await loadDevTools()).startDemo(env, options);
      const logger = createLogger('start');
      const running = await startAll();
      const metricsServer = await startMetricsServer(
        metricsPort(env),
        () => running.isReady?.() ?? true,
        { routes: running.routes },
      ).catch((error: unknown) => {
        logger.warn({ err: error }, 'metrics server not started (is METRICS_PORT taken?)');
        return undefined;
      });
      say(`processors running; metrics on http://127.0.0.1:${metricsPort(env)}/metrics`);
      await demo?.show();

      if (!options.exitWhenReady) {
        say(
          'running; Ctrl-C stops the processors (the local stack stays up: `npx reval stack down`)',
        );
        await signal;
      }
      await running.stop();
      await demo?.stop();
      metricsServer?.close();
      process.exit(0);
    });
}
