// The one module that knows the Elasticsearch client library. Processors see only the small
// types below (bulk operations and per-item outcomes, alias actions), so a client upgrade or
// a switch to plain HTTP means rewriting this file and nothing else.
import { Client, errors } from '@elastic/elasticsearch';
import type { ElasticsearchConfig } from './config';
import { createLogger, type Logger } from './logger';

export type EsDocument = Record<string, unknown>;

/**
 * A write carrying its external version: Elasticsearch refuses it unless it is newer. Only
 * benchmarks' plain loads leave the version out (last write wins).
 */
export type BulkOperation =
  | { action: 'index'; id: string; version?: number; document: EsDocument }
  | { action: 'delete'; id: string; version: number };

export interface BulkItemOutcome {
  status: number;
  /** Elasticsearch's error type, e.g. version_conflict_engine_exception; absent on success. */
  errorType?: string;
  reason?: string;
}

export interface AliasDefinition {
  filter?: Record<string, unknown>;
  is_write_index?: boolean;
}

export type AliasAction =
  | { add: { index: string; alias: string } & AliasDefinition }
  | { remove: { index: string; alias: string; must_exist?: boolean } }
  | { remove_index: { index: string } };

export interface IndexBody {
  settings?: Record<string, unknown>;
  mappings?: Record<string, unknown>;
  aliases?: Record<string, AliasDefinition>;
}

/** A whole request failed (not one item): `retryable` says whether trying again can help. */
export class ElasticsearchRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly errorType?: string,
  ) {
    super(message);
    this.name = 'ElasticsearchRequestError';
  }
}

/**
 * The library client, configured from ELASTICSEARCH_* (API key, else basic auth; TLS CA).
 * For checks that need a raw request; processors use ElasticsearchClient below.
 */
export function createElasticsearchClient(config: ElasticsearchConfig): Client {
  return new Client({
    node: config.url,
    auth: config.apiKey
      ? { apiKey: config.apiKey }
      : config.auth
        ? { username: config.auth.username, password: config.auth.password }
        : undefined,
    tls: config.tls
      ? { ca: config.tls.ca, rejectUnauthorized: config.tls.rejectUnauthorized }
      : undefined,
    requestTimeout: 60_000,
    maxRetries: 3,
  });
}

export class ElasticsearchClient {
  private readonly client: Client;

  constructor(
    config: ElasticsearchConfig,
    private readonly logger: Logger = createLogger('elasticsearch'),
  ) {
    this.client = createElasticsearchClient(config);
  }

  /**
   * Waits for the cluster to accept writes. Uses cluster health because `GET /` is not served
   * by every build (the integ-test distribution answers it with 405).
   */
  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.client.cluster.health({ wait_for_status: 'yellow', timeout: '5s' });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw this.wrap(error, 'cluster health');
        this.logger.debug({ err: error }, 'Elasticsearch not ready yet');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** Creates or replaces an index template (the same body twice is a no-op in effect). */
  async putIndexTemplate(
    name: string,
    indexPatterns: string[],
    template: IndexBody,
    meta?: Record<string, unknown>,
  ): Promise<void> {
    await this.call('put index template', () =>
      this.client.indices.putIndexTemplate({
        name,
        index_patterns: indexPatterns,
        template,
        _meta: meta,
      }),
    );
  }

  async deleteIndexTemplate(name: string): Promise<void> {
    await this.call('delete index template', () =>
      this.client.indices.deleteIndexTemplate({ name }, { ignore: [404] }),
    );
  }

  /** Creating an index with its aliases is one cluster-state change: both or neither. */
  async createIndex(index: string, body: IndexBody = {}): Promise<'created' | 'exists'> {
    try {
      await this.client.indices.create({ index, ...body });
      return 'created';
    } catch (error) {
      if (errorTypeOf(error) === 'resource_already_exists_exception') return 'exists';
      throw this.wrap(error, `create index ${index}`);
    }
  }

  async deleteIndex(index: string): Promise<void> {
    await this.call(`delete index ${index}`, () =>
      this.client.indices.delete({ index }, { ignore: [404] }),
    );
  }

  /** Concrete index names matching a pattern (aliases are not expanded into this list). */
  async indicesMatching(pattern: string): Promise<string[]> {
    const response = await this.call('get indices', () =>
      this.client.indices.get({ index: pattern, expand_wildcards: 'open', features: ['settings'] }),
    );
    return Object.keys(response);
  }

  /** Those of `names` that are concrete indices, not aliases (nor absent). */
  async concreteIndicesNamed(names: string[]): Promise<string[]> {
    const response = await this.call('get indices', () =>
      this.client.indices.get({
        index: names,
        ignore_unavailable: true,
        allow_no_indices: true,
        features: ['settings'],
      }),
    );
    // An alias resolves to the indices behind it, so a name listed as a key is an index.
    return names.filter((name) => name in response);
  }

  /** For each existing alias among `names`, the indices it points at with its definition. */
  async aliases(
    names: string[],
  ): Promise<Map<string, { index: string; definition: AliasDefinition }[]>> {
    const result = new Map<string, { index: string; definition: AliasDefinition }[]>();
    const response = (await this.call('get aliases', () =>
      this.client.indices.getAlias({ name: names }, { ignore: [404] }),
    )) as Record<string, { aliases?: Record<string, AliasDefinition> }>;
    for (const [index, entry] of Object.entries(response ?? {})) {
      for (const [alias, definition] of Object.entries(entry.aliases ?? {})) {
        if (!names.includes(alias)) continue;
        const targets = result.get(alias) ?? [];
        targets.push({ index, definition });
        result.set(alias, targets);
      }
    }
    return result;
  }

  /** One `_aliases` call: every action is applied atomically, or none is. */
  async updateAliases(actions: AliasAction[]): Promise<void> {
    if (actions.length === 0) return;
    await this.call('update aliases', () => this.client.indices.updateAliases({ actions }));
  }

  async putMapping(index: string, mappings: Record<string, unknown>): Promise<void> {
    await this.call(`put mapping ${index}`, () =>
      this.client.indices.putMapping({ index, ...mappings }),
    );
  }

  async putSettings(index: string, settings: Record<string, unknown>): Promise<void> {
    await this.call(`put settings ${index}`, () =>
      this.client.indices.putSettings({ index, settings }),
    );
  }

  async refresh(index: string): Promise<void> {
    await this.call(`refresh ${index}`, () => this.client.indices.refresh({ index }));
  }

  async count(index: string, query?: Record<string, unknown>): Promise<number> {
    const response = await this.call(`count ${index}`, () => this.client.count({ index, query }));
    return response.count;
  }

  /** One document with its (external) version, or null when absent. */
  async getDocument(
    index: string,
    id: string,
  ): Promise<{ index: string; version: number; source: EsDocument } | null> {
    const response = await this.call(`get ${index}/${id}`, () =>
      this.client.get<EsDocument>({ index, id }, { ignore: [404] }),
    );
    if (!response.found || !response._source) return null;
    return { index: response._index, version: response._version ?? 0, source: response._source };
  }

  /** Every document id in an index or alias (for tests and small verifications). */
  async ids(index: string, size = 10_000): Promise<string[]> {
    const response = await this.call(`search ${index}`, () =>
      this.client.search({ index, size, _source: false, sort: ['_doc'] }),
    );
    return response.hits.hits.map((hit) => hit._id ?? '');
  }

  async search(
    index: string,
    query: Record<string, unknown>,
    size = 10,
  ): Promise<{ id: string; version?: number; source: EsDocument }[]> {
    const response = await this.call(`search ${index}`, () =>
      this.client.search<EsDocument>({ index, query, size, version: true }),
    );
    return response.hits.hits.map((hit) => ({
      id: hit._id ?? '',
      version: hit._version,
      source: hit._source ?? {},
    }));
  }

  /**
   * One `_bulk` request with external versioning, answering one outcome per operation in
   * order. Never retried here: the caller decides per item, because a blind retry of the
   * whole request would re-send items that already succeeded or were rejected for good.
   */
  async bulk(
    target: string,
    operations: readonly BulkOperation[],
    options: { requireAlias?: boolean; refresh?: boolean } = {},
  ): Promise<BulkItemOutcome[]> {
    const body: unknown[] = [];
    for (const operation of operations) {
      const meta =
        operation.version === undefined
          ? { _index: target, _id: operation.id }
          : {
              _index: target,
              _id: operation.id,
              version: operation.version,
              version_type: 'external' as const,
            };
      if (operation.action === 'index') body.push({ index: meta }, operation.document);
      else body.push({ delete: meta });
    }
    let response;
    try {
      response = await this.client.bulk(
        {
          operations: body,
          require_alias: options.requireAlias,
          refresh: options.refresh ? 'wait_for' : undefined,
          filter_path: ['items.*.status', 'items.*.error.type', 'items.*.error.reason'],
        },
        { maxRetries: 0 },
      );
    } catch (error) {
      throw this.wrap(error, 'bulk');
    }
    const items = response.items ?? [];
    if (items.length !== operations.length) {
      throw new ElasticsearchRequestError(
        `bulk answered ${items.length} items for ${operations.length} operations`,
        undefined,
        true,
      );
    }
    return items.map((item) => {
      const result = item.index ?? item.delete ?? item.create ?? item.update;
      return {
        status: result?.status ?? 0,
        errorType: result?.error?.type,
        reason: result?.error?.reason ?? undefined,
      };
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.wrap(error, what);
    }
  }

  private wrap(error: unknown, what: string): ElasticsearchRequestError {
    if (error instanceof ElasticsearchRequestError) return error;
    if (error instanceof errors.ResponseError) {
      const status = error.meta.statusCode;
      const type = errorTypeOf(error);
      const reason = errorReasonOf(error) ?? error.message;
      return new ElasticsearchRequestError(
        `Elasticsearch ${what} failed with ${status}${type ? ` ${type}` : ''}: ${reason}`,
        status,
        status === 429 || (status !== undefined && status >= 500),
        type,
      );
    }
    // Connection refused, timeouts, no living connections: the cluster may come back.
    const message = error instanceof Error ? error.message : String(error);
    return new ElasticsearchRequestError(
      `Elasticsearch ${what} failed: ${message}`,
      undefined,
      true,
    );
  }
}

function errorTypeOf(error: unknown): string | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  const body = error.meta.body as { error?: { type?: string } } | undefined;
  return body?.error?.type;
}

function errorReasonOf(error: errors.ResponseError): string | undefined {
  const body = error.meta.body as { error?: { reason?: string } } | undefined;
  return body?.error?.reason;
}
