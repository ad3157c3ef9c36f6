// stack/: the local stack, the native way. Real Kafka, schema registry, Elasticsearch and
// MongoDB-wire services run natively on 127.0.0.1, fetched on first use, and on request the
// real CDC chain (MariaDB, Kafka Connect, Debezium). Used by `reval stack`, `npm start` and
// the test harness. It is part of the product (`npm start` brings it up) but not a processor,
// so it sits at the top level beside docker-compose.kafka.yml, the Docker way of the same
// stack (compose.test.ts keeps the two at the same versions).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cdcVariables, purgeCdcTopics, registerLocalConnector } from './cdc';
import {
  downAll,
  purgeData,
  statusAll,
  upAll,
  type ServiceDown,
  type ServiceStatus,
} from './lifecycle';
import { isAlive, readRecord } from './processes';
import {
  BASE_SERVICES,
  CDC_SERVICES,
  SERVICE_NAMES,
  stackSettings,
  type ServiceName,
  type StackSettings,
} from './settings';

export { StackError } from './errors';
export { BASE_SERVICES, CDC_SERVICES, SERVICE_NAMES, VERSIONS, stackSettings } from './settings';
export type { ServiceName, StackSettings } from './settings';
export type { ServiceDown, ServiceStatus } from './lifecycle';
export { cdcVariables, registerLocalConnector, TCS_CONNECTOR, type CdcFormat } from './cdc';
export { MARIADB_ACCOUNTS, TCS_DATABASE } from './mariadb';
export { kafkaDataDir } from './kafka';

export interface StackEndpoints {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  elasticsearchUrl: string;
  mongodbUri: string;
}

/** The environment variable that carries each endpoint to the processors and tests. */
export const ENDPOINT_VARIABLES: Record<keyof StackEndpoints, string> = {
  kafkaBrokers: 'KAFKA_BROKERS',
  schemaRegistryUrl: 'SCHEMA_REGISTRY_URL',
  elasticsearchUrl: 'ELASTICSEARCH_URL',
  mongodbUri: 'MONGODB_URI',
};

export interface StackOptions {
  /** Environment to read settings from (REVAL_CACHE_DIR, REVAL_STACK_DIR, ports…). */
  env?: NodeJS.ProcessEnv;
  /** Receives one line per step ("kafka: fetching …"); silent by default. */
  progress?: (service: ServiceName, message: string) => void;
  /** Stop what this call started if any service fails (default: leave it running). */
  stopOnFailure?: boolean;
  /** Also MariaDB and Kafka Connect, and register the TCS connector (`up --with-cdc`). */
  withCdc?: boolean;
}

export interface StackStart {
  endpoints: StackEndpoints;
  /** Services this call started; the others were already running. */
  started: ServiceName[];
  settings: StackSettings;
  /** The CDC chain's variables (KAFKA_CONNECT_URL, MYSQL_*, TCS_DATABASE_URL…) when it runs. */
  cdc?: Record<string, string>;
}

/** `export NAME=value` lines for a shell. */
export function exportLines(endpoints: StackEndpoints, cdc?: Record<string, string>): string {
  return [
    ...(Object.keys(ENDPOINT_VARIABLES) as (keyof StackEndpoints)[]).map(
      (key) => `export ${ENDPOINT_VARIABLES[key]}=${endpoints[key]}`,
    ),
    ...Object.entries(cdc ?? {}).map(([name, value]) => `export ${name}=${value}`),
  ].join('\n');
}

/** True when every CDC service has a live process the stack started. */
export function cdcRunning(settings: StackSettings): boolean {
  return CDC_SERVICES.every((name) => {
    const record = readRecord(settings.runDir, name);
    return record !== undefined && isAlive(record);
  });
}

/** Starts whatever is not running and reports which services this call started. */
export async function startStack(options: StackOptions = {}): Promise<StackStart> {
  const settings = stackSettings(options.env);
  const progress = options.progress ?? (() => undefined);
  const services = options.withCdc ? SERVICE_NAMES : BASE_SERVICES;
  const ups = await upAll(
    { settings, progress },
    { stopOnFailure: options.stopOnFailure, services },
  );
  if (options.withCdc) {
    try {
      const began = Date.now();
      const result = await registerLocalConnector(settings);
      const took = ((Date.now() - began) / 1000).toFixed(1);
      progress('connect', `connector ${result.name} ${result.action}, ${result.state} (${took} s)`);
    } catch (error) {
      if (options.stopOnFailure) {
        await downAll(
          settings,
          ups.filter((u) => u.started).map((u) => u.service),
        );
      }
      throw error;
    }
  }
  const at = (name: ServiceName) => ups.find((u) => u.service === name)?.endpoint ?? '';
  const endpoints: StackEndpoints = {
    kafkaBrokers: at('kafka'),
    schemaRegistryUrl: at('registry'),
    elasticsearchUrl: at('elasticsearch'),
    mongodbUri: at('ferretdb'),
  };
  // Also when this call did not ask for them: a later plain `up` must not drop their variables.
  const cdc = cdcRunning(settings) ? cdcVariables(settings) : undefined;
  mkdirSync(settings.runDir, { recursive: true });
  writeFileSync(join(settings.runDir, 'stack.env'), `${exportLines(endpoints, cdc)}\n`);
  return { endpoints, started: ups.filter((u) => u.started).map((u) => u.service), settings, cdc };
}

/** Starts the local stack (a no-op for services already up) and returns its endpoints. */
export async function stackUp(options: StackOptions = {}): Promise<StackEndpoints> {
  return (await startStack(options)).endpoints;
}

export interface StackDownOptions {
  env?: NodeJS.ProcessEnv;
  /** Only these services (default: all, the CDC services included). */
  services?: readonly ServiceName[];
  /** Also delete the services' data once they are stopped. */
  purge?: boolean;
}

/** Stops the processes the stack started (and only those). Safe to call when nothing runs. */
export async function stackDown(options: StackDownOptions = {}): Promise<ServiceDown[]> {
  const settings = stackSettings(options.env);
  const result = await downAll(settings, options.services);
  const left = await statusAll(settings);
  const envFile = join(settings.runDir, 'stack.env');
  if (left.every((s) => s.state !== 'up' && s.state !== 'not ready')) {
    rmSync(envFile, { force: true });
  } else if (!cdcRunning(settings) && existsSync(envFile)) {
    // The base services run on: keep their lines, drop those of the stopped CDC chain.
    const gone = new Set(Object.keys(cdcVariables(settings)));
    const kept = readFileSync(envFile, 'utf8')
      .split('\n')
      .filter((line) => !gone.has(/^export ([A-Z_]+)=/.exec(line)?.[1] ?? ''));
    writeFileSync(envFile, kept.join('\n'));
  }
  if (options.purge) {
    purgeData(settings, options.services);
    const kafkaKept = options.services && !options.services.includes('kafka');
    const cdcPurged = CDC_SERVICES.some((name) =>
      (options.services ?? SERVICE_NAMES).includes(name),
    );
    // Kafka's own data went with it otherwise; a stopped Kafka has nothing to delete from.
    if (kafkaKept && cdcPurged && left.some((s) => s.service === 'kafka' && s.state === 'up')) {
      await purgeCdcTopics(settings);
    }
  }
  return result;
}

/**
 * Each service's state (up, not ready, down, port taken), endpoint, PID and log file: the base
 * services, plus the CDC services when asked or when any of them has a record.
 */
export async function stackStatus(
  options: { env?: NodeJS.ProcessEnv; withCdc?: boolean } = {},
): Promise<ServiceStatus[]> {
  const settings = stackSettings(options.env);
  const cdcKnown = CDC_SERVICES.some((name) => readRecord(settings.runDir, name) !== undefined);
  return statusAll(settings, options.withCdc || cdcKnown ? SERVICE_NAMES : BASE_SERVICES);
}
