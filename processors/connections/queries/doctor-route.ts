// GET /doctors/{gmcNumber}[?at=<ISO instant>] on the connections metrics port: read-only,
// answered only for the partitions this instance owns and has restored. Another instance's
// doctor is a 307 to that instance's advertised URL (421 naming the owner when it advertised
// none); a partition still restoring or between owners is a 503 with Retry-After. When
// CONNECTIONS_QUERY_TOKEN is set every request needs it as a bearer token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerTokenMatches } from '../../platform/bearer-token';
import type { Logger } from '../../platform/logger';
import type { HttpRoute } from '../../platform/metrics';
import { instantNanos } from '../../rules/dates';
import { gmcNumberOf } from '../../rules/identity';
import type { DoctorLookup } from './answer';

export const DOCTORS_PATH = '/doctors/';
/** Seconds a caller should wait before asking again while a task restores or moves. */
export const RETRY_AFTER_SECONDS = 5;

export interface DoctorRouteOptions {
  /** The doctor's explanation as of `at`, or where it is instead. */
  lookup(gmcNumber: string, at: Date): Promise<DoctorLookup>;
  /** CONNECTIONS_QUERY_TOKEN; undefined when queries are open. */
  token: string | undefined;
  logger: Logger;
  now(): Date;
}

/** A path segment that can key a doctor: the number as the stores key it, nothing else. */
export function parseGmcNumber(segment: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return null;
  }
  if (decoded.length > 64 || /[\s/\\\u0000-\u001f]/.test(decoded)) return null;
  const verdict = gmcNumberOf(decoded);
  return verdict.ok && verdict.value === decoded ? decoded : null;
}

/** `?at=`: an ISO-8601 instant with an offset, or null when it is not one. */
export function parseInstant(text: string): Date | null {
  const nanos = instantNanos(text);
  return nanos === null ? null : new Date(Number(nanos / 1_000_000n));
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(`${JSON.stringify(body)}\n`);
}

export function doctorRoute(options: DoctorRouteOptions): HttpRoute {
  return {
    prefix: DOCTORS_PATH,
    handle: async (request, response) => {
      try {
        await answer(request, response, options);
      } catch (error) {
        options.logger.error({ err: error }, 'doctor query failed');
        throw error;
      }
    },
  };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  options: DoctorRouteOptions,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { error: 'read-only: only GET' }, { allow: 'GET, HEAD' });
    return;
  }
  // Before anything else, so that nothing about a doctor reaches an unauthenticated caller.
  if (
    options.token !== undefined &&
    !bearerTokenMatches(request.headers.authorization, options.token)
  ) {
    sendJson(
      response,
      401,
      { error: 'this endpoint needs Authorization: Bearer <CONNECTIONS_QUERY_TOKEN>' },
      { 'www-authenticate': 'Bearer' },
    );
    return;
  }
  const url = new URL(request.url ?? '/', 'http://query');
  const segment = url.pathname.slice(DOCTORS_PATH.length);
  const gmcNumber = parseGmcNumber(segment);
  if (gmcNumber === null) {
    sendJson(response, 400, {
      error: `not a GMC reference number: ${JSON.stringify(segment.slice(0, 80))}`,
    });
    return;
  }
  const atText = url.searchParams.get('at');
  const at = atText === null ? options.now() : parseInstant(atText);
  if (at === null) {
    sendJson(response, 400, {
      error: `at=${JSON.stringify(atText)} is not an ISO-8601 instant with an offset, e.g. 2026-11-26T00:00:05Z`,
    });
    return;
  }
  const lookup = await options.lookup(gmcNumber, at);
  switch (lookup.kind) {
    case 'found':
      sendJson(response, 200, lookup.explanation);
      return;
    case 'unknown':
      sendJson(response, 404, {
        error: `no doctor ${gmcNumber} in partition ${lookup.partition}`,
        gmcReferenceNumber: gmcNumber,
        partition: lookup.partition,
        owner: lookup.owner,
      });
      return;
    case 'remote': {
      const body = {
        gmcReferenceNumber: gmcNumber,
        partition: lookup.partition,
        owner: lookup.owner,
      };
      if (lookup.owner.url === null) {
        sendJson(response, 421, {
          error: `doctor ${gmcNumber} is on partition ${lookup.partition}, owned by ${lookup.owner.instance}, which advertises no URL`,
          ...body,
        });
        return;
      }
      const location = `${lookup.owner.url}${url.pathname}${url.search}`;
      sendJson(
        response,
        307,
        { error: `owned by ${lookup.owner.instance}`, ...body },
        { location },
      );
      return;
    }
    case 'unavailable':
      sendJson(
        response,
        503,
        {
          error: {
            restoring: `partition ${lookup.partition} is being restored here: ask again shortly`,
            rebalancing: `partition ${lookup.partition} has no owner yet (the group is rebalancing): ask again shortly`,
            'owner unknown': `Kafka cannot say now who owns partition ${lookup.partition}: ask again shortly`,
          }[lookup.reason],
          gmcReferenceNumber: gmcNumber,
          partition: lookup.partition,
          owner: lookup.owner,
        },
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
      return;
  }
}
