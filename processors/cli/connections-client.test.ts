// `reval explain`'s HTTP side against small real servers: redirects followed with the token
// on every hop, and which answers fall back to the changelogs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { queryDoctor } from './connections-client';

const servers: Server[] = [];

async function serve(
  handle: (
    path: string,
    authorization: string | undefined,
  ) => [number, Record<string, string>, unknown],
): Promise<string> {
  const server = createServer((request, response) => {
    const [status, headers, body] = handle(request.url ?? '/', request.headers.authorization);
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body === undefined ? '' : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

const doctor = { gmcReferenceNumber: '7000001', partition: 1, rows: [], explanation: [] };

describe('queryDoctor', () => {
  it('follows the redirect to the owner, sending the token to each instance', async () => {
    const seen: (string | undefined)[] = [];
    const owner = await serve((path, authorization) => {
      seen.push(authorization);
      return [200, {}, { ...doctor, path }];
    });
    const first = await serve((path, authorization) => {
      seen.push(authorization);
      return [307, { location: `${owner}${path}` }, { error: 'owned elsewhere' }];
    });
    const outcome = await queryDoctor({
      baseUrl: first,
      gmcNumber: '7000001',
      at: '2026-11-26T00:00:00.000Z',
      token: 'secret-token-0123456789',
    });
    expect(outcome).toMatchObject({
      kind: 'answered',
      url: `${owner}/doctors/7000001?at=2026-11-26T00%3A00%3A00.000Z`,
      explanation: { gmcReferenceNumber: '7000001' },
    });
    expect(seen).toEqual(['Bearer secret-token-0123456789', 'Bearer secret-token-0123456789']);
  });

  it('reports an unknown doctor, and a refusal, as answers', async () => {
    const base = await serve((path) =>
      path.startsWith('/doctors/7000002')
        ? [404, {}, { error: 'no doctor 7000002 in partition 0', partition: 0 }]
        : [401, {}, { error: 'needs a token' }],
    );
    expect(await queryDoctor({ baseUrl: base, gmcNumber: '7000002' })).toMatchObject({
      kind: 'unknown',
      message: 'no doctor 7000002 in partition 0',
    });
    expect(await queryDoctor({ baseUrl: base, gmcNumber: '7000001' })).toMatchObject({
      kind: 'refused',
      status: 401,
    });
  });

  it.each([
    ['restoring', 503, { error: 'partition 0 is being restored here', partition: 0 }],
    ['an owner without a URL', 421, { error: 'owned by m-2, which advertises no URL' }],
    ['a server without the endpoint', 404, undefined],
  ])('falls back to the changelogs for %s', async (_case, status, body) => {
    const base = await serve(() => [status, {}, body]);
    expect(await queryDoctor({ baseUrl: base, gmcNumber: '7000001' })).toMatchObject({
      kind: 'unanswered',
    });
  });

  it('falls back when nothing listens, and after too many redirects', async () => {
    const closed = await serve(() => [200, {}, doctor]);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await queryDoctor({ baseUrl: closed, gmcNumber: '7000001' })).toMatchObject({
      kind: 'unanswered',
      why: expect.stringMatching(/ECONNREFUSED/),
    });
    const loop = await serve((path) => [307, { location: path }, {}]);
    expect(await queryDoctor({ baseUrl: loop, gmcNumber: '7000001' })).toMatchObject({
      kind: 'unanswered',
      why: expect.stringMatching(/redirects/),
    });
  });
});
