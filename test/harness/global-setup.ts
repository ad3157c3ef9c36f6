// Jest global setup: makes the four real services available to every test file, through
// KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ELASTICSEARCH_URL and MONGODB_URI. It runs in Jest's
// parent process before any test environment exists, so what it sets in process.env is what
// each test file (in band or in a worker) sees. Sources, in order (REVAL_TEST_SERVICES):
//   env        all four variables already set: used as they are, nothing is started;
//   containers a container runtime answers: the services as containers (testcontainers);
//   native     otherwise: the native local stack (`reval stack up`);
//   none       REVAL_TEST_SERVICES=none: nothing, for a cheap unit-only run.
import { stackDown, startStack, type ServiceName } from '../../processors/stack';
import { containerRuntimeAvailable, startContainers } from './containers';
import { endpointsFromEnv, serviceSource, setEndpointsInEnv } from './endpoints';

/** What teardown must undo; Jest keeps globalThis between global setup and teardown. */
export interface HarnessState {
  stop?: () => Promise<void>;
}

declare global {
  var __revalHarness: HarnessState | undefined;
}

const say = (line: string) => process.stderr.write(`[reval tests] ${line}\n`);

export default async function globalSetup(): Promise<void> {
  globalThis.__revalHarness = {};
  // Processors log every start and stop; in a test run only warnings are worth reading.
  process.env.LOG_LEVEL ??= 'warn';
  const source = serviceSource();
  if (source === 'none') {
    say('services: none (REVAL_TEST_SERVICES=none): tests that need them are skipped');
    return;
  }
  const fromEnv = endpointsFromEnv();
  if (fromEnv && (source === 'auto' || source === 'env')) {
    say(`services: from the environment (Kafka ${fromEnv.kafkaBrokers}); nothing started`);
    return;
  }
  if (source === 'env')
    throw new Error('REVAL_TEST_SERVICES=env but the endpoint variables are not set');

  if (source === 'containers' || (source === 'auto' && (await containerRuntimeAvailable()))) {
    say('services: containers (testcontainers): starting Kafka, Apicurio, Elasticsearch, FerretDB');
    const containers = await startContainers();
    setEndpointsInEnv(containers.endpoints);
    globalThis.__revalHarness.stop = containers.stop;
    return;
  }

  say('services: native local stack (no container runtime; fetched and built on first use)');
  const progress = (service: ServiceName, message: string) => say(`  [${service}] ${message}`);
  const { endpoints, started } = await startStack({ progress, stopOnFailure: true });
  setEndpointsInEnv(endpoints);
  if (started.length === 0) {
    say('  the local stack was already up: using it, and leaving it up afterwards');
    return;
  }
  say(`  started ${started.join(', ')}: teardown stops them`);
  globalThis.__revalHarness.stop = async () => {
    await stackDown({ services: started });
  };
}
