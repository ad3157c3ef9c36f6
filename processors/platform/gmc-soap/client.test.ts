import { FakeGmc } from '../../../dev/fake-gmc';
import { GmcClient, type GmcClientOptions } from './client';
import { cannedServer, capturingLogger, envelope, type CannedServer } from './test-support';

const USERNAME = 'reval-sync-user';
const PASSWORD = 'Sup3r&Secret<pw>';
const BODY = '1-1RSG4X0';
const OTHER = '1-1RUZV1D';

function clientFor(url: string, overrides: Partial<GmcClientOptions> = {}): GmcClient {
  return new GmcClient({
    url,
    username: USERNAME,
    password: PASSWORD,
    timeoutMs: 2_000,
    retries: 3,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    logger: capturingLogger().logger,
    ...overrides,
  });
}

describe('GmcClient against the fake GMC', () => {
  let fake: FakeGmc;
  let client: GmcClient;

  beforeAll(async () => {
    fake = await FakeGmc.start({
      designatedBodies: [BODY, OTHER],
      doctorsPerBody: 50,
      seed: 7,
      username: USERNAME,
      password: PASSWORD,
    });
    client = clientFor(fake.url);
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.clearFaults();
    fake.lists.reset();
  });

  it('returns the whole list, normalised, with credentials sent in the body', async () => {
    const result = await client.fetchDoctorsForDesignatedBody(BODY);
    expect(result).toMatchObject({
      designatedBody: BODY,
      status: 'OK',
      returnCode: '0',
      error: null,
      attempts: 1,
    });
    expect(result.doctors).toHaveLength(50);
    const wire = fake.lists.list(BODY);
    const first = result.doctors.find((d) => d.gmcReferenceNumber === wire[0].GMCReferenceNumber)!;
    const [dd, mm, yyyy] = wire[0].SubmissionDate!.split('/');
    expect(first.submissionDate).toBe(`${yyyy}-${mm}-${dd}`);
    expect(first.doctorFirstName).toBe(wire[0].DoctorFirstName);
    expect(first.doctorLastName).toBe(wire[0].DoctorLastName);
    expect(['YES', 'NO', 'ON_HOLD']).toContain(first.underNotice);
    // The seeded names include ones that need escaping and ones outside ASCII.
    const names = result.doctors.map((d) => `${d.doctorFirstName} ${d.doctorLastName}`).join('|');
    expect(names).toMatch(/[^\x00-\x7f]/);
    expect(result.warnings).toEqual([]);
  });

  it('is refused with return code 99 when the credentials are wrong, and does not retry', async () => {
    const wrong = clientFor(fake.url, { password: 'not-the-password' });
    const before = fake.callCount(BODY);
    const result = await wrong.fetchDoctorsForDesignatedBody(BODY);
    expect(result).toMatchObject({ status: 'FAILED', returnCode: '99', attempts: 1, doctors: [] });
    expect(result.error).toContain('invalid credentials');
    expect(fake.callCount(BODY) - before).toBe(1);
  });

  it.each(['80', '81'])('does not retry return code %s', async (code) => {
    fake.setFault(BODY, { kind: 'returnCode', returnCode: code });
    const before = fake.callCount(BODY);
    const result = await client.fetchDoctorsForDesignatedBody(BODY);
    expect(result).toMatchObject({ status: 'FAILED', returnCode: code, attempts: 1 });
    expect(fake.callCount(BODY) - before).toBe(1);
  });

  it('answers 80 for a body GMC does not know', async () => {
    const result = await client.fetchDoctorsForDesignatedBody('1-NOSUCH');
    expect(result).toMatchObject({ status: 'FAILED', returnCode: '80', attempts: 1 });
    expect(result.error).toContain('invalid designated body code');
  });

  it.each([
    ['HTTP 500', { kind: 'http500', times: 2 } as const, 3],
    ['a SOAP fault', { kind: 'soapFault', times: 1 } as const, 2],
    ['return code 98', { kind: 'returnCode', returnCode: '98', times: 2 } as const, 3],
    ['a call slower than the deadline', { kind: 'delay', ms: 1_000, times: 1 } as const, 2],
  ])('recovers from %s by retrying', async (_name, fault, attempts) => {
    const quick = clientFor(fake.url, { timeoutMs: 500 });
    fake.setFault(BODY, fault);
    const before = fake.callCount(BODY);
    const result = await quick.fetchDoctorsForDesignatedBody(BODY);
    expect(result).toMatchObject({ status: 'OK', attempts, returnCode: '0' });
    expect(result.doctors).toHaveLength(50);
    expect(fake.callCount(BODY) - before).toBe(attempts);
  });

  it('gives up after the configured retries when the fault persists', async () => {
    fake.setFault(BODY, { kind: 'http500' });
    const before = fake.callCount(BODY);
    const result = await client.fetchDoctorsForDesignatedBody(BODY);
    expect(result).toMatchObject({ status: 'FAILED', returnCode: null, attempts: 4 });
    expect(result.error).toBe('HTTP 500 (after 4 attempts)');
    expect(fake.callCount(BODY) - before).toBe(4);
  });

  it('times out a call that hangs and reports the deadline', async () => {
    fake.setFault(BODY, { kind: 'delay', ms: 5_000 });
    const quick = clientFor(fake.url, { timeoutMs: 200, retries: 1 });
    const started = Date.now();
    const result = await quick.fetchDoctorsForDesignatedBody(BODY);
    expect(result).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(result.error).toBe('timed out after 200 ms (after 2 attempts)');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each(['truncated', 'malformed'] as const)(
    'fails the body on a %s answer without crashing',
    async (kind) => {
      fake.setFault(BODY, { kind });
      const result = await client.fetchDoctorsForDesignatedBody(BODY);
      expect(result).toMatchObject({ status: 'FAILED', doctors: [], attempts: 1 });
      expect(result.error).toMatch(/^malformed answer/);
      // The other body is unaffected.
      expect((await client.fetchDoctorsForDesignatedBody(OTHER)).status).toBe('OK');
    },
  );

  it('returns an empty list as a success (the safety valve judges it, not the client)', async () => {
    fake.setFault(BODY, { kind: 'emptyList' });
    const result = await client.fetchDoctorsForDesignatedBody(BODY);
    expect(result).toMatchObject({ status: 'OK', returnCode: '0', doctors: [] });
  });

  it('stops retrying when cancelled', async () => {
    fake.setFault(BODY, { kind: 'delay', ms: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await client.fetchDoctorsForDesignatedBody(BODY, { signal: controller.signal });
    expect(result.status).toBe('FAILED');
    expect(result.attempts).toBe(1);
    expect(result.error).toBe('cancelled');
  });
});

describe('GmcClient on a network that fails', () => {
  it('retries a refused connection and then fails the body', async () => {
    const client = clientFor('http://127.0.0.1:1/GMCWebServices/WebService.asmx', { retries: 2 });
    const result = await client.fetchDoctorsForDesignatedBody(BODY);
    expect(result).toMatchObject({ status: 'FAILED', attempts: 3, returnCode: null });
    expect(result.error).toBe('network error: ECONNREFUSED (after 3 attempts)');
  });
});

describe('GmcClient never reveals the credentials', () => {
  let server: CannedServer;
  afterEach(() => server.close());

  // A hostile or buggy server that echoes the credentials it received in its errors.
  const credentials = (request: string) =>
    /<Username>(.*?)<\/Username><Password>(.*?)<\/Password>/.exec(request)!.slice(1).join(' / ');

  it.each([
    [
      'a SOAP fault',
      (req: string) => ({
        status: 500,
        body: envelope(
          `<soap:Fault><faultcode>soap:Client</faultcode><faultstring>login ${credentials(req)} refused</faultstring></soap:Fault>`,
        ),
      }),
    ],
    [
      'a SOAP 1.2 style fault',
      (req: string) => ({
        status: 500,
        body: envelope(
          `<soap:Fault><soap:Code><soap:Value>${credentials(req)}</soap:Value></soap:Code><soap:Reason><soap:Text>${credentials(req)}</soap:Text></soap:Reason></soap:Fault>`,
        ),
      }),
    ],
    [
      'an HTML error page',
      (req: string) => ({
        status: 500,
        contentType: 'text/html',
        body: `<html><body>${credentials(req)}</body></html>`,
      }),
    ],
    [
      'a broken 200 answer',
      (req: string) => ({ status: 200, body: `<soap:Envelope>${credentials(req)}` }),
    ],
  ])('in errors or logs when the server echoes them in %s', async (_name, answer) => {
    server = await cannedServer(answer);
    const logs = capturingLogger();
    const client = clientFor(server.url, { retries: 1, logger: logs.logger });
    const result = await client.fetchDoctorsForDesignatedBody(BODY);
    expect(result.status).toBe('FAILED');
    // They did travel: the server received them in the SOAP body.
    expect(server.requests[0]).toContain('<Username>reval-sync-user</Username>');
    expect(server.requests[0]).toContain('<Password>Sup3r&amp;Secret&lt;pw&gt;</Password>');
    const everything = JSON.stringify(result) + logs.text();
    expect(logs.text()).toContain('GMC GetDoctorsForDB attempt failed');
    for (const secret of [PASSWORD, 'Sup3r&amp;Secret&lt;pw&gt;', 'Sup3r', USERNAME]) {
      expect(everything).not.toContain(secret);
    }
  });
});
