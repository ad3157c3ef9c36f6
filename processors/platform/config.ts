// Configuration from environment variables, validated per service when a command needs it,
// so that a bad value fails at start with a message naming the variable. That
// message never holds a secret: `read` shows a SECRET_VARIABLES value as "(hidden)".
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** Variables whose values must never be printed. */
export const SECRET_VARIABLES = [
  'GMC_PASSWORD',
  'KAFKA_SASL_PASSWORD',
  'SCHEMA_REGISTRY_PASSWORD',
  'ELASTICSEARCH_PASSWORD',
  'ELASTICSEARCH_API_KEY',
  'MONGODB_URI',
  'CONNECTIONS_QUERY_TOKEN',
] as const;

function read<T extends z.ZodType>(env: Env, name: string, schema: T): z.infer<T> {
  const raw = env[name];
  const value = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  const result = schema.safeParse(value);
  if (!result.success) {
    const shown = (SECRET_VARIABLES as readonly string[]).includes(name)
      ? '(hidden)'
      : JSON.stringify(raw);
    const problem = result.error.issues.map((issue) => issue.message).join('; ');
    throw new ConfigError(
      value === undefined
        ? `${name} is required: ${problem}`
        : `${name}=${shown} is invalid: ${problem}`,
    );
  }
  return result.data;
}

const url = z.url({ message: 'expected a URL such as http://127.0.0.1:9200' });
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = z
  .string()
  .regex(/^\d+$/, { message: 'expected a whole number' })
  .transform(Number)
  .refine((n) => n > 0, { message: 'expected a number above 0' });
const optionalFile = z
  .string()
  .optional()
  .transform((path, ctx) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      ctx.addIssue({ code: 'custom', message: `cannot read file ${path}` });
      return z.NEVER;
    }
  });

export interface TlsOptions {
  ca?: string;
  rejectUnauthorized: boolean;
}

function tls(env: Env, prefix: string): TlsOptions | undefined {
  const enabled = read(env, `${prefix}_TLS`, bool.optional()) ?? false;
  const ca = read(env, `${prefix}_TLS_CA_FILE`, optionalFile);
  if (!enabled && ca === undefined) return undefined;
  const insecure = read(env, `${prefix}_TLS_INSECURE`, bool.optional()) ?? false;
  return { ca, rejectUnauthorized: !insecure };
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  tls?: TlsOptions;
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
}

export function kafkaConfig(env: Env = process.env): KafkaConfig {
  const brokers = read(
    env,
    'KAFKA_BROKERS',
    z
      .string({ message: 'set it to host:port[,host:port...]' })
      .transform((s) =>
        s
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d+$/.test(b)), {
        message: 'expected host:port[,host:port...]',
      }),
  );
  const clientId = read(env, 'KAFKA_CLIENT_ID', z.string().optional()) ?? 'reval-stream';
  const mechanism = read(
    env,
    'KAFKA_SASL_MECHANISM',
    z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  );
  let sasl: KafkaConfig['sasl'];
  if (mechanism) {
    sasl = {
      mechanism,
      username: read(
        env,
        'KAFKA_SASL_USERNAME',
        z.string({ message: 'needed with KAFKA_SASL_MECHANISM' }),
      ),
      password: read(
        env,
        'KAFKA_SASL_PASSWORD',
        z.string({ message: 'needed with KAFKA_SASL_MECHANISM' }),
      ),
    };
  }
  return { brokers, clientId, tls: tls(env, 'KAFKA'), sasl };
}

export interface RegistryConfig {
  url: string;
  auth?: { username: string; password: string };
  tls?: TlsOptions;
}

export function registryConfig(env: Env = process.env): RegistryConfig {
  const registryUrl = read(env, 'SCHEMA_REGISTRY_URL', url);
  const username = read(env, 'SCHEMA_REGISTRY_USERNAME', z.string().optional());
  const auth = username
    ? {
        username,
        password: read(
          env,
          'SCHEMA_REGISTRY_PASSWORD',
          z.string({ message: 'needed with SCHEMA_REGISTRY_USERNAME' }),
        ),
      }
    : undefined;
  return { url: registryUrl, auth, tls: tls(env, 'SCHEMA_REGISTRY') };
}

export interface ElasticsearchConfig {
  url: string;
  apiKey?: string;
  auth?: { username: string; password: string };
  tls?: TlsOptions;
}

export function elasticsearchConfig(env: Env = process.env): ElasticsearchConfig {
  const esUrl = read(env, 'ELASTICSEARCH_URL', url);
  const apiKey = read(env, 'ELASTICSEARCH_API_KEY', z.string().optional());
  const username = read(env, 'ELASTICSEARCH_USERNAME', z.string().optional());
  const auth = username
    ? {
        username,
        password: read(
          env,
          'ELASTICSEARCH_PASSWORD',
          z.string({ message: 'needed with ELASTICSEARCH_USERNAME' }),
        ),
      }
    : undefined;
  return { url: esUrl, apiKey, auth, tls: tls(env, 'ELASTICSEARCH') };
}

export interface ElasticsearchViewsConfig {
  /** Prepended to every index, alias and template name, so several stacks can share a cluster. */
  indexPrefix: string;
  bulkMaxActions: number;
  bulkMaxInFlight: number;
  /** Also keep the legacy projection under the names today's readers query (docs/readers.md). */
  legacyViews: boolean;
}

export function elasticsearchViewsConfig(env: Env = process.env): ElasticsearchViewsConfig {
  return {
    indexPrefix:
      read(
        env,
        'ES_INDEX_PREFIX',
        z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]*$/, {
            message: 'expected lowercase letters, digits, ".", "_" or "-"',
          })
          .optional(),
      ) ?? '',
    bulkMaxActions: read(env, 'ES_BULK_MAX_ACTIONS', positiveInt.optional()) ?? 1_000,
    bulkMaxInFlight: read(env, 'ES_BULK_MAX_IN_FLIGHT', positiveInt.optional()) ?? 2,
    legacyViews: read(env, 'ES_LEGACY_VIEWS', bool.optional()) ?? true,
  };
}

export interface MongoConfig {
  uri: string;
  database: string;
  tls?: TlsOptions;
}

export function mongoConfig(env: Env = process.env): MongoConfig {
  const uri = read(
    env,
    'MONGODB_URI',
    z.string({ message: 'set it to mongodb://host:port' }).regex(/^mongodb(\+srv)?:\/\//, {
      message: 'expected a mongodb:// or mongodb+srv:// URI',
    }),
  );
  const database = read(env, 'MONGODB_DATABASE', z.string().optional()) ?? 'revalidation';
  return { uri, database, tls: tls(env, 'MONGODB') };
}

export interface GmcConfig {
  url: string;
  username: string;
  password: string;
  designatedBodies: string[];
  syncCron: string;
  maxDisconnectRatio: number;
  timeoutMs: number;
  retries: number;
  concurrency: number;
  /** Fixed per environment: runs sharing it fence each other (one sync at a time). */
  syncTransactionalId: string;
}

const designatedBodyList = z
  .string({ message: 'set it to a comma-separated list of designated body codes' })
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0 && list.every((b) => /^[0-9A-Za-z-]+$/.test(b)), {
    message: 'expected codes such as 1-1RSG4X0,1-1RUZV1D',
  });

export function gmcConfig(env: Env = process.env): GmcConfig {
  return {
    url: read(env, 'GMC_URL', url),
    username: read(env, 'GMC_USERNAME', z.string({ message: 'the GMC web service user name' })),
    password: read(env, 'GMC_PASSWORD', z.string({ message: 'the GMC web service password' })),
    designatedBodies: read(env, 'GMC_DESIGNATED_BODIES', designatedBodyList),
    syncCron: read(env, 'GMC_SYNC_CRON', z.string().optional()) ?? '0 2 * * *',
    maxDisconnectRatio:
      read(
        env,
        'GMC_SYNC_MAX_DISCONNECT_RATIO',
        z
          .string()
          .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'expected a number from 0 to 1' })
          .transform(Number)
          .optional(),
      ) ?? 0.5,
    timeoutMs: read(env, 'GMC_TIMEOUT_MS', positiveInt.optional()) ?? 120_000,
    retries: read(env, 'GMC_RETRIES', positiveInt.optional()) ?? 4,
    concurrency: read(env, 'GMC_CONCURRENCY', positiveInt.optional()) ?? 4,
    syncTransactionalId:
      read(env, 'GMC_SYNC_TRANSACTIONAL_ID', z.string().optional()) ?? 'reval-gmc-sync',
  };
}

export function timeZone(env: Env = process.env): string {
  return (
    read(
      env,
      'REVAL_TIMEZONE',
      z
        .string()
        .refine(
          (tz) => {
            try {
              new Intl.DateTimeFormat('en-GB', { timeZone: tz });
              return true;
            } catch {
              return false;
            }
          },
          { message: 'expected an IANA time zone such as Europe/London' },
        )
        .optional(),
    ) ?? 'Europe/London'
  );
}

export interface ConnectionsConfig {
  /** Partitions of reval.connections when this processor creates it: the unit of scaling. */
  partitions: number;
  /** The application id: consumer group, and prefix of the changelog and repartition topics. */
  groupId: string;
  /** Where local state stores live: `REVAL_STATE_DIR`, default `<REVAL_CACHE_DIR>/state`. */
  stateDir: string;
}

export function connectionsConfig(env: Env = process.env): ConnectionsConfig {
  return {
    partitions: read(env, 'CONNECTIONS_PARTITIONS', positiveInt.optional()) ?? 3,
    groupId:
      read(
        env,
        'CONNECTIONS_GROUP_ID',
        z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,200}$/, {
            message: 'expected letters, digits, ".", "_" or "-" (it prefixes topic names)',
          })
          .optional(),
      ) ?? 'reval-connections',
    stateDir: stateDir(env),
  };
}

/** An http(s) URL: where redirects point and clients connect. */
const httpUrl = url.refine((text) => /^https?:\/\//i.test(text), {
  message: 'expected an http:// or https:// URL such as http://conn-1.internal:9464',
});

/** Interactive queries of the connections state (GET /doctors/{gmcNumber}, `reval explain`). */
export interface ConnectionsQueryConfig {
  /** Where other instances and clients reach this instance's metrics port. */
  advertisedUrl: string;
  /** When set, a query must carry `Authorization: Bearer <token>`. A secret. */
  token: string | undefined;
}

export function connectionsQueryConfig(env: Env = process.env): ConnectionsQueryConfig {
  return {
    advertisedUrl:
      read(env, 'CONNECTIONS_ADVERTISED_URL', httpUrl.optional())?.replace(/\/+$/, '') ??
      `http://${hostname()}:${metricsPort(env)}`,
    token: read(
      env,
      'CONNECTIONS_QUERY_TOKEN',
      z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
    ),
  };
}

/** Where `reval explain` asks a running connections instance (its metrics port). */
export function connectionsUrl(env: Env = process.env): string {
  return (read(env, 'CONNECTIONS_URL', httpUrl.optional()) ?? 'http://127.0.0.1:9464').replace(
    /\/+$/,
    '',
  );
}

/** A topic's retention in milliseconds: a whole number above 0, or -1 for "keep forever". */
export function retentionMs(env: Env, variable: string, defaultMs: number): number {
  return (
    read(
      env,
      variable,
      z
        .string()
        .regex(/^(-1|\d+)$/, { message: 'expected milliseconds (a whole number), or -1 for ever' })
        .transform(Number)
        .refine((ms) => ms === -1 || (ms > 0 && Number.isSafeInteger(ms)), {
          message: 'expected milliseconds above 0, or -1 for ever',
        })
        .optional(),
    ) ?? defaultMs
  );
}

export function stateDir(env: Env = process.env): string {
  const configured = read(env, 'REVAL_STATE_DIR', z.string().min(1).optional());
  if (configured) return resolve(configured.replace(/^~(?=$|\/)/, homedir()));
  const cache = env.REVAL_CACHE_DIR?.replace(/^~(?=$|\/)/, homedir());
  return resolve(cache || join(homedir(), '.cache', 'reval-stream'), 'state');
}

export function metricsPort(env: Env = process.env): number {
  return read(env, 'METRICS_PORT', positiveInt.optional()) ?? 9464;
}
