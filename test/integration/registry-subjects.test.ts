// Registering a schema on the real registry when its subject has no compatibility rule. The
// registry client registers a new subject's first schema and sets BACKWARD only afterwards, and
// then refuses any subject not at BACKWARD; Apicurio answers NONE for a subject without a rule.
// A chaos run met such a subject after a registry restart: connections exited on every start
// for seven minutes. The subject here is made the way an interrupted first registration leaves
// it: the schema posted, no rule set.
import { registryConfig } from '../../processors/platform/config';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
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
});
