// `reval evaluate`: runs the connection rules on doctors given as NDJSON, so administrators
// can check and explain a verdict on their own data, and other checks can rely on the rules
// through one stable contract (issue 3).
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { timeZone, type Env } from '../../platform/config';
import { loadDesignatedBodies } from '../../platform/designated-bodies';
import { instantNanos, isLocalDate, todayIn, type LocalDate } from '../../rules/dates';
import { evaluateDoctor } from '../../rules/derive';
import { parseDoctorLine } from '../../rules/evaluate-input';
import { explainEvaluation } from '../../rules/explain';
import { UserError } from '../errors';

/** Exit codes from sysexits.h, so scripts can tell bad usage from bad data. */
export const EX_USAGE = 64;
export const EX_DATAERR = 65;

/** Where the command reads and writes; tests substitute streams, a clock and an environment. */
export interface EvaluateIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Env;
  clock: () => Date;
}

export interface EvaluateOptions {
  today?: string;
  now?: string;
  explain?: boolean;
}

export interface EvaluateSummary {
  today: LocalDate;
  doctors: number;
  badLines: number;
}

const processIO = (): EvaluateIO => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  clock: () => new Date(),
});

/** Today per docs/rules.md §4.1: the calendar date in REVAL_TIMEZONE, unless fixed. */
export function resolveToday(
  options: EvaluateOptions,
  io: Pick<EvaluateIO, 'env' | 'clock'>,
): LocalDate {
  if (options.today !== undefined && options.now !== undefined) {
    throw new UserError('evaluate: give --today or --now, not both', EX_USAGE);
  }
  if (options.today !== undefined) {
    if (!isLocalDate(options.today)) {
      throw new UserError(
        `evaluate: --today ${JSON.stringify(options.today)} is not a real calendar date (YYYY-MM-DD)`,
        EX_USAGE,
      );
    }
    return options.today;
  }
  let instant = io.clock();
  if (options.now !== undefined) {
    const nanos = instantNanos(options.now);
    if (nanos === null) {
      throw new UserError(
        `evaluate: --now ${JSON.stringify(options.now)} is not an ISO-8601 instant with an offset, e.g. 2026-06-30T23:30:00Z`,
        EX_USAGE,
      );
    }
    instant = new Date(Number(nanos / 1_000_000n));
  }
  return todayIn(instant, timeZone(io.env));
}

/** Evaluates every line of input; bad lines are reported on stderr and counted, not fatal. */
export async function runEvaluate(
  options: EvaluateOptions,
  io: EvaluateIO,
): Promise<EvaluateSummary> {
  const today = resolveToday(options, io);
  const designatedBodies = loadDesignatedBodies(io.env);
  const summary: EvaluateSummary = { today, doctors: 0, badLines: 0 };

  // A reader that went away (`reval evaluate | head`) is not an error: stop quietly. Any
  // other output error is raised once reading has stopped.
  let stopped = false;
  let outputError: Error | undefined;
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    stopped = true;
    if (error.code !== 'EPIPE') outputError = error;
  };
  const write = async (text: string): Promise<void> => {
    if (!io.stdout.write(text)) await once(io.stdout, 'drain').catch(() => undefined);
  };
  io.stdout.on('error', onOutputError);
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  try {
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber += 1;
      if (stopped) break;
      // Blank lines (a trailing newline, spacing in a hand-written file) carry no doctor.
      if (line.trim() === '') continue;
      const parsed = parseDoctorLine(line);
      if (!parsed.ok) {
        summary.badLines += 1;
        io.stderr.write(`reval evaluate: line ${lineNumber}: ${parsed.error}\n`);
        continue;
      }
      const evaluation = evaluateDoctor(parsed.value, today, designatedBodies);
      const output = options.explain
        ? { ...evaluation.record, explanation: explainEvaluation(evaluation) }
        : evaluation.record;
      summary.doctors += 1;
      await write(`${JSON.stringify(output)}\n`);
    }
  } finally {
    lines.close();
    io.stdout.off('error', onOutputError);
  }
  if (outputError !== undefined) throw outputError;
  return summary;
}

const INPUT_HELP = `
Input: one JSON object per line (blank lines are skipped), e.g.
  {"gmcReferenceNumber": "7000001",
   "gmc": {"designatedBody": "1-1RSG4X0", "existsInGmc": true, "lastUpdated": "2026-06-30T02:00:00Z",
           "firstName": "Ada", "lastName": "Lovelace", "submissionDate": "2027-03-01", "underNotice": "NO"},
   "tis": {"personId": 1, "role": "DR in Training", "firstName": "Ada", "lastName": "Lovelace",
           "programmeMemberships": [{"uuid": "pm-1", "type": "SUBSTANTIVE", "startDate": "2025-08-06",
             "endDate": "2027-08-05", "programmeName": "General Practice", "owner": "Yorkshire and the Humber",
             "curriculumMemberships": [{"id": 1, "curriculumStartDate": "2025-08-06", "curriculumEndDate": "2027-08-05"}]}],
           "placements": [{"gradeId": 279, "dateFrom": "2025-08-06", "dateTo": "2026-08-04"}]},
   "exceptionLog": null,
   "revalidation": {"tisStatus": "SUBMITTED_TO_GMC", "lastUpdatedDate": "2026-06-30",
           "connectionLogs": [{"id": "c-1", "updatedBy": "admin@example.nhs.uk",
             "requestTime": "2026-06-30T10:15:00Z", "responseCode": "0"}],
           "recommendations": [{"id": "r-1", "outcome": "Under Review", "actualSubmissionDate": "2026-06-01",
             "gmcSubmissionDate": "2026-09-01"}],
           "hiddenDiscrepancies": []}}
(written on one line). Keys whose value may be null may be left out; unknown keys are errors.

Output: one JSON object per doctor with connectionStatus, connectionReason, designatedBody (GMC),
tcsDesignatedBody (TIS), exceptionReasons, discrepancy, nextReevaluationDate,
selectedProgrammeMembershipUuid and the display fields.

A bad line is reported on stderr with its line number; the other lines are still evaluated and
the exit code is ${EX_DATAERR}. Bad options exit with ${EX_USAGE}.
Environment: REVAL_TIMEZONE (default Europe/London), REVAL_DESIGNATED_BODIES_FILE.
`;

export function register(program: Command, io: () => EvaluateIO = processIO): void {
  program
    .command('evaluate')
    .description(
      'Apply the connection rules to doctors read as NDJSON on stdin; write one result per line',
    )
    .option('--today <date>', 'evaluate as of this date (YYYY-MM-DD)')
    .option(
      '--now <instant>',
      'evaluate as of the date of this ISO-8601 instant in REVAL_TIMEZONE, e.g. 2026-06-30T23:30:00Z',
    )
    .option('--explain', 'add an "explanation" saying which rule decided each field')
    .addHelpText('after', INPUT_HELP)
    .action(async (options: EvaluateOptions) => {
      const { doctors, badLines } = await runEvaluate(options, io());
      if (badLines > 0) {
        throw new UserError(
          `evaluate: ${badLines} of ${doctors + badLines} lines could not be evaluated (see above)`,
          EX_DATAERR,
        );
      }
    });
}
