// Prometheus metrics and health endpoints shared by every processor. Failures are counted
// here so that they are visible as numbers, not only as log lines.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { lag as lagBehind } from './kafka';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const metrics = {
  recordsIn: new Counter({
    name: 'reval_records_in_total',
    help: 'Records consumed, by processor and topic',
    labelNames: ['processor', 'topic'] as const,
    registers: [registry],
  }),
  recordsOut: new Counter({
    name: 'reval_records_out_total',
    help: 'Records produced or written, by processor and destination',
    labelNames: ['processor', 'destination'] as const,
    registers: [registry],
  }),
  deadLetters: new Counter({
    name: 'reval_dead_letters_total',
    help: 'Records sent to the dead-letter topic, by processor and source topic',
    labelNames: ['processor', 'topic'] as const,
    registers: [registry],
  }),
  invalidGmcNumbers: new Counter({
    name: 'reval_invalid_gmc_numbers_total',
    help: 'Inputs whose GMC number cannot key a doctor, by processor, source and problem',
    labelNames: ['processor', 'source', 'problem'] as const,
    registers: [registry],
  }),
  consumerLag: new Gauge({
    name: 'reval_consumer_lag',
    help: 'Offsets between the position after the last processed batch (transaction markers included) and the end of the partition, by processor, topic and partition',
    labelNames: ['processor', 'topic', 'partition'] as const,
    registers: [registry],
  }),
  storeEntries: new Gauge({
    name: 'reval_state_store_entries',
    help: 'Entries in a local state store, by task and store',
    labelNames: ['task', 'store'] as const,
    registers: [registry],
  }),
  storeBytes: new Gauge({
    name: 'reval_state_store_bytes',
    help: "Bytes on disk of a task's local state stores",
    labelNames: ['task'] as const,
    registers: [registry],
  }),
  restoreRemaining: new Gauge({
    name: 'reval_state_restore_remaining_records',
    help: 'Changelog records still to restore before the processor is ready (0 when restored)',
    labelNames: ['application'] as const,
    registers: [registry],
  }),
  esBulkSeconds: new Histogram({
    name: 'reval_es_bulk_seconds',
    help: 'Elasticsearch bulk request latency',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  esRejections: new Counter({
    name: 'reval_es_rejections_total',
    help: 'Documents Elasticsearch rejected, by reason (malformed, throttled, conflict)',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  gmcLastRunStatus: new Gauge({
    name: 'reval_gmc_last_run_success',
    help: '1 when the last GMC sync run applied every designated body, 0 otherwise',
    registers: [registry],
  }),
  gmcLastRunTimestamp: new Gauge({
    name: 'reval_gmc_last_run_timestamp_seconds',
    help: 'When the last GMC sync run finished',
    registers: [registry],
  }),
};

/** Counts an input refused, or a person not made a doctor, for its GMC number. */
export function countInvalidGmcNumber(
  processor: string,
  source: string,
  problem: string | undefined,
): void {
  if (problem !== undefined) metrics.invalidGmcNumbers.inc({ processor, source, problem });
}

export type HealthCheck = () => boolean;

/**
 * A processor's own endpoint on this port (connections' GET /doctors/{gmcNumber}): it
 * answers every request whose path starts with `prefix`. Platform knows nothing of it.
 */
export interface HttpRoute {
  prefix: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/**
 * Serves /metrics, /healthz (the process is alive), /readyz (every processor has restored
 * its state and is consuming) and the processors' routes.
 */
export function startMetricsServer(
  port: number,
  ready: HealthCheck,
  options: { host?: string; routes?: readonly HttpRoute[] } = {},
): Promise<Server> {
  const { host = '0.0.0.0', routes = [] } = options;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const route = routes.find(({ prefix }) => path.startsWith(prefix));
    if (route) {
      route.handle(request, response).catch(() => {
        // The route logs its own failures; the caller learns only that it failed.
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('internal error\n');
      });
      return;
    }
    if (path === '/metrics') {
      registry
        .metrics()
        .then((body) => {
          response.writeHead(200, { 'content-type': registry.contentType });
          response.end(body);
        })
        .catch((error: unknown) => {
          response.writeHead(500);
          response.end(String(error));
        });
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok\n');
      return;
    }
    if (path === '/readyz') {
      const isReady = ready();
      response.writeHead(isReady ? 200 : 503, { 'content-type': 'text/plain' });
      response.end(isReady ? 'ready\n' : 'not ready\n');
      return;
    }
    response.writeHead(404);
    response.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * The lag of the position after the last processed offset, transaction markers included, so
 * a caught-up consumer reads 0 on transactional and plain topics alike.
 */
export function setConsumerLag(
  processor: string,
  topic: string,
  partition: number,
  lastOffset: string,
  highWatermark: string,
): number {
  const lag = Number(lagBehind(BigInt(lastOffset) + 1n, BigInt(highWatermark)));
  metrics.consumerLag.set({ processor, topic, partition: String(partition) }, lag);
  return lag;
}
