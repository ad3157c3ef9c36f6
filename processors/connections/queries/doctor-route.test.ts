// The endpoint's HTTP logic on a real server with a stand-in lookup: status codes, redirect,
// token, and input checks. The lookup against real stores is in test/integration/explain.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '../../platform/logger';
import { startMetricsServer } from '../../platform/metrics';
import type { DoctorExplanation, DoctorLookup } from './answer';
import { doctorRoute, parseGmcNumber, RETRY_AFTER_SECONDS } from './doctor-route';

const TOKEN = 'query-token-for-the-tests-0123';
const NOW = new Date('2026-11-26T10:00:00Z');
const owner = { instance: 'member-1', url: 'http://self:9464' };

const found = (gmc: string, at: Date): DoctorExplanation => ({
  gmcReferenceNumber: gmc,
  partition: 0,
  owner,
  record: null,
  explanation: ['no record'],
  rows: [],
  at: at.toISOString(),
});

/** What the stand-in lookup answers, by GMC number. */
const LOOKUPS: Record<string, (gmc: string, at: Date) => DoctorLookup> = {
  '7000001': (gmc, at) => ({ kind: 'found', explanation: found(gmc, at) }),
  '7000002': () => ({ kind: 'unknown', partition: 2, owner }),
  '7000003': () => ({
    kind: 'remote',
    partition: 1,
    owner: { instance: 'member-2', url: 'http://two:9464' },
  }),
  '7000004': () => ({ kind: 'remote', partition: 1, owner: { instance: 'member-2', url: null } }),
  '7000005': () => ({ kind: 'unavailable', partition: 0, reason: 'restoring', owner }),
  '7000006': () => ({ kind: 'unavailable', partition: 0, reason: 'rebalancing', owner: null }),
  '7000007': () => ({ kind: 'unavailable', partition: 0, reason: 'owner unknown', owner: null }),
};

describe('GET /doctors/{gmcNumber}', () => {
  const servers: Server[] = [];
  const asked: { gmc: string; at: string }[] = [];

  async function serve(token?: string): Promise<string> {
    const route = doctorRoute({
      lookup: (gmc, at) => {
        asked.push({ gmc, at: at.toISOString() });
        const answer = LOOKUPS[gmc];
        return answer ? Promise.resolve(answer(gmc, at)) : Promise.reject(new Error('boom'));
      },
      token,
      logger: createLogger('test', 'silent'),
      now: () => NOW,
    });
    const server = await startMetricsServer(0, () => true, { host: '127.0.0.1', routes: [route] });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    asked.splice(0);
    for (const server of servers.splice(0)) {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { headers, redirect: 'manual' });

  it('answers an owned doctor as JSON, derived now unless ?at= says when', async () => {
    const base = await serve();
    const now = await get(`${base}/doctors/7000001`);
    expect(now.status).toBe(200);
    expect(now.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await now.json()).toEqual(found('7000001', NOW));
    const at = await get(`${base}/doctors/7000001?at=2026-11-27T00:00:05%2B01:00`);
    expect(((await at.json()) as DoctorExplanation).at).toBe('2026-11-26T23:00:05.000Z');
    expect(asked.map((query) => query.at)).toEqual([NOW.toISOString(), '2026-11-26T23:00:05.000Z']);
  });

  it('is 404 for a doctor the owning instance does not know', async () => {
    const response = await get(`${await serve()}/doctors/7000002`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ gmcReferenceNumber: '7000002', partition: 2 });
  });

  it("redirects to the owner's URL, path and query kept, or names an owner without one", async () => {
    const base = await serve();
    const moved = await get(`${base}/doctors/7000003?at=2026-11-26T00:00:00Z`);
    expect(moved.status).toBe(307);
    expect(moved.headers.get('location')).toBe(
      'http://two:9464/doctors/7000003?at=2026-11-26T00:00:00Z',
    );
    const misdirected = await get(`${base}/doctors/7000004`);
    expect(misdirected.status).toBe(421);
    expect(await misdirected.json()).toMatchObject({
      partition: 1,
      owner: { instance: 'member-2', url: null },
    });
  });

  it('is 503 with Retry-After while restoring, rebalancing or when Kafka cannot name the owner', async () => {
    const base = await serve();
    for (const gmc of ['7000005', '7000006', '7000007']) {
      const response = await get(`${base}/doctors/${gmc}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
      expect(((await response.json()) as { error: string }).error).toMatch(/ask again shortly/);
    }
  });

  it.each([
    ['a placeholder', 'UNKNOWN'],
    ['whitespace', '%207000001'],
    ['a non-breaking space', '7000001%C2%A0'],
    ['a bad escape', '%E0%A4%A'],
    ['a slash', '7000001%2F2'],
    ['nothing', ''],
  ])('is 400 for %s as the number, without a lookup', async (_case, segment) => {
    const response = await get(`${await serve()}/doctors/${segment}`);
    expect(response.status).toBe(400);
    expect(asked).toEqual([]);
  });

  it('is 400 for an ?at= that is not an instant with an offset', async () => {
    const response = await get(`${await serve()}/doctors/7000001?at=2026-11-26`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/ISO-8601 instant/);
  });

  it('is read-only: 405 for anything but GET and HEAD', async () => {
    const response = await fetch(`${await serve()}/doctors/7000001`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(asked).toEqual([]);
  });

  it('with a token set, needs it as a bearer token before anything else', async () => {
    const base = await serve(TOKEN);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const response = await get(`${base}/doctors/7000001`, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.stringify(await response.json())).not.toContain(TOKEN);
    }
    // Not even the input is checked for a caller without the token.
    expect((await get(`${base}/doctors/UNKNOWN`)).status).toBe(401);
    expect(asked).toEqual([]);
    const allowed = await get(`${base}/doctors/7000001`, { authorization: `Bearer ${TOKEN}` });
    expect(allowed.status).toBe(200);
  });

  it('answers 500 when the lookup fails, and the other routes still work', async () => {
    const base = await serve();
    expect((await get(`${base}/doctors/7999999`)).status).toBe(500);
    expect((await get(`${base}/healthz`)).status).toBe(200);
  });
});

describe('parseGmcNumber', () => {
  it('keeps a number as the stores key it, and nothing that is not one', () => {
    expect(parseGmcNumber('7000001')).toBe('7000001');
    expect(parseGmcNumber('n%2Fa')).toBeNull();
    expect(parseGmcNumber('x'.repeat(65))).toBeNull();
  });
});
