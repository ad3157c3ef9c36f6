// `reval gmc-fetch` against the fake GMC: the ndjson contract and the exit code.
import { FakeGmc } from '../../../dev/fake-gmc';
import { UserError } from '../errors';
import { buildProgram } from '../main';

const A = '1-1RSG4X0';
const B = '1-1RUZV1D';

describe('reval gmc-fetch', () => {
  let fake: FakeGmc;
  const saved = { ...process.env };

  beforeAll(async () => {
    fake = await FakeGmc.start({ designatedBodies: [A, B], doctorsPerBody: 3, seed: 9 });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.clearFaults();
    Object.assign(process.env, {
      GMC_URL: fake.url,
      GMC_USERNAME: 'user',
      GMC_PASSWORD: 'secret-password',
      GMC_DESIGNATED_BODIES: `${A},${B}`,
      GMC_RETRIES: '1',
      LOG_LEVEL: 'silent',
    });
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  async function run(...args: string[]): Promise<{ lines: string[]; error: unknown }> {
    const output: string[] = [];
    const write = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => output.push(String(chunk)) > 0);
    let error: unknown;
    try {
      await buildProgram().parseAsync(['node', 'reval', 'gmc-fetch', ...args]);
    } catch (e) {
      error = e;
    } finally {
      write.mockRestore();
    }
    return { lines: output.join('').split('\n').filter(Boolean), error };
  }

  it('prints a line per doctor, then the report, and exits 0 when every body succeeded', async () => {
    const { lines, error } = await run('--output', 'ndjson');
    expect(error).toBeUndefined();
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const doctors = records.filter((r) => r.type === 'doctor');
    expect(doctors).toHaveLength(6);
    expect(Object.keys(doctors[0])).toEqual([
      'type',
      'gmcReferenceNumber',
      'doctorFirstName',
      'doctorLastName',
      'submissionDate',
      'dateAdded',
      'underNotice',
      'sanction',
      'doctorStatus',
      'designatedBody',
    ]);
    for (const d of doctors) {
      expect(d.submissionDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(['YES', 'NO', 'ON_HOLD']).toContain(d.underNotice);
      expect([A, B]).toContain(d.designatedBody);
    }
    const wire = fake.lists.list(A)[0];
    expect(doctors).toContainEqual(
      expect.objectContaining({ gmcReferenceNumber: wire.GMCReferenceNumber, designatedBody: A }),
    );
    expect(records.at(-1)).toEqual({
      type: 'report',
      designatedBodies: [
        expect.objectContaining({
          designatedBody: A,
          status: 'OK',
          returnCode: '0',
          doctorCount: 3,
          error: null,
        }),
        expect.objectContaining({
          designatedBody: B,
          status: 'OK',
          returnCode: '0',
          doctorCount: 3,
          error: null,
        }),
      ],
    });
  });

  it('exits 2 when a body fails, and asks only for the bodies given', async () => {
    fake.setFault(B, { kind: 'returnCode', returnCode: '81' });
    const { lines, error } = await run('--output', 'ndjson', '--designated-bodies', B);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toBe(`1 of 1 designated bodies failed: ${B}`);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        type: 'report',
        designatedBodies: [
          expect.objectContaining({
            designatedBody: B,
            status: 'FAILED',
            returnCode: '81',
            doctorCount: 0,
            error: 'GMC return code 81: no access to this designated body',
          }),
        ],
      },
    ]);
  });

  it('prints a summary table by default', async () => {
    const { lines, error } = await run();
    expect(error).toBeUndefined();
    expect(lines[0]).toMatch(/^designated body\s+status\s+code\s+doctors\s+ms\s+error$/);
    expect(lines[1]).toMatch(new RegExp(`^${A}\\s+OK\\s+0\\s+3\\s+\\d+\\s+-$`));
  });
});
