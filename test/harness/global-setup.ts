// Jest global setup: makes the four real services available to every test file, through
// KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ELASTICSEARCH_URL and MONGODB_URI. It runs in Jest's
// parent process before any test environment exists, so what it sets in process.env is what
// each test file (in band or in a worker) sees. Sources, in order (REVAL_TEST_SERVICES):
//   env        all four variables already set: used as they are, nothing is started;
//   containers a container runtime answers: the services as containers (testcontainers);
//   native     otherwise: the native local stack (`reval stack up`);
//   none       REVAL_TEST_SERVICES=none: nothing, for a cheap unit-only run.
// With REVAL_TEST_CDC=1 (CI sets it) it also starts the native stack's real CDC chain (MariaDB,
// Kafka Connect, Debezium) for the real-CDC suites; it runs beside the native Kafka only.
import { kafkaDataDir, stackDown, stackSettings, startStack, type ServiceName } from '../../stack';
import { containerRuntimeAvailable, startContainers } from './containers';
import { endpointsFromEnv, serviceSource, setEndpointsInEnv } from './endpoints';
import { removeStaleTopics } from './stale-topics';

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
  const withCdc = process.env.REVAL_TEST_CDC === '1';
  if (source === 'none') {
    say('services: none (REVAL_TEST_SERVICES=none): tests that need them are skipped');
    return;
  }
  const fromEnv = endpointsFromEnv();
  if (fromEnv && (source === 'auto' || source === 'env')) {
    say(`services: from the environment (Kafka ${fromEnv.kafkaBrokers}); nothing started`);
    if (withCdc) await startCdcBeside(fromEnv.kafkaBrokers);
    await removeStaleTestTopics(fromEnv.kafkaBrokers);
    return;
  }
  if (source === 'env')
    throw new Error('REVAL_TEST_SERVICES=env but the endpoint variables are not set');

  if (source === 'containers' || (source === 'auto' && (await containerRuntimeAvailable()))) {
    if (withCdc) {
      throw new Error(
        'REVAL_TEST_CDC=1 needs the native local stack: the CDC services attach to its Kafka ' +
          '(set REVAL_TEST_SERVICES=native)',
      );
    }
    say('services: containers (testcontainers): starting Kafka, Apicurio, Elasticsearch, FerretDB');
    const containers = await startContainers();
    setEndpointsInEnv(containers.endpoints);
    globalThis.__revalHarness.stop = containers.stop;
    return;
  }

  say(
    `services: native local stack${withCdc ? ' with the CDC services (REVAL_TEST_CDC=1)' : ''} ` +
      '(no container runtime; fetched and built on first use)',
  );
  const { endpoints, started } = await startStack({ progress, stopOnFailure: true, withCdc });
  setEndpointsInEnv(endpoints);
  stopAfterwards(started);
  await removeStaleTestTopics(endpoints.kafkaBrokers);
}

/** Only on the native local stack, whose partition directories this process can read. */
async function removeStaleTestTopics(kafkaBrokers: string): Promise<void> {
  const settings = stackSettings();
  if (kafkaBrokers !== `${settings.host}:${settings.ports.kafka}`) return;
  await removeStaleTopics(kafkaBrokers, kafkaDataDir(settings), say);
}

const progress = (service: ServiceName, message: string) => say(`  [${service}] ${message}`);

function stopAfterwards(started: ServiceName[]): void {
  if (started.length === 0) {
    say('  the local stack was already up: using it, and leaving it up afterwards');
    return;
  }
  say(`  started ${started.join(', ')}: teardown stops them`);
  (globalThis.__revalHarness as HarnessState).stop = async () => {
    await stackDown({ services: started });
  };
}

/** The CDC services beside services given by the environment, when those are the native stack's. */
async function startCdcBeside(kafkaBrokers: string): Promise<void> {
  const settings = stackSettings();
  const native = `${settings.host}:${settings.ports.kafka}`;
  if (kafkaBrokers !== native) {
    throw new Error(
      `REVAL_TEST_CDC=1 needs the native local stack's Kafka (${native}), not ${kafkaBrokers}`,
    );
  }
  say('  REVAL_TEST_CDC=1: starting the CDC services beside it');
  const { started } = await startStack({ progress, stopOnFailure: true, withCdc: true });
  stopAfterwards(started);
}
