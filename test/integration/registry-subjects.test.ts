// Registering a schema on the real registry when its subject has no compatibility rule. The
// registry client registers a new subject's first schema and sets BACKWARD only afterwards, and
// then refuses any subject not at BACKWARD; Apicurio answers NONE for a subject without a rule.
// A chaos run met such a subject after a registry restart: connections exited on every start
// for seven minutes. The subject here is made the way an interrupted first registration leaves
// it: the schema posted, no rule set.
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { registryConfig } from '../../processors/platform/config';
import { RegistryUnavailableError, SchemaRegistryCodecs } from '../../processors/platform/registry';
import { readSchema } from '../../schemas/catalog';
import {
  createStreamHarness,
  privateTopicsEnv,
  type StreamHarness,
} from '../support/stream-harness';

describe('registering under a subject without a compatibility rule (real registry)', () => {
  let harness: StreamHarness;
  beforeEach(async () => {
    harness = await createStreamHarness(privateTopicsEnv());
  });
  afterEach(async () => {
    await harness.close();
  });

  async function compatibilityOf(subject: string): Promise<unknown> {
    const url = `${registryConfig(harness.env).url.replace(/\/$/, '')}/config/${encodeURIComponent(subject)}`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return ((await response.json()) as { compatibilityLevel?: string }).compatibilityLevel;
  }

  it('sets the rule the first registration meant to set, and registers', async () => {
    const { codecs } = harness;
    const subject = codecs.subjectOf('connectionChange');
    const rawId = await codecs.registerRaw(subject, readSchema('connectionChange') as object);
    expect(await compatibilityOf(subject)).toBe('NONE');

    const mended: string[] = [];
    const fresh = new SchemaRegistryCodecs(registryConfig(harness.env), harness.topics, (s) =>
      mended.push(s),
    );
    await expect(fresh.register('connectionChange')).resolves.toBe(rawId);
    expect(mended).toEqual([subject]);
    expect(await compatibilityOf(subject)).toBe('BACKWARD');
  });

  it('leaves a level somebody chose, and says so', async () => {
    const { codecs } = harness;
    const subject = codecs.subjectOf('connectionChange');
    await codecs.registerRaw(subject, readSchema('connectionChange') as object);
    await codecs.setCompatibility(subject, 'FORWARD');
    await expect(codecs.register('connectionChange')).rejects.toThrow(
      /cannot register .*connection-changes-value.*BACKWARD != FORWARD/,
    );
    expect(await compatibilityOf(subject)).toBe('FORWARD');
  });

  it("over TLS with a private CA, the client's requests and the module's own trust the CA", async () => {
    // The registry behind a TLS front whose certificate (a fixture, for tests only) is signed
    // by nobody the system trusts.
    const fixtures = join(__dirname, '..', 'fixtures', 'tls');
    const cert = readFileSync(join(fixtures, 'test-only-cert.pem'), 'utf8');
    const key = readFileSync(join(fixtures, 'test-only-key.pem'), 'utf8');
    const target = new URL(registryConfig(harness.env).url);
    const front: Server = createTlsServer({ cert, key }, (client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) socket.on('error', () => undefined);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(front.address() as AddressInfo).port}${target.pathname}`;
      const trusting = new SchemaRegistryCodecs(
        { url, tls: { ca: cert, rejectUnauthorized: true } },
        harness.topics,
      );
      const subject = trusting.subjectOf('connectionChange');
      // registerRaw is the module's own request; register is the client's, then the mend's own.
      const rawId = await trusting.registerRaw(subject, readSchema('connectionChange') as object);
      await expect(trusting.register('connectionChange')).resolves.toBe(rawId);
      expect(await compatibilityOf(subject)).toBe('BACKWARD');

      const untrusting = new SchemaRegistryCodecs({ url }, harness.topics);
      await expect(untrusting.setCompatibility(subject, 'FULL')).rejects.toThrow(
        RegistryUnavailableError,
      );
      await expect(untrusting.setCompatibility(subject, 'FULL')).rejects.toThrow(
        /self[- ]signed certificate/,
      );
    } finally {
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });
});
