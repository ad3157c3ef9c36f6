// The local stack: real Kafka, schema registry, Elasticsearch and MongoDB-wire services run
// natively on 127.0.0.1, fetched on first use. Used by `reval stack`, `npm start` and the
// test harness.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  downAll,
  purgeData,
  statusAll,
  upAll,
  type ServiceDown,
  type ServiceStatus,
} from './lifecycle';
import { stackSettings, type ServiceName, type StackSettings } from './settings';

export { StackError } from './errors';
export { SERVICE_NAMES, VERSIONS, stackSettings } from './settings';
export type { ServiceName, StackSettings } from './settings';
export type { ServiceDown, ServiceStatus } from './lifecycle';

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
}

export interface StackStart {
  endpoints: StackEndpoints;
  /** Services this call started; the others were already running. */
  started: ServiceName[];
  settings: StackSettings;
}

/** `export NAME=value` lines for a shell. */
export function exportLines(endpoints: StackEndpoints): string {
  return (Object.keys(ENDPOINT_VARIABLES) as (keyof StackEndpoints)[])
    .map((key) => `export ${ENDPOINT_VARIABLES[key]}=${endpoints[key]}`)
    .join('\n');
}

/** Starts whatever is not running and reports which services this call started. */
export async function startStack(options: StackOptions = {}): Promise<StackStart> {
  const settings = stackSettings(options.env);
  const ups = await upAll(
    { settings, progress: options.progress ?? (() => undefined) },
    { stopOnFailure: options.stopOnFailure },
  );
  const at = (name: ServiceName) => ups.find((u) => u.service === name)?.endpoint ?? '';
  const endpoints: StackEndpoints = {
    kafkaBrokers: at('kafka'),
    schemaRegistryUrl: at('registry'),
    elasticsearchUrl: at('elasticsearch'),
    mongodbUri: at('ferretdb'),
  };
  mkdirSync(settings.runDir, { recursive: true });
  writeFileSync(join(settings.runDir, 'stack.env'), `${exportLines(endpoints)}\n`);
  return { endpoints, started: ups.filter((u) => u.started).map((u) => u.service), settings };
}

/** Starts the local stack (a no-op for services already up) and returns its endpoints. */
export async function stackUp(options: StackOptions = {}): Promise<StackEndpoints> {
  return (await startStack(options)).endpoints;
}

export interface StackDownOptions {
  env?: NodeJS.ProcessEnv;
  /** Only these services (default: all four). */
  services?: readonly ServiceName[];
  /** Also delete the services' data once they are stopped. */
  purge?: boolean;
}

/** Stops the processes the stack started (and only those). Safe to call when nothing runs. */
export async function stackDown(options: StackDownOptions = {}): Promise<ServiceDown[]> {
  const settings = stackSettings(options.env);
  const result = await downAll(settings, options.services);
  const left = await statusAll(settings);
  if (left.every((s) => s.state !== 'up' && s.state !== 'not ready')) {
    rmSync(join(settings.runDir, 'stack.env'), { force: true });
  }
  if (options.purge) purgeData(settings);
  return result;
}

/** Each service's state (up, not ready, down, port taken), endpoint, PID and log file. */
export async function stackStatus(
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<ServiceStatus[]> {
  return statusAll(stackSettings(options.env));
}
