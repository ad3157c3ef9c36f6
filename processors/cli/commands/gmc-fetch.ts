import { Option, type Command } from 'commander';
import { gmcConfig } from '../../platform/config';
import type { DesignatedBodyFetch } from '../../platform/gmc-soap';
import { fetchAllDesignatedBodies } from '../../gmc-fetch/fetch-all';
import { fetchProgressBar } from '../../gmc-fetch/progress-bar';
import { formatTable } from '../../gmc-fetch/report';
import { gmcClientFromConfig } from '../../gmc-fetch/runtime';
import { UserError } from '../errors';

/** Exit code when at least one designated body could not be fetched. */
export const EXIT_BODY_FAILED = 2;

function doctorLines(fetch: DesignatedBodyFetch): string {
  return fetch.doctors
    .map((d) =>
      JSON.stringify({
        type: 'doctor',
        gmcReferenceNumber: d.gmcReferenceNumber,
        doctorFirstName: d.doctorFirstName,
        doctorLastName: d.doctorLastName,
        submissionDate: d.submissionDate,
        dateAdded: d.dateAdded,
        underNotice: d.underNotice,
        sanction: d.sanction,
        doctorStatus: d.doctorStatus,
        designatedBody: fetch.designatedBody,
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function reportRow(f: DesignatedBodyFetch) {
  return {
    designatedBody: f.designatedBody,
    status: f.status,
    returnCode: f.returnCode,
    doctorCount: f.doctors.length,
    durationMs: f.durationMs,
    error: f.error,
  };
}

export function register(program: Command): void {
  program
    .command('gmc-fetch')
    .description(
      'Ask GMC (GetDoctorsForDB) for the doctors of each designated body and print them.\n' +
        'Fetch only: nothing is compared or published. Exit code 0 only when every body\n' +
        `succeeded, ${EXIT_BODY_FAILED} when any failed. Needs GMC_URL, GMC_USERNAME, GMC_PASSWORD.`,
    )
    .option('--designated-bodies <codes>', 'comma-separated codes (default: GMC_DESIGNATED_BODIES)')
    .addOption(
      new Option(
        '--output <format>',
        'ndjson: a line per doctor, then a report line; table: a summary',
      )
        .choices(['ndjson', 'table'])
        .default('table'),
    )
    .action(async (options: { designatedBodies?: string; output: 'ndjson' | 'table' }) => {
      const config = gmcConfig({
        ...process.env,
        GMC_DESIGNATED_BODIES: options.designatedBodies ?? process.env.GMC_DESIGNATED_BODIES,
      });
      const bodies = [...new Set(config.designatedBodies)];
      const progress = fetchProgressBar(bodies.length);
      const fetches = await fetchAllDesignatedBodies(gmcClientFromConfig(config), bodies, {
        concurrency: config.concurrency,
        // Stream each body's doctors as it arrives rather than holding every list.
        onFetched: (fetch) => {
          progress.fetched(fetch);
          if (options.output === 'ndjson') process.stdout.write(doctorLines(fetch));
        },
      });
      progress.stop();
      const rows = fetches.map(reportRow);
      if (options.output === 'ndjson') {
        process.stdout.write(`${JSON.stringify({ type: 'report', designatedBodies: rows })}\n`);
      } else {
        process.stdout.write(
          `${formatTable(
            ['designated body', 'status', 'code', 'doctors', 'ms', 'error'],
            rows.map((r) => [
              r.designatedBody,
              r.status,
              r.returnCode,
              r.doctorCount,
              r.durationMs,
              r.error,
            ]),
          )}\n`,
        );
      }
      const failed = rows.filter((r) => r.status !== 'OK').map((r) => r.designatedBody);
      if (failed.length > 0) {
        throw new UserError(
          `${failed.length} of ${rows.length} designated bodies failed: ${failed.join(', ')}`,
          EXIT_BODY_FAILED,
        );
      }
    });
}
