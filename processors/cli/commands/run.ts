import type { Command } from 'commander';
import { metricsPort } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { startMetricsServer } from '../../platform/metrics';
import { UserError } from '../errors';
import { processorEntry, PROCESSORS, startAll, type RunningProcessor } from '../run-registry';
import { untilSignal } from '../signals';

export function register(program: Command): void {
  const names = [...Object.keys(PROCESSORS), 'all'];
  program
    .command('run')
    .argument('<processor>', `which processor: ${names.join(', ')}`)
    .description(
      'Run one long-lived processor until SIGTERM or SIGINT, then stop gracefully: finish the\n' +
        'batch in hand, commit its offsets, close connections, exit 0. Serves /metrics,\n' +
        '/healthz and /readyz on METRICS_PORT (default 9464).\n\n' +
        names
          .map(
            (name) =>
              `  ${name.padEnd(14)} ${processorEntry(name)?.description ?? 'every processor above, in one process'}`,
          )
          .join('\n'),
    )
    .action(async (name: string) => {
      const entry = name === 'all' ? { start: () => startAll() } : processorEntry(name);
      if (!entry) {
        throw new UserError(
          `unknown processor "${name}"; expected one of: ${names.join(', ')}`,
          64,
        );
      }
      const logger = createLogger('run');
      const signal = untilSignal();
      const running: RunningProcessor = await entry.start();
      const metrics = await startMetricsServer(metricsPort(), () => running.isReady?.() ?? true, {
        routes: running.routes,
      }).catch((error: unknown) => {
        logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'metrics server not started',
        );
        return undefined;
      });
      logger.info({ processor: name }, 'processor running; SIGTERM or SIGINT stops it');
      const received = await signal;
      logger.info({ processor: name, signal: received }, 'stopping');
      await running.stop();
      await new Promise<void>((resolve) => (metrics ? metrics.close(() => resolve()) : resolve()));
      logger.info({ processor: name }, 'stopped');
      process.exit(0);
    });
}
