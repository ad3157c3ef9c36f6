import type { Command } from 'commander';
import type { DoctorChange } from '../../gmc-fetch/compare';
import { fetchProgressBar } from '../../gmc-fetch/progress-bar';
import { formatRunSummary } from '../../gmc-fetch/report';
import { openRuntime as openGmcSync } from '../../gmc-fetch/runtime';
import {
  runGmcSync,
  runOptionsFromConfig,
  SyncCancelledError,
  SyncFencedError,
} from '../../gmc-fetch/sync';
import { UserError } from '../errors';

export const EXIT_NOT_ALL_APPLIED = 2;
export const EXIT_FENCED = 3;

function changeLine(change: DoctorChange): string {
  const from = change.previousDesignatedBody ?? '-';
  const to = change.state.designatedBody ?? '-';
  return `${change.kind.padEnd(12)} ${change.state.gmcReferenceNumber}  ${from} -> ${to}\n`;
}

export function register(program: Command): void {
  program
    .command('gmc-sync')
    .description(
      'One full GMC sync run by hand (what the nightly schedule does): fetch every designated\n' +
        'body, compare with the current state in gmc.doctors, publish only the changes and the\n' +
        'run report in one Kafka transaction. Exit codes: 0 every body applied; ' +
        `${EXIT_NOT_ALL_APPLIED} a body failed\n` +
        `or was held by the safety valve; ${EXIT_FENCED} another run took over (fenced).\n` +
        'Needs the GMC_* variables, KAFKA_BROKERS and SCHEMA_REGISTRY_URL.',
    )
    .option('--designated-bodies <codes>', 'comma-separated codes (default: GMC_DESIGNATED_BODIES)')
    .option('--dry-run', 'print the changes instead of publishing them (fences no running sync)')
    .option(
      '--force',
      'apply bodies the safety valve would hold (more than GMC_SYNC_MAX_DISCONNECT_RATIO disconnected)',
    )
    .action(async (options: { designatedBodies?: string; dryRun?: boolean; force?: boolean }) => {
      const context = await openGmcSync({
        env: {
          ...process.env,
          GMC_DESIGNATED_BODIES: options.designatedBodies ?? process.env.GMC_DESIGNATED_BODIES,
        },
        processor: 'gmc-sync',
      });
      const cancel = new AbortController();
      const onSignal = () => cancel.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const designatedBodies = [...new Set(context.config.designatedBodies)];
      const progress = fetchProgressBar(designatedBodies.length);
      try {
        const result = await runGmcSync(context.sync, {
          ...runOptionsFromConfig(context.config, cancel.signal),
          designatedBodies,
          force: !!options.force,
          dryRun: !!options.dryRun,
          onFetched: (fetch) => progress.fetched(fetch),
        });
        progress.stop();
        if (options.dryRun) {
          process.stdout.write(result.changes.map(changeLine).join(''));
          process.stdout.write(`dry run: ${result.changes.length} changes, nothing published\n`);
        }
        process.stdout.write(`${formatRunSummary(result.report)}\n`);
        if (result.report.status !== 'SUCCEEDED') {
          throw new UserError(
            `GMC sync run ${result.report.status}: not every designated body was applied`,
            EXIT_NOT_ALL_APPLIED,
          );
        }
      } catch (error) {
        if (error instanceof SyncFencedError) throw new UserError(error.message, EXIT_FENCED);
        if (error instanceof SyncCancelledError) throw new UserError(error.message, 130);
        throw error;
      } finally {
        progress.stop();
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        await context.close();
      }
    });
}
