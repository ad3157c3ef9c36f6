// The Kafka Connect configs in this folder: loading them, filling their ${VAR} placeholders
// from the environment, and the topics they make Debezium write.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../processors/platform/paths';

export interface ConnectorFile {
  file: string;
  name: string;
  config: Record<string, string>;
}

export function connectorsDir(): string {
  return join(projectRoot(), 'connectors');
}

export function loadConnectors(dir: string = connectorsDir()): ConnectorFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        name?: unknown;
        config?: Record<string, unknown>;
      };
      if (
        typeof parsed.name !== 'string' ||
        typeof parsed.config !== 'object' ||
        parsed.config === null
      ) {
        throw new Error(`${file}: expected {"name": "...", "config": {...}}`);
      }
      for (const [key, value] of Object.entries(parsed.config)) {
        if (typeof value !== 'string') throw new Error(`${file}: ${key} must be a string`);
      }
      return { file, name: parsed.name, config: parsed.config as Record<string, string> };
    });
}

/**
 * `${VAR}` and `${VAR:-default}` are filled from the environment here. Kafka's own
 * `${env:VAR}` / `${file:...}` references are left for the Connect worker's config providers,
 * for operators who want a secret never to leave the worker.
 */
const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)(?::-([^}]*))?\}/g;

export interface Substituted {
  config: Record<string, string>;
  missing: string[];
  /** The values that came from secret variables, to be masked wherever text is shown. */
  secrets: string[];
}

const SECRET_NAME = /PASSWORD|SECRET|CONNECTION_STRING|TOKEN|CREDENTIALS|API_KEY/;

export function substitute(
  config: Record<string, string>,
  env: Record<string, string | undefined>,
): Substituted {
  const missing = new Set<string>();
  const secrets = new Set<string>();
  const filled = Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      value.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
        const found = env[name] === undefined || env[name] === '' ? fallback : env[name];
        if (found === undefined) {
          missing.add(name);
          return '';
        }
        if (SECRET_NAME.test(name) && found !== '') secrets.add(found);
        return found;
      }),
    ]),
  );
  return { config: filled, missing: [...missing].sort(), secrets: [...secrets] };
}

const SECRET_KEY = /password|secret|connection\.string|user\.info|credentials|api\.key/i;

/** The config as it may be printed: secret keys and secret values hidden. */
export function masked(config: Record<string, string>, secrets: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      SECRET_KEY.test(key) ? '(hidden)' : hide(value, secrets),
    ]),
  );
}

export function hide(text: string, secrets: string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join('(hidden)'), text);
}

/** Debezium names topics <topic.prefix>.<database>.<table or collection>. */
export function topicsProduced(connector: ConnectorFile): string[] {
  const { config } = connector;
  const list = config['table.include.list'] ?? config['collection.include.list'] ?? '';
  return list
    .split(',')
    .map((entry) => entry.trim().replace(/\\\./g, '.'))
    .filter(Boolean)
    .map((qualified) => `${config['topic.prefix']}.${qualified}`);
}
