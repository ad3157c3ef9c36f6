// The connector configs name exactly the topics the processors read, and `connectors
// register` does the right PUTs. A tiny node:http server stands in for Connect's REST API, so
// every answer (rebalances, rejections, an opaque 500) can be had at will; the real Connect
// with Debezium runs in test/integration/cdc-mariadb.test.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_TOPICS } from '../processors/platform/topics';
import { SOURCE_NAMES } from '../processors/connections/sources/changes';
import { join } from 'node:path';
import { connectorsDir, loadConnectors, masked, substitute, topicsProduced } from './connectors';
import { ConnectError, registerConnectors } from './register';

const ENV = {
  SCHEMA_REGISTRY_URL: 'http://registry:8081/apis/ccompat/v7',
  KAFKA_BROKERS: 'kafka:9092',
  MYSQL_HOST: 'tcs-db',
  MYSQL_USER: 'debezium',
  MYSQL_PASSWORD: 's3cret-pw',
  MONGODB_CONNECTION_STRING: 'mongodb://reval:mongo-pw@mongo:27017/?replicaSet=rs0',
};

describe('connector configs', () => {
  const connectors = loadConnectors();

  test('together they write exactly the CDC topics the processors read by default', () => {
    const produced = connectors.flatMap(topicsProduced).sort();
    expect(produced).toEqual(SOURCE_NAMES.map((source) => DEFAULT_TOPICS[source]).sort());
  });

  test('Debezium MySQL for the TCS tables and MongoDB for the revalidation collections, Avro with the registry', () => {
    const byClass = Object.fromEntries(
      connectors.map((c) => [c.config['connector.class'], c.config]),
    );
    const mysql = byClass['io.debezium.connector.mysql.MySqlConnector'];
    const mongo = byClass['io.debezium.connector.mongodb.MongoDbConnector'];
    expect(mysql).toMatchObject({
      'topic.prefix': 'tcs',
      'database.include.list': 'tcs',
      'tombstones.on.delete': 'true',
    });
    expect(mongo).toMatchObject({
      'topic.prefix': 'tis',
      'database.include.list': 'revalidation',
      'capture.mode': 'change_streams_update_full',
    });
    for (const config of [mysql, mongo]) {
      expect(config).toMatchObject({
        'key.converter': 'io.confluent.connect.avro.AvroConverter',
        'value.converter': 'io.confluent.connect.avro.AvroConverter',
        'key.converter.schema.registry.url': '${SCHEMA_REGISTRY_URL}',
        'value.converter.schema.registry.url': '${SCHEMA_REGISTRY_URL}',
      });
    }
  });

  test('the local MariaDB variant differs from tcs-mysql only in its class and converters', () => {
    const [local] = loadConnectors(join(connectorsDir(), 'local'));
    const production = connectors.find((c) => c.name === 'tcs-mysql');
    expect(local.name).toBe('tcs-mariadb');
    expect(local.config['connector.class']).toBe('io.debezium.connector.mariadb.MariaDbConnector');
    const isConverter = (key: string) => /^(key|value)\.converter(\.|$)/.test(key);
    const rest = (config: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(config).filter(([k]) => k !== 'connector.class' && !isConverter(k)),
      );
    expect(rest(local.config)).toEqual(rest(production?.config ?? {}));
    // JSON unless CDC_CONVERTER names Apicurio's Avro converter; same topics as production.
    expect(substitute(local.config, { ...ENV, APICURIO_REGISTRY_URL: 'x' }).config).toMatchObject({
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    });
    expect(topicsProduced(local)).toEqual(topicsProduced(production as never));
  });

  test('placeholders: ${VAR}, ${VAR:-default}, missing ones named, ${env:VAR} left to the worker', () => {
    const { config, missing, secrets } = substitute(
      {
        a: '${MYSQL_HOST}:${MYSQL_PORT:-3306}',
        b: '${env:MYSQL_PASSWORD}',
        c: '${NOT_SET}',
        d: '${MYSQL_PASSWORD}',
      },
      ENV,
    );
    expect(config).toEqual({ a: 'tcs-db:3306', b: '${env:MYSQL_PASSWORD}', c: '', d: 's3cret-pw' });
    expect(missing).toEqual(['NOT_SET']);
    expect(masked({ ...config, e: 'jdbc:x?password=s3cret-pw' }, secrets)).toEqual({
      a: 'tcs-db:3306',
      b: '${env:MYSQL_PASSWORD}',
      c: '',
      d: '(hidden)',
      e: 'jdbc:x?password=(hidden)',
    });
  });
});

/** Kafka Connect's REST API, as far as registering goes. */
class FakeConnect {
  readonly configs = new Map<string, Record<string, string>>();
  readonly requests: string[] = [];
  rebalancesLeft = 0;
  rejectWith: string | null = null;
  rejectStatus = 400;
  /** What the validate endpoint finds, per field; null: the endpoint is absent. */
  fieldErrors: [string, string][] | null = null;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: import('node:http').ServerResponse) {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    this.requests.push(`${request.method} ${request.url}`);
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    if (/^\/connector-plugins\/[^/]+\/config\/validate$/.test(request.url ?? '')) {
      if (!this.fieldErrors) return reply(404, { error_code: 404, message: 'not found' });
      return reply(200, {
        error_count: this.fieldErrors.length,
        configs: this.fieldErrors.map(([name, error]) => ({
          value: { name, value: null, errors: [error, error] },
        })),
      });
    }
    const match = /^\/connectors\/([^/]+)\/(config|status)$/.exec(request.url ?? '');
    if (!match) return reply(404, { error_code: 404, message: 'not found' });
    const name = decodeURIComponent(match[1]);
    const existing = this.configs.get(name);
    if (request.method === 'PUT' && this.rebalancesLeft > 0) {
      this.rebalancesLeft -= 1;
      return reply(409, {
        error_code: 409,
        message: 'Cannot complete request momentarily due to stale configuration',
      });
    }
    if (request.method === 'PUT' && this.rejectWith) {
      return reply(this.rejectStatus, { error_code: this.rejectStatus, message: this.rejectWith });
    }
    if (request.method === 'PUT') {
      this.configs.set(name, JSON.parse(body) as Record<string, string>);
      return reply(existing ? 200 : 201, {
        name,
        config: JSON.parse(body),
        tasks: [],
        type: 'source',
      });
    }
    if (!existing) return reply(404, { error_code: 404, message: `Connector ${name} not found` });
    if (match[2] === 'config') return reply(200, existing);
    return reply(200, {
      name,
      connector: { state: 'RUNNING', worker_id: 'w:8083' },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w:8083' }],
      type: 'source',
    });
  }
}

describe('connectors register against a stand-in for Kafka Connect', () => {
  const connect = new FakeConnect();
  let url: string;
  const connectors = loadConnectors();
  const puts = () => connect.requests.filter((r) => r.startsWith('PUT'));

  beforeAll(async () => {
    url = await connect.start();
  });
  afterAll(() => connect.stop());
  beforeEach(() => {
    connect.requests.length = 0;
  });

  test('the first run creates each connector with its placeholders filled', async () => {
    const results = await registerConnectors(url, connectors, { env: ENV });
    expect(results.map((r) => [r.name, r.action, r.state])).toEqual([
      ['tcs-mysql', 'created', 'RUNNING'],
      ['tis-revalidation-mongodb', 'created', 'RUNNING'],
    ]);
    expect(puts()).toEqual([
      'PUT /connectors/tcs-mysql/config',
      'PUT /connectors/tis-revalidation-mongodb/config',
    ]);
    expect(connect.configs.get('tcs-mysql')).toMatchObject({
      name: 'tcs-mysql',
      'database.hostname': 'tcs-db',
      'database.port': '3306',
      'database.password': 's3cret-pw',
      'value.converter.schema.registry.url': ENV.SCHEMA_REGISTRY_URL,
    });
  });

  test('running it again changes nothing; a changed setting updates only that connector', async () => {
    expect((await registerConnectors(url, connectors, { env: ENV })).map((r) => r.action)).toEqual([
      'unchanged',
      'unchanged',
    ]);
    expect(puts()).toEqual([]);
    const moved = { ...ENV, MYSQL_HOST: 'tcs-db-2' };
    expect(
      (await registerConnectors(url, connectors, { env: moved, dryRun: true })).map(
        (r) => r.action,
      ),
    ).toEqual(['would update', 'unchanged']);
    expect(puts()).toEqual([]);
    expect(
      (await registerConnectors(url, connectors, { env: moved })).map((r) => r.action),
    ).toEqual(['updated', 'unchanged']);
    expect(puts()).toEqual(['PUT /connectors/tcs-mysql/config']);
  });

  test('a rebalance (409) is retried; a rejection is reported without the secret it quotes', async () => {
    connect.rebalancesLeft = 1;
    const env = { ...ENV, MYSQL_HOST: 'tcs-db-3' };
    await expect(
      registerConnectors(url, connectors, { env, retryDelayMs: 1 }),
    ).resolves.toHaveLength(2);
    connect.rejectWith =
      'Connector configuration is invalid: database.password=s3cret-pw is rejected';
    const error = await registerConnectors(url, connectors, {
      env: { ...env, MYSQL_HOST: 'x' },
    }).catch((e: unknown) => e);
    connect.rejectWith = null;
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/answered 400: .*database.password=\(hidden\)/);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  test("an opaque 500 is replaced by the validate endpoint's errors, field by field", async () => {
    connect.rejectWith = 'Cannot invoke "ConfigInfo.configValue()" because "configInfo" is null';
    connect.rejectStatus = 500;
    connect.fieldErrors = [
      ['database.port', "The 'database.port' value is invalid: An integer is expected"],
      ['database.password', 'Access denied for s3cret-pw'],
    ];
    const error = await registerConnectors(url, connectors, {
      env: { ...ENV, MYSQL_HOST: 'y' },
    }).catch((e: unknown) => e);
    Object.assign(connect, { rejectWith: null, rejectStatus: 400, fieldErrors: null });
    expect((error as Error).message).toBe(
      'Kafka Connect rejected tcs-mysql (tcs-mysql.json):\n' +
        "  database.port: The 'database.port' value is invalid: An integer is expected\n" +
        '  database.password: Access denied for (hidden)',
    );
  });

  test('missing variables and an unreachable Connect are clear errors', async () => {
    await expect(registerConnectors(url, connectors, { env: {} })).rejects.toThrow(
      /set KAFKA_BROKERS, MONGODB_CONNECTION_STRING, MYSQL_HOST, MYSQL_PASSWORD, MYSQL_USER, SCHEMA_REGISTRY_URL/,
    );
    await expect(
      registerConnectors('http://127.0.0.1:9', connectors, { env: ENV }),
    ).rejects.toThrow(/cannot reach Kafka Connect/);
  });
});
