// `reval connectors register`: PUT each connector's config to Kafka Connect's REST API.
// PUT /connectors/{name}/config creates or replaces, so running it again is safe; a connector
// whose config is already the same is not touched at all (no needless task restart).
import type { ConnectorFile } from './connectors';
import { hide, substitute } from './connectors';

export class ConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

export interface RegisterResult {
  name: string;
  action: 'created' | 'updated' | 'unchanged' | 'would create' | 'would update';
  /** Connector state from /status (RUNNING, PAUSED, FAILED, UNASSIGNED), when known. */
  state?: string;
  failedTasks?: string[];
}

interface Options {
  dryRun?: boolean;
  env?: Record<string, string | undefined>;
  /** Retries of a 409 (Connect is rebalancing). */
  retries?: number;
  retryDelayMs?: number;
}

export async function registerConnectors(
  connectUrl: string,
  connectors: ConnectorFile[],
  options: Options = {},
): Promise<RegisterResult[]> {
  const base = connectUrl.replace(/\/$/, '');
  const prepared = connectors.map((connector) => ({
    connector,
    ...substitute(connector.config, options.env ?? process.env),
  }));
  const missing = [...new Set(prepared.flatMap((p) => p.missing))].sort();
  if (missing.length > 0) {
    throw new ConnectError(
      `set ${missing.join(', ')} (used by ${prepared
        .filter((p) => p.missing.length)
        .map((p) => p.connector.file)
        .join(', ')})`,
    );
  }
  const secrets = prepared.flatMap((p) => p.secrets);
  const call = async (method: string, path: string, body?: unknown) => {
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        throw new ConnectError(
          `cannot reach Kafka Connect at ${base}: ${(error as Error).message}`,
        );
      }
      const text = await response.text();
      if (response.status === 409 && attempt < (options.retries ?? 5)) {
        await new Promise((resolve) =>
          setTimeout(resolve, (options.retryDelayMs ?? 1_000) * 2 ** attempt),
        );
        continue;
      }
      return { status: response.status, text };
    }
  };
  const results: RegisterResult[] = [];
  for (const { connector, config } of prepared) {
    const path = `/connectors/${encodeURIComponent(connector.name)}`;
    const current = await call('GET', `${path}/config`);
    let existing: Record<string, string> | null = null;
    if (current.status === 200) existing = JSON.parse(current.text) as Record<string, string>;
    else if (current.status !== 404) throw failure('GET', `${path}/config`, current, secrets);
    const wanted = { ...config, name: connector.name };
    if (existing !== null && sameConfig(existing, wanted)) {
      results.push({ name: connector.name, action: 'unchanged', ...(await status(call, path)) });
      continue;
    }
    if (options.dryRun) {
      results.push({
        name: connector.name,
        action: existing === null ? 'would create' : 'would update',
      });
      continue;
    }
    const put = await call('PUT', `${path}/config`, wanted);
    if (put.status !== 200 && put.status !== 201)
      throw failure('PUT', `${path}/config`, put, secrets);
    results.push({
      name: connector.name,
      action: put.status === 201 ? 'created' : 'updated',
      ...(await status(call, path)),
    });
  }
  return results;
}

function sameConfig(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

type Call = (method: string, path: string) => Promise<{ status: number; text: string }>;

async function status(
  call: Call,
  path: string,
): Promise<Pick<RegisterResult, 'state' | 'failedTasks'>> {
  const response = await call('GET', `${path}/status`);
  if (response.status !== 200) return {};
  const body = JSON.parse(response.text) as {
    connector?: { state?: string };
    tasks?: { id: number; state: string; trace?: string }[];
  };
  const failedTasks = (body.tasks ?? [])
    .filter((task) => task.state === 'FAILED')
    .map((task) => `task ${task.id}: ${(task.trace ?? '').split('\n')[0]}`);
  return { state: body.connector?.state, ...(failedTasks.length > 0 ? { failedTasks } : {}) };
}

function failure(
  method: string,
  path: string,
  response: { status: number; text: string },
  secrets: string[],
): ConnectError {
  let message = response.text.slice(0, 500);
  try {
    message = (JSON.parse(response.text) as { message?: string }).message ?? message;
  } catch {
    // Not JSON: show the text as it came.
  }
  // Connect's validation errors can quote config values; never print a secret.
  return new ConnectError(
    `${method} ${path} answered ${response.status}: ${hide(message, secrets)}`,
  );
}
