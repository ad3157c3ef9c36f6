// The `reval evaluate` contract (issue 3), driven in-process through commander with injected
// streams, clock and environment: no build, no child process, same code path as the binary.
import { PassThrough, Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import { ConfigError, type Env } from '../../platform/config';
import { CONNECTION_STATUSES, DISCONNECTION_REASONS, type DoctorInputs } from '../../rules/types';
import { doctor, membership, withMemberships } from '../../rules/test-builders';
import { UserError } from '../errors';
import { buildProgram } from '../main';
import { EX_DATAERR, EX_USAGE, register, runEvaluate } from './evaluate';

interface Run {
  stdout: string;
  stderr: string;
  records: Record<string, unknown>[];
  error: unknown;
}

async function evaluate(
  args: string[],
  input: string,
  { env = {}, now = '2026-07-01T12:00:00Z' }: { env?: Env; now?: string } = {},
): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const program = new Command('reval').exitOverride();
  register(program, () => ({
    stdin: Readable.from([input]),
    stdout,
    stderr,
    env,
    clock: () => new Date(now),
  }));
  let error: unknown;
  try {
    await program.parseAsync(['evaluate', ...args], { from: 'user' });
  } catch (caught) {
    error = caught;
  }
  const text = out.join('');
  return {
    stdout: text,
    stderr: err.join(''),
    records: text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    error,
  };
}

const ndjson = (...doctors: unknown[]): string =>
  doctors.map((d) => JSON.stringify(d)).join('\n') + '\n';
const endingOn30June: DoctorInputs = withMemberships([membership({ endDate: '2026-06-30' })]);

describe('reval evaluate', () => {
  test('writes one result per doctor, in input order, with every contract field', async () => {
    const run = await evaluate(
      ['--today', '2026-07-01'],
      ndjson(doctor(), { gmcReferenceNumber: '7000002' }),
    );
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.records).toHaveLength(2);
    expect(run.records[0]).toMatchObject({
      gmcReferenceNumber: '7000001',
      connectionStatus: 'CONNECTED',
      connectionReason: null,
      designatedBody: '1-1RSG4X0',
      tcsDesignatedBody: '1-1RSG4X0',
      exceptionReasons: [],
      discrepancy: null,
      nextReevaluationDate: '2027-08-06',
      selectedProgrammeMembershipUuid: 'pm-1',
    });
    expect(run.records[1]).toMatchObject({
      gmcReferenceNumber: '7000002',
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'NOT_IN_TIS',
      designatedBody: null,
      tcsDesignatedBody: null,
      exceptionReasons: [],
      discrepancy: null,
      nextReevaluationDate: null,
      selectedProgrammeMembershipUuid: null,
    });
    for (const record of run.records) {
      expect(CONNECTION_STATUSES).toContain(record.connectionStatus);
      if (record.connectionReason !== null)
        expect(DISCONNECTION_REASONS).toContain(record.connectionReason);
      expect(record).not.toHaveProperty('explanation');
    }
  });

  test('--today fixes the date', async () => {
    const on30 = await evaluate(['--today', '2026-06-30'], ndjson(endingOn30June));
    const on1 = await evaluate(['--today', '2026-07-01'], ndjson(endingOn30June));
    expect(on30.records[0]).toMatchObject({ connectionStatus: 'CONNECTED' });
    expect(on1.records[0]).toMatchObject({
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'PROGRAMME_ENDED',
    });
  });

  test.each<[string, Env, string | null, string]>([
    ['2026-06-30T23:30:00Z', {}, 'PROGRAMME_ENDED', '1 July in London (BST)'],
    ['2026-06-30T22:59:59Z', {}, null, 'still 30 June in London'],
    ['2026-07-01T00:30:00+01:00', {}, 'PROGRAMME_ENDED', 'an offset instead of Z'],
    ['2026-06-30T23:30:00Z', { REVAL_TIMEZONE: 'UTC' }, null, 'still 30 June in UTC'],
  ])('--now %s in %j: reason %s (%s)', async (now, env, reason) => {
    const run = await evaluate(['--now', now], ndjson(endingOn30June), { env });
    expect(run.error).toBeUndefined();
    expect(run.records[0]).toMatchObject({ connectionReason: reason });
  });

  test('without --today or --now, today is the current date in REVAL_TIMEZONE', async () => {
    const now = '2026-06-30T23:30:00Z';
    const london = await evaluate([], ndjson(endingOn30June), { now });
    const utc = await evaluate([], ndjson(endingOn30June), { now, env: { REVAL_TIMEZONE: 'UTC' } });
    expect(london.records[0]).toMatchObject({ connectionReason: 'PROGRAMME_ENDED' });
    expect(utc.records[0]).toMatchObject({ connectionStatus: 'CONNECTED' });
  });

  test('--explain adds a sentence saying which rule decided each field', async () => {
    const run = await evaluate(['--today', '2026-07-01', '--explain'], ndjson(endingOn30June));
    expect(run.records[0].explanation).toEqual(
      expect.stringMatching(/^On 2026-07-01: selected programme membership pm-1/),
    );
    expect(run.records[0].explanation).toContain('connectionReason PROGRAMME_ENDED');
    expect(run.records[0].explanation).toContain(
      'PROGRAMME_ENDED_WHILE_CONNECTED (connected in GMC to 1-1RSG4X0',
    );
  });

  test('bad lines are reported with their numbers; the others are still evaluated; exit 65', async () => {
    const input = [
      JSON.stringify(doctor({ gmcReferenceNumber: '7000001' })),
      '{"gmcReferenceNumber": "7000002",',
      '',
      JSON.stringify({ gmc: null }),
      JSON.stringify({ gmcReferenceNumber: 'N/A' }),
      JSON.stringify(
        withMemberships([membership({ endDate: '2027-02-29' })], { gmcReferenceNumber: '7000006' }),
      ),
      JSON.stringify(doctor({ gmcReferenceNumber: '7000007' })),
    ].join('\n');
    const run = await evaluate(['--today', '2026-07-01'], input);
    expect(run.records.map((r) => r.gmcReferenceNumber)).toEqual(['7000001', '7000007']);
    expect(run.stderr.split('\n')).toEqual([
      expect.stringMatching(/^reval evaluate: line 2: invalid JSON: /),
      'reval evaluate: line 4: gmcReferenceNumber: is required',
      'reval evaluate: line 5: gmcReferenceNumber: "N/A" is not a valid GMC number (placeholder)',
      'reval evaluate: line 6: tis.programmeMemberships[0].endDate: "2027-02-29" is not a real calendar date (YYYY-MM-DD)',
      '',
    ]);
    expect(run.error).toBeInstanceOf(UserError);
    expect(run.error).toMatchObject({
      exitCode: EX_DATAERR,
      message: 'evaluate: 4 of 6 lines could not be evaluated (see above)',
    });
  });

  test('Windows line endings, blank lines and no trailing newline are fine', async () => {
    const input = `${JSON.stringify(doctor())}\r\n\r\n   \r\n${JSON.stringify(doctor({ gmcReferenceNumber: '7000002' }))}`;
    const run = await evaluate(['--today', '2026-07-01'], input);
    expect(run.error).toBeUndefined();
    expect(run.records.map((r) => r.gmcReferenceNumber)).toEqual(['7000001', '7000002']);
  });

  test('empty input: no output, success', async () => {
    const run = await evaluate(['--today', '2026-07-01'], '');
    expect(run).toEqual({ stdout: '', stderr: '', records: [], error: undefined });
  });

  test('a large input streams through', async () => {
    const doctors = Array.from({ length: 3000 }, (_, i) =>
      doctor({ gmcReferenceNumber: String(7_000_000 + i) }),
    );
    const run = await evaluate(['--today', '2026-07-01'], ndjson(...doctors));
    expect(run.error).toBeUndefined();
    expect(run.records).toHaveLength(3000);
    expect(run.records[2999]).toMatchObject({
      gmcReferenceNumber: '7002999',
      connectionStatus: 'CONNECTED',
    });
  });

  test.each([
    [['--today', '2026-07-01', '--now', '2026-07-01T00:00:00Z'], /give --today or --now, not both/],
    [['--today', '2026-02-29'], /--today "2026-02-29" is not a real calendar date/],
    [['--today', '01/07/2026'], /--today "01\/07\/2026" is not a real calendar date/],
    [
      ['--now', '2026-07-01T00:00:00'],
      /--now "2026-07-01T00:00:00" is not an ISO-8601 instant with an offset/,
    ],
    [['--now', 'now'], /--now "now" is not an ISO-8601 instant/],
  ])('%j is a usage error (exit 64)', async (args, message) => {
    const run = await evaluate(args, ndjson(doctor()));
    expect(run.error).toBeInstanceOf(UserError);
    expect(run.error).toMatchObject({
      exitCode: EX_USAGE,
      message: expect.stringMatching(message),
    });
    expect(run.stdout).toBe('');
  });

  test('a bad REVAL_TIMEZONE or designated body file is a configuration error', async () => {
    const zone = await evaluate(['--now', '2026-07-01T00:00:00Z'], ndjson(doctor()), {
      env: { REVAL_TIMEZONE: 'Europe/Londres' },
    });
    expect(zone.error).toBeInstanceOf(ConfigError);
    expect(zone.error).toMatchObject({
      message: expect.stringMatching(/^REVAL_TIMEZONE="Europe\/Londres" is invalid/),
    });
    const table = await evaluate(['--today', '2026-07-01'], ndjson(doctor()), {
      env: { REVAL_DESIGNATED_BODIES_FILE: '/nonexistent/designated-bodies.json' },
    });
    expect(table.error).toBeInstanceOf(ConfigError);
    expect(table.error).toMatchObject({
      message: expect.stringMatching(/^REVAL_DESIGNATED_BODIES_FILE=/),
    });
  });

  test('a reader that goes away (EPIPE) ends the run quietly', async () => {
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const summary = await runEvaluate(
      { today: '2026-07-01' },
      {
        stdin: Readable.from([ndjson(doctor(), doctor(), doctor())]),
        stdout,
        stderr: new PassThrough(),
        env: {},
        clock: () => new Date(),
      },
    );
    expect(summary.doctors).toBeGreaterThanOrEqual(1);
    expect(summary.badLines).toBe(0);
  });

  test('is a subcommand of reval, with its options in --help', () => {
    const command = buildProgram().commands.find((c) => c.name() === 'evaluate');
    expect(command).toBeDefined();
    const help = command?.helpInformation() ?? '';
    for (const option of ['--today <date>', '--now <instant>', '--explain'])
      expect(help).toContain(option);
  });
});
