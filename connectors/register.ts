// `reval connectors register`: PUT each connector's config to Kafka Connect's REST API.
// PUT /connectors/{name}/config creates or replaces, so running it again is safe; a connector
// whose config is already the same is not touched at all (no needless task restart). When
// Connect refuses a config, its answer can be an opaque 500 (Connect 4.4 fails on its own
// error path); the plugin's validate endpoint gives the real reason, field by field.
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
  /** One line per failed task (or the connector itself): its id and the trace's first line. */
  failedTasks?: string[];
  /** The full traces of what FAILED, for whoever needs more than the first line. */
  traces?: string[];
}

interface Options {
  dryRun?: boolean;
  env?: Record<string, string | undefined>;
  /** Retries of a 409 (Connect is rebalancing). */
  retries?: number;
  retryDelayMs?: number;
  /**
   * Wait up to this long for each connector and all its tasks to be RUNNING, stopping early
   * when one FAILED; by default the state is read once, as it is right after the PUT.
   */
  waitMs?: number;
  pollMs?: number;
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
    const state = () => settledStatus(call, path, options.waitMs ?? 0, options.pollMs ?? 500);
    if (existing !== null && sameConfig(existing, wanted)) {
      results.push({ name: connector.name, action: 'unchanged', ...(await state()) });
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
    if (put.status !== 200 && put.status !== 201) {
      const why = await validationErrors(call, wanted);
      if (why.length > 0) {
        throw new ConnectError(
          `Kafka Connect rejected ${connector.name} (${connector.file}):\n` +
            why.map((line) => `  ${hide(line, secrets)}`).join('\n'),
        );
      }
      throw failure('PUT', `${path}/config`, put, secrets);
    }
    results.push({
      name: connector.name,
      action: put.status === 201 ? 'created' : 'updated',
      ...(await state()),
    });
  }
  return results;
}

function sameConfig(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; text: string }>;

export type ConnectorStatus = Pick<RegisterResult, 'state' | 'failedTasks' | 'traces'>;

/** Connect's per-field verdict on a config; empty when it finds nothing or cannot be asked. */
async function validationErrors(call: Call, config: Record<string, string>): Promise<string[]> {
  const className = config['connector.class'];
  if (!className) return ['connector.class: missing'];
  const response = await call(
    'PUT',
    `/connector-plugins/${encodeURIComponent(className)}/config/validate`,
    config,
  );
  let body: {
    message?: string;
    configs?: { value?: { name?: string; value?: unknown; errors?: string[] } }[];
  };
  try {
    body = JSON.parse(response.text) as typeof body;
  } catch {
    return [];
  }
  // An unknown class is refused here with a message naming it (and the plugins Connect has).
  if (response.status !== 200) {
    return response.status === 400 && body.message ? [`connector.class: ${body.message}`] : [];
  }
  // Connect repeats a field's error when a recommender and a validator both reject it.
  const lines = (body.configs ?? []).flatMap(({ value }) =>
    (value?.errors ?? []).map((error) => `${value?.name ?? '?'}: ${error}`),
  );
  return [...new Set(lines)];
}

async function readStatus(
  call: Call,
  path: string,
): Promise<ConnectorStatus & { settled: boolean }> {
  const response = await call('GET', `${path}/status`);
  if (response.status !== 200) return { settled: false };
  const body = JSON.parse(response.text) as {
    connector?: { state?: string; trace?: string };
    tasks?: { id: number; state: string; trace?: string }[];
  };
  const tasks = body.tasks ?? [];
  const failed = [
    ...(body.connector?.state === 'FAILED'
      ? [{ what: 'connector', trace: body.connector.trace }]
      : []),
    ...tasks
      .filter((task) => task.state === 'FAILED')
      .map((task) => ({ what: `task ${task.id}`, trace: task.trace })),
  ];
  const running =
    body.connector?.state === 'RUNNING' &&
    tasks.length > 0 &&
    tasks.every((task) => task.state === 'RUNNING');
  return {
    state: body.connector?.state,
    settled: running || failed.length > 0,
    ...(failed.length > 0
      ? {
          failedTasks: failed.map(({ what, trace }) => `${what}: ${(trace ?? '').split('\n')[0]}`),
          traces: failed.map(({ what, trace }) => `${what}:\n${trace ?? '(no trace)'}`),
        }
      : {}),
  };
}

/** A connector's state and its failures, read once: Connect's URL and the connector's name. */
export async function connectorStatus(connectUrl: string, name: string): Promise<ConnectorStatus> {
  const base = connectUrl.replace(/\/$/, '');
  const call: Call = async (method, path) => {
    const response = await fetch(`${base}${path}`, { method });
    return { status: response.status, text: await response.text() };
  };
  const { settled: _settled, ...status } = await readStatus(
    call,
    `/connectors/${encodeURIComponent(name)}`,
  );
  return status;
}

/** The state once it is RUNNING everywhere or something FAILED, or as it is at the deadline. */
async function settledStatus(
  call: Call,
  path: string,
  waitMs: number,
  pollMs: number,
): Promise<ConnectorStatus> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { settled, ...status } = await readStatus(call, path);
    if (settled || Date.now() >= deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
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
