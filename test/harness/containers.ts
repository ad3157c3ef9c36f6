// The same four services as the native local stack, as containers, for machines with a
// container runtime (testcontainers finds Docker or Podman as it does everywhere). Images can
// be overridden by REVAL_*_IMAGE. Readiness is checked with the native stack's own probes, so
// the tests see the same "ready" whichever source they get.
// Not exercised by this project's CI, whose machines have no container runtime.
import type { StartedTestContainer } from 'testcontainers';
import { SERVICES } from '../../stack/lifecycle';
import { IMAGES as DEFAULT_IMAGES, type ServiceName } from '../../stack/settings';
import type { StackEndpoints } from './endpoints';

const IMAGES = {
  kafka: process.env.REVAL_KAFKA_IMAGE || DEFAULT_IMAGES.kafka,
  registry: process.env.REVAL_REGISTRY_IMAGE || DEFAULT_IMAGES.registry,
  elasticsearch: process.env.REVAL_ELASTICSEARCH_IMAGE || DEFAULT_IMAGES.elasticsearch,
  ferretdb: process.env.REVAL_FERRETDB_IMAGE || DEFAULT_IMAGES.ferretdb,
};

const STARTUP_TIMEOUT_MS = 240_000;

/** True when testcontainers can reach a container runtime; answers within seconds. */
export async function containerRuntimeAvailable(timeoutMs = 10_000): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const timeout = new Promise<false>((resolve) =>
    setTimeout(() => resolve(false), timeoutMs).unref(),
  );
  return Promise.race([
    getContainerRuntimeClient().then(
      () => true,
      () => false,
    ),
    timeout,
  ]);
}

export interface StartedContainers {
  endpoints: StackEndpoints;
  stop(): Promise<void>;
}

async function waitForProbe(service: ServiceName, endpoint: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await SERVICES[service].probe(endpoint).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${service} container did not become ready at ${endpoint}`);
}

export async function startContainers(): Promise<StartedContainers> {
  const { GenericContainer, RandomPortGenerator, Wait, getContainerRuntimeClient } =
    await import('testcontainers');
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  // Kafka tells clients where to connect, so its host port must be known before it starts.
  const kafkaPort = await new RandomPortGenerator().generatePort();

  const kafka = new GenericContainer(IMAGES.kafka)
    .withExposedPorts({ container: 9092, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS);

  const registry = new GenericContainer(IMAGES.registry)
    .withExposedPorts(8080)
    .withEnvironment({
      APICURIO_REST_DELETION_ARTIFACT_ENABLED: 'true',
      APICURIO_REST_DELETION_ARTIFACT_VERSION_ENABLED: 'true',
      APICURIO_REST_DELETION_GROUP_ENABLED: 'true',
      JAVA_OPTS_APPEND: '-Xms128m -Xmx384m',
    })
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080).forStatusCode(200))
    .withStartupTimeout(STARTUP_TIMEOUT_MS);

  const elasticsearch = new GenericContainer(IMAGES.elasticsearch)
    .withExposedPorts(9200)
    .withEnvironment({
      'discovery.type': 'single-node',
      'xpack.security.enabled': 'false',
      'cluster.routing.allocation.disk.threshold_enabled': 'false',
      'action.destructive_requires_name': 'false',
      ES_JAVA_OPTS: '-Xms512m -Xmx512m',
    })
    .withWaitStrategy(Wait.forHttp('/_cluster/health', 9200).forStatusCode(200))
    .withStartupTimeout(STARTUP_TIMEOUT_MS);

  const ferretdb = new GenericContainer(IMAGES.ferretdb)
    .withExposedPorts(27017)
    .withEnvironment({
      FERRETDB_HANDLER: 'sqlite',
      FERRETDB_SQLITE_URL: 'file:/state/',
      FERRETDB_TELEMETRY: 'disable',
    })
    .withWaitStrategy(Wait.forListeningPorts())
    .withStartupTimeout(STARTUP_TIMEOUT_MS);

  const outcomes = await Promise.allSettled(
    [kafka, registry, elasticsearch, ferretdb].map((c) => c.start()),
  );
  const started = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const stop = async () => {
    await Promise.all(started.map((c: StartedTestContainer) => c.stop().catch(() => undefined)));
  };
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  const [, r, e, f] = started;
  const endpoints: StackEndpoints = {
    kafkaBrokers: `${host}:${kafkaPort}`,
    schemaRegistryUrl: `http://${r.getHost()}:${r.getMappedPort(8080)}/apis/ccompat/v7`,
    elasticsearchUrl: `http://${e.getHost()}:${e.getMappedPort(9200)}`,
    mongodbUri: `mongodb://${f.getHost()}:${f.getMappedPort(27017)}/`,
  };
  try {
    await Promise.all([
      waitForProbe('kafka', endpoints.kafkaBrokers),
      waitForProbe('registry', endpoints.schemaRegistryUrl),
      waitForProbe('elasticsearch', endpoints.elasticsearchUrl),
      waitForProbe('ferretdb', endpoints.mongodbUri),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, stop };
}
