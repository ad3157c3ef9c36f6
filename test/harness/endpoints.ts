// The services the tests run against, as the environment carries them. Jest's global setup
// puts them there (from the caller's environment, containers or the native local stack);
// test files read them through the project's own config, or through `testEndpoints()` here.
import { ENDPOINT_VARIABLES, type StackEndpoints } from '../../stack';

export type { StackEndpoints };

/** REVAL_TEST_SERVICES: where services come from (`auto` unless set). */
export type ServiceSource = 'auto' | 'env' | 'containers' | 'native' | 'none';

export function serviceSource(env: NodeJS.ProcessEnv = process.env): ServiceSource {
  const value = (env.REVAL_TEST_SERVICES ?? '').trim().toLowerCase() || 'auto';
  const allowed: ServiceSource[] = ['auto', 'env', 'containers', 'native', 'none'];
  if (!(allowed as string[]).includes(value)) {
    throw new Error(
      `REVAL_TEST_SERVICES=${JSON.stringify(value)} is invalid: expected one of ${allowed.join(', ')}`,
    );
  }
  return value as ServiceSource;
}

const variables = () => Object.entries(ENDPOINT_VARIABLES) as [keyof StackEndpoints, string][];

/** The endpoints set in the environment: all four, none (undefined), or an error naming the gap. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): StackEndpoints | undefined {
  const set = variables().filter(([, name]) => env[name]?.trim());
  if (set.length === 0) return undefined;
  if (set.length < variables().length) {
    const missing = variables()
      .filter(([, name]) => !env[name]?.trim())
      .map(([, name]) => name);
    throw new Error(
      `${set.map(([, name]) => name).join(', ')} set but ${missing.join(', ')} not: ` +
        'set all four to test against your own services, or none to let the tests start them',
    );
  }
  return Object.fromEntries(
    variables().map(([key, name]) => [key, env[name]?.trim()]),
  ) as unknown as StackEndpoints;
}

export function setEndpointsInEnv(
  endpoints: StackEndpoints,
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const [key, name] of variables()) env[name] = endpoints[key];
}

/** The services' endpoints for a test; fails clearly when the run was started without them. */
export function testEndpoints(): StackEndpoints {
  const endpoints = endpointsFromEnv();
  if (!endpoints) {
    throw new Error(
      'this test needs the real services, but none are configured ' +
        '(REVAL_TEST_SERVICES=none skips starting them; unset it to run integration tests)',
    );
  }
  return endpoints;
}

/**
 * `describe` for tests that need the real services. Skipped only when the run asked for no
 * services (REVAL_TEST_SERVICES=none), so a unit-only run stays cheap and says what it skipped.
 */
export function describeWithServices(name: string, tests: () => void): void {
  (serviceSource() === 'none' ? describe.skip : describe)(name, tests);
}
