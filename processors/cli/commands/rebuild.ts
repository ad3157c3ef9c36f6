// `reval rebuild`: the runbook's one command for a new mapping, a corrupted index or a changed
// alias filter. The work is in processors/es-sink/rebuild.ts; this is options and output.
import type { Command } from 'commander';
import { stderrProgressBar } from '../../es-sink/progress-bar';
import {
  rebuild,
  RebuildConflictError,
  REBUILD_PROCESSOR,
  type RebuildReport,
} from '../../es-sink/rebuild';
import { openRuntime as openEsRuntime } from '../../es-sink/runtime';
import { UserError } from '../errors';

/** The connections processor's one-shot recompute, loaded only for --from-sources. */
async function recomputeFromSources(): Promise<string> {
  const { recomputeConnections } = await import('../../connections/recompute');
  const report = await recomputeConnections();
  process.stderr.write(
    `recomputed ${report.doctors} doctors from ${report.inputRecords} input records: ` +
      `${report.written} changed records written to ${report.topic}` +
      (report.undecodable
        ? ` (${report.undecodable} undecodable input records skipped; see reval.dlq)`
        : '') +
      '\n',
  );
  return report.topic;
}

export function register(program: Command): void {
  program
    .command('rebuild')
    .description(
      'Build a new generation of the Elasticsearch doctor index by replaying\n' +
        'reval.connections from the beginning (and of connectionhistory by replaying\n' +
        'reval.connection-changes), swap every alias to them in one\n' +
        'atomic call, then delete the previous indices. Readers see the previous index\n' +
        'until the swap; the live sink keeps running and no update it writes is lost.\n' +
        'Progress goes to stderr, the report to stdout.',
    )
    .option('--keep-old', 'keep the previous index after the swap (to swap back by hand)')
    .option(
      '--from-sources',
      'first recompute reval.connections from the CDC and GMC topics (fresh state)',
    )
    .action(async (options: { keepOld?: boolean; fromSources?: boolean }) => {
      const runtime = await openEsRuntime({ processor: REBUILD_PROCESSOR });
      try {
        const report = await rebuild(
          { keepOld: options.keepOld === true, fromSources: options.fromSources === true },
          {
            ...runtime,
            recomputeConnections: recomputeFromSources,
            progress: stderrProgressBar(),
          },
        );
        process.stdout.write(describe(report));
      } catch (error) {
        if (error instanceof RebuildConflictError) throw new UserError(error.message);
        throw error;
      } finally {
        await runtime.close();
      }
    });
}

function describe(report: RebuildReport): string {
  const rate = report.seconds > 0 ? Math.round(report.records / report.seconds) : report.records;
  const kept = report.previousIndexDeleted ? 'deleted' : 'kept (--keep-old)';
  return [
    `rebuilt ${listed(report.generations.map((g) => g.index))} from ${report.topic}: ${report.records} records in ${report.seconds.toFixed(1)} s (${rate} records/s)`,
    `  indexed ${report.indexed}, deleted ${report.deleted}, superseded ${report.superseded}, dead-lettered ${report.deadLettered}`,
    ...(report.history
      ? [
          `  history: indexed ${report.history.indexed} changes, ${report.history.superseded} already there`,
        ]
      : []),
    `  seconds per phase: ${Object.entries(report.phases)
      .map(([phase, seconds]) => `${phase} ${seconds.toFixed(2)}`)
      .join(', ')}`,
    ...report.generations.map(
      (g) =>
        `  ${g.views}: aliases now point at ${g.index}; previous index ${g.previousIndex} ${kept}`,
    ),
    '',
  ].join('\n');
}

/** "a", "a and b", "a, b and c". */
function listed(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
