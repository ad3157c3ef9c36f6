// The real CDC chain of the local stack, once MariaDB and Kafka Connect run: the variables
// that describe it, and the TCS connector registered through `reval connectors register`'s
// own code, so the stack exercises exactly what an operator runs.
import { join } from 'node:path';
import { connectorsDir, loadConnectors } from '../connectors/connectors';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectorStatus, registerConnectors, type RegisterResult } from '../connectors/register';
import { deleteTopicsWhere } from '../processors/platform/kafka';
import { CONNECT_GROUP } from './connect';
import { StackError } from './errors';
import { MARIADB_ACCOUNTS, mariadbQuery, TCS_DATABASE } from './mariadb';
import type { StackSettings } from './settings';

/** The local variants of the production connector configs (connectors/local/). */
export const localConnectorsDir = (): string => join(connectorsDir(), 'local');
export const TCS_CONNECTOR = 'tcs-mariadb';

/** Apicurio's own v2 API, which its Kafka Connect converter speaks (not the ccompat one). */
const APICURIO_V2_PATH = '/apis/registry/v2';

export const CONVERTERS = {
  json: 'org.apache.kafka.connect.json.JsonConverter',
  avro: 'io.apicurio.registry.utils.converter.AvroConverter',
} as const;
export type CdcFormat = keyof typeof CONVERTERS;

/**
 * What the local connector's placeholders and a shell need: Connect's URL, MariaDB as Debezium
 * reaches it, and the account the demo and tests write TCS rows with.
 */
export function cdcVariables(settings: StackSettings): Record<string, string> {
  const { host, ports } = settings;
  const { debezium, app } = MARIADB_ACCOUNTS;
  return {
    KAFKA_CONNECT_URL: `http://${host}:${ports.connect}`,
    MYSQL_HOST: host,
    MYSQL_PORT: String(ports.mariadb),
    MYSQL_USER: debezium.user,
    MYSQL_PASSWORD: debezium.password,
    TCS_DATABASE_URL: `mysql://${app.user}:${app.password}@${host}:${ports.mariadb}/${TCS_DATABASE}`,
    APICURIO_REGISTRY_URL: `http://${host}:${ports.registry}${APICURIO_V2_PATH}`,
    // One broker.
    CDC_TOPIC_REPLICATION_FACTOR: '1',
  };
}

export interface LocalConnectorOptions {
  format?: CdcFormat;
  /** How long to wait for the connector and its task to be RUNNING. */
  waitMs?: number;
  /** Changes to the config (another topic prefix or database, for tests). */
  override?: Record<string, string>;
  /** Another connector name (tests): then RUNNING is all that is awaited, not streaming. */
  name?: string;
}

/**
 * Registers (or leaves unchanged) the TCS connector and waits until Debezium streams the
 * binlog; throws, with the task's trace, if it does not. A connector found FAILED (MariaDB was
 * down when Connect restarted it, say) is restarted once first.
 */
export async function registerLocalConnector(
  settings: StackSettings,
  options: LocalConnectorOptions = {},
): Promise<RegisterResult> {
  const variables = cdcVariables(settings);
  const file = loadConnectors(localConnectorsDir()).find((c) => c.name === TCS_CONNECTOR);
  if (!file)
    throw new StackError('connect', `no ${TCS_CONNECTOR} config in ${localConnectorsDir()}`);
  const connector = {
    ...file,
    name: options.name ?? file.name,
    config: { ...file.config, ...options.override },
  };
  const env = {
    ...variables,
    KAFKA_BROKERS: `${settings.host}:${settings.ports.kafka}`,
    CDC_CONVERTER: CONVERTERS[options.format ?? 'json'],
  };
  const waitMs = options.waitMs ?? 60_000;
  const register = () =>
    registerConnectors(variables.KAFKA_CONNECT_URL, [connector], { env, waitMs });
  let [result] = await register();
  if (result.action === 'unchanged' && result.failedTasks) {
    await restart(variables.KAFKA_CONNECT_URL, connector.name);
    [result] = await register();
  }
  // Only for the stack's own connector: the check cannot tell two connectors' threads apart.
  if (result.state === 'RUNNING' && !result.failedTasks && connector.name === TCS_CONNECTOR) {
    // RUNNING is said before the snapshot; a task can still fail when it starts to stream.
    const streaming = await waitForStreaming(settings, connector.name, waitMs);
    if (streaming !== true) result = { ...result, ...streaming };
  }
  if (result.state !== 'RUNNING' || result.failedTasks) {
    throw new StackError(
      'connect',
      `connector ${result.name} is ${result.state ?? 'not known to Connect'}` +
        `${result.traces ? `:\n${result.traces.join('\n')}` : ''}\n` +
        'See README, "Local stack", runbook for a failed connector',
      join(settings.runDir, 'logs', 'connect.log'),
    );
  }
  return result;
}

async function restart(connectUrl: string, name: string): Promise<void> {
  const url = `${connectUrl}/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=true`;
  const response = await fetch(url, { method: 'POST' });
  if (!response.ok && response.status !== 202) {
    throw new StackError('connect', `restarting ${name} answered ${response.status}`);
  }
}

/**
 * True once MariaDB shows the connector's binlog dump thread (Debezium is streaming), or the
 * connector's failure as `registerConnectors` reports it. MariaDB names the thread's command
 * `Binlog Dump` and its user is Debezium's account.
 */
async function waitForStreaming(
  settings: StackSettings,
  name: string,
  waitMs: number,
): Promise<true | Pick<RegisterResult, 'state' | 'failedTasks' | 'traces'>> {
  const connectUrl = cdcVariables(settings).KAFKA_CONNECT_URL;
  const deadline = Date.now() + waitMs;
  const dumps =
    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' " +
    `AND USER = '${MARIADB_ACCOUNTS.debezium.user}'`;
  for (;;) {
    // MariaDB answers TCP handshakes (the readiness probe) a moment before its socket file
    // exists, which this query uses: right after a restart, a failure means "not yet".
    const count = await mariadbQuery(settings, dumps).then(
      (rows) => Number(rows.trim()),
      () => 0,
    );
    if (count > 0) return true;
    const status = await connectorStatus(connectUrl, name);
    if (status.failedTasks || Date.now() >= deadline) return status;
    await sleep(500);
  }
}

/**
 * With MariaDB's data purged, the positions Connect keeps in Kafka name binlog files that no
 * longer exist, and the connector would fail on its next start. So purging the CDC services
 * also deletes Connect's own topics and the connector's schema history; the next `up
 * --with-cdc` registers the connector afresh and it snapshots the new, empty database. The
 * tcs.tcs.* topics are left: they are the processors' input, and `down --purge` clears them.
 */
export async function purgeCdcTopics(settings: StackSettings): Promise<string[]> {
  return deleteTopicsWhere(
    {
      clientId: 'reval-stack-purge',
      brokers: [`${settings.host}:${settings.ports.kafka}`],
      retries: 1,
    },
    (topic) => topic.startsWith(`${CONNECT_GROUP}-`) || topic === 'tcs.schema-history',
  );
}
