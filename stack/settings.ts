// Where the local stack keeps its downloads and its running state, which ports it uses, and
// the exact versions it runs. Every value can be overridden by an environment variable.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../processors/platform/config';

/** The versions the native stack runs (README: "Local stack"). */
export const VERSIONS = {
  kafka: '4.4.0',
  slf4j: '2.0.20',
  /** Of the 3.x versions on Maven Central (3.0.9, 3.3.2, 3.3.3) the one that runs on Java 17. */
  apicurio: '3.0.9',
  elasticsearch: '8.19.21',
  ferretdb: 'v1.24.2',
  /**
   * The MariaDB series Debian's packages provide (bookworm: 10.11.x). Debian's archive keeps
   * only the current patch release, so the series is pinned, and checked after unpacking.
   */
  mariadb: '10.11',
  /** Kafka Connect is part of the Apache Kafka release: it runs VERSIONS.kafka. */
  debezium: '3.5.0.Final',
  /** Apicurio's 3.x converter does not resolve from Central (a parent POM is missing). */
  apicurioConverter: '2.6.13.Final',
} as const;

/**
 * The same versions as container images, for docker-compose.kafka.yml and the test harness's
 * containers (stack/compose.test.ts fails when the compose file drifts from them).
 */
export const IMAGES = {
  kafka: `apache/kafka:${VERSIONS.kafka}`,
  registry: `apicurio/apicurio-registry:${VERSIONS.apicurio}`,
  elasticsearch: `docker.elastic.co/elasticsearch/elasticsearch:${VERSIONS.elasticsearch}`,
  ferretdb: `ghcr.io/ferretdb/ferretdb:${VERSIONS.ferretdb.replace(/^v/, '')}`,
  mariadb: `mariadb:${VERSIONS.mariadb}`,
  /**
   * Debezium's own Connect image of the same Debezium release (its plugins include the MariaDB
   * connector); the Kafka Connect inside is the one that release was built with.
   */
  connect: `quay.io/debezium/connect:${VERSIONS.debezium}`,
} as const;

/** The services every `stack up` starts. */
export const BASE_SERVICES = ['kafka', 'registry', 'elasticsearch', 'ferretdb'] as const;
/** The real CDC chain, started only by `stack up --with-cdc` (it costs memory and time). */
export const CDC_SERVICES = ['mariadb', 'connect'] as const;
export const SERVICE_NAMES = [...BASE_SERVICES, ...CDC_SERVICES] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Every port the stack binds, with the variable that overrides it and its default. */
export const PORTS = {
  kafka: { env: 'REVAL_KAFKA_PORT', default: 19092 },
  kafkaController: { env: 'REVAL_KAFKA_CONTROLLER_PORT', default: 19093 },
  registry: { env: 'REVAL_REGISTRY_PORT', default: 18081 },
  elasticsearch: { env: 'REVAL_ELASTICSEARCH_PORT', default: 19200 },
  elasticsearchTransport: { env: 'REVAL_ELASTICSEARCH_TRANSPORT_PORT', default: 19300 },
  ferretdb: { env: 'REVAL_FERRETDB_PORT', default: 27018 },
  mariadb: { env: 'REVAL_MARIADB_PORT', default: 13306 },
  connect: { env: 'REVAL_CONNECT_PORT', default: 18083 },
} as const;
export type PortName = keyof typeof PORTS;

export interface StackSettings {
  /** Downloads and builds, kept between runs: `REVAL_CACHE_DIR`. */
  cacheDir: string;
  /** PID records, data and logs of the running services: `REVAL_STACK_DIR`. */
  runDir: string;
  host: '127.0.0.1';
  ports: Record<PortName, number>;
  /** The unprivileged user Elasticsearch runs as when the stack is started by root. */
  elasticsearchUser: string;
  /** A Java home chosen by the user (`REVAL_JAVA_HOME`, else `JAVA_HOME`), if any. */
  javaHome?: string;
}

const port = z
  .string()
  .regex(/^\d+$/, { message: 'expected a port number' })
  .transform(Number)
  .refine((n) => n >= 1024 && n <= 65535, { message: 'expected a port from 1024 to 65535' });

function expandHome(path: string): string {
  return resolve(path.replace(/^~(?=$|\/)/, homedir()));
}

export function stackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const cacheDir = expandHome(env.REVAL_CACHE_DIR || join(homedir(), '.cache', 'reval-stream'));
  const runDir = expandHome(env.REVAL_STACK_DIR || join(cacheDir, 'run'));
  const ports = {} as Record<PortName, number>;
  for (const [name, spec] of Object.entries(PORTS) as [PortName, (typeof PORTS)[PortName]][]) {
    const raw = env[spec.env]?.trim();
    if (!raw) {
      ports[name] = spec.default;
      continue;
    }
    const parsed = port.safeParse(raw);
    if (!parsed.success) {
      throw new ConfigError(
        `${spec.env}=${JSON.stringify(raw)} is invalid: ${parsed.error.issues[0].message}`,
      );
    }
    ports[name] = parsed.data;
  }
  const taken = new Map<number, PortName>();
  for (const [name, value] of Object.entries(ports) as [PortName, number][]) {
    const other = taken.get(value);
    if (other) {
      throw new ConfigError(`${PORTS[name].env} and ${PORTS[other].env} are both ${value}`);
    }
    taken.set(value, name);
  }
  const javaHome = env.REVAL_JAVA_HOME?.trim() || env.JAVA_HOME?.trim() || undefined;
  return {
    cacheDir,
    runDir,
    host: '127.0.0.1',
    ports,
    elasticsearchUser: env.REVAL_ELASTICSEARCH_USER?.trim() || 'reval-es',
    javaHome,
  };
}
