// The one module that talks to the schema registry. It encodes the project's records in the
// Confluent wire format (magic byte 0, 4-byte schema id, Avro body) and decodes any
// registry-encoded message, including Debezium's Avro.
import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { RegistryConfig } from './config';
import { TOPIC_CATALOGUE, TOPIC_NAMES, type TopicName, type Topics } from './topics';
import { logicalTypes } from './avro-types';
import { exactLongTypeHook } from './avro-long';
import { readSchema, SCHEMA_FILES, valueSubject, type SchemaName } from '../../schemas/catalog';

/** The topic (by catalogue name) whose values use each schema: from the topic catalogue. */
const SCHEMA_TOPICS = Object.fromEntries(
  TOPIC_NAMES.flatMap((topic) => {
    const value: string = TOPIC_CATALOGUE[topic].value;
    return value in SCHEMA_FILES ? [[value, topic]] : [];
  }),
) as Record<SchemaName, TopicName>;

export type CompatibilityLevel = 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL';

export class SchemaRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaRegistryError';
  }
}

/**
 * The registry could not answer (unreachable, 5xx, refused our credentials): the fault is the
 * registry's, not the record's. Decoders must not dead-letter on it; they throw it, so the
 * batch is read again once the registry is back. `retriable` tells kafkajs to restart the
 * consumer rather than stop it.
 */
export class RegistryUnavailableError extends Error {
  readonly retriable = true;
  constructor(url: string, cause: Error) {
    super(`schema registry at ${url} unavailable: ${cause.message}`, { cause });
    this.name = 'RegistryUnavailableError';
  }
}

/**
 * The client's HTTP failures carry a status; a network failure arrives as status 400 with the
 * socket error as its text. Only 404 (no schema with that id) is an answer about the record.
 */
function registryFailed(error: unknown): error is Error {
  if (!(error instanceof Error) || error.name !== 'ResponseError') return false;
  const { status } = error as Error & { status?: unknown };
  return typeof status === 'number' && status !== 404;
}

/**
 * Runs `attempt` again while the registry cannot answer, backing off from 1 s to 30 s: for a
 * reader with no consumer group to read its batch again (a global table).
 */
export async function whileRegistryUnavailable<T>(
  attempt: () => Promise<T>,
  onWait: (error: RegistryUnavailableError, retryInMs: number) => void,
): Promise<T> {
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RegistryUnavailableError)) throw error;
      onWait(error, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export function isRegistryEncoded(buffer: Buffer | null): buffer is Buffer {
  return buffer !== null && buffer.length >= 5 && buffer[0] === 0;
}

export class SchemaRegistryCodecs {
  private readonly registry: SchemaRegistry;
  private readonly schemaIds = new Map<SchemaName, Promise<number>>();
  /** The TLS settings (a private CA) for the client and this module's own requests alike. */
  private readonly httpsAgent?: HttpsAgent;

  /**
   * @param onMend told each time a subject without a compatibility rule is given one (see
   *   registerRacing), so the processor can log it.
   */
  constructor(
    private readonly config: RegistryConfig,
    private readonly topics: Topics,
    private readonly onMend?: (subject: string) => void,
  ) {
    this.httpsAgent = config.tls
      ? new HttpsAgent({ ca: config.tls.ca, rejectUnauthorized: config.tls.rejectUnauthorized })
      : undefined;
    this.registry = new SchemaRegistry(
      {
        host: config.url.replace(/\/$/, ''),
        auth: config.auth,
        clientId: 'reval-stream',
        agent: this.httpsAgent,
        retry: { retries: 5, initialRetryTimeInSecs: 0.2, maxRetryTimeInSecs: 5 },
      },
      // Debezium 3 writes ts_ns (~1.8e18): longs beyond 2^53 decode as exact bigints.
      { [SchemaType.AVRO]: { logicalTypes, wrapUnions: false, typeHook: exactLongTypeHook } },
    );
  }

  subjectOf(name: SchemaName): string {
    return valueSubject(this.topics[SCHEMA_TOPICS[name]]);
  }

  /** Registers the schema under its topic's subject (idempotent: same schema, same id). */
  register(name: SchemaName): Promise<number> {
    let id = this.schemaIds.get(name);
    if (!id) {
      id = this.registerRacing(name).catch((error: unknown) => {
        this.schemaIds.delete(name);
        if (error instanceof RegistryUnavailableError) throw error;
        if (registryFailed(error)) throw new RegistryUnavailableError(this.config.url, error);
        throw new SchemaRegistryError(
          `cannot register ${this.subjectOf(name)} at ${this.config.url}: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      this.schemaIds.set(name, id);
    }
    return id;
  }

  /**
   * The client registers a new subject's first schema and only then sets its compatibility
   * (BACKWARD), and afterwards refuses any subject whose level is not BACKWARD. Apicurio answers
   * NONE for a subject without a rule, so a subject left without one refuses this client for
   * ever: a first registration cut off between the two calls (a crash, a registry outage), a
   * second process registering the same new subject in that moment, or a registry restart that
   * lost the rule (seen in a chaos run). Setting the rule the first registration meant to set,
   * and asking again, mends each of them; a level someone chose (FORWARD, FULL, ...) is left.
   */
  private async registerRacing(name: SchemaName): Promise<number> {
    const subject = this.subjectOf(name);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const registered = await this.registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(readSchema(name)) },
          { subject },
        );
        return registered.id;
      } catch (error) {
        const unruled =
          error instanceof Error &&
          /Compatibility does not match the configuration \(BACKWARD != NONE\)/.test(error.message);
        if (!unruled || attempt >= 5) throw error;
        this.onMend?.(subject);
        await this.setCompatibility(subject, 'BACKWARD');
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  async encode(name: SchemaName, record: unknown): Promise<Buffer> {
    return this.registry.encode(await this.register(name), record);
  }

  /**
   * Decodes a Confluent-framed Avro message with the writer's schema from the registry. An
   * unknown schema id or a body that does not fit its schema is thrown as it is (the record's
   * fault); a registry that cannot answer, as RegistryUnavailableError (not the record's).
   */
  async decode(buffer: Buffer): Promise<unknown> {
    try {
      return await this.registry.decode(buffer);
    } catch (error) {
      if (registryFailed(error)) throw new RegistryUnavailableError(this.config.url, error);
      throw error;
    }
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  /** Asks the registry whether `schema` may be registered next under `subject`. */
  async isCompatible(subject: string, schema: object): Promise<boolean> {
    const body = (await this.request(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
      { schemaType: 'AVRO', schema: JSON.stringify(schema) },
    )) as { is_compatible?: boolean };
    return body.is_compatible === true;
  }

  async registerRaw(subject: string, schema: object): Promise<number> {
    const body = (await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schemaType: 'AVRO',
      schema: JSON.stringify(schema),
    })) as { id: number };
    return body.id;
  }

  async deleteSubject(subject: string): Promise<void> {
    await this.request('DELETE', `/subjects/${encodeURIComponent(subject)}`, undefined, [404]);
    await this.request(
      'DELETE',
      `/subjects/${encodeURIComponent(subject)}?permanent=true`,
      undefined,
      [404],
    );
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
    tolerated: number[] = [],
  ): Promise<unknown> {
    const headers: Record<string, string> = {
      'content-type': 'application/vnd.schemaregistry.v1+json',
    };
    if (this.config.auth) {
      const token = Buffer.from(
        `${this.config.auth.username}:${this.config.auth.password}`,
      ).toString('base64');
      headers.authorization = `Basic ${token}`;
    }
    let response: { status: number; text: string };
    try {
      response = await this.send(method, path, headers, body);
    } catch (error) {
      throw new RegistryUnavailableError(this.config.url, error as Error);
    }
    const { status, text } = response;
    const ok = status >= 200 && status < 300;
    if (!ok && !tolerated.includes(status)) {
      if (status >= 500 || status === 401 || status === 403) {
        throw new RegistryUnavailableError(
          this.config.url,
          new Error(`${method} ${path} answered ${status}`),
        );
      }
      throw new SchemaRegistryError(`${method} ${path} answered ${status}: ${text.slice(0, 300)}`);
    }
    return text ? JSON.parse(text) : undefined;
  }

  /** One HTTP(S) exchange with the registry, through the same TLS agent as the client's. */
  private send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: unknown,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(`${this.config.url.replace(/\/$/, '')}${path}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)(
        url,
        { method, headers, agent: secure ? this.httpsAgent : undefined },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      outgoing.setTimeout(30_000, () => outgoing.destroy(new Error('no answer in 30 s')));
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }
}
