// `reval explain`'s interactive query: GET /doctors/{gmcNumber} on a running connections
// instance (CONNECTIONS_URL), following its 307s to the instance that owns the doctor. The
// redirects are followed here, not by fetch, so that the bearer token goes with each hop
// (fetch drops Authorization on a redirect to another origin) and the hops can be reported.
import type { DoctorExplanation } from '../connections/explain';

/** How many owners a query may be sent on to: one hop is the normal case. */
const MAX_HOPS = 5;
const TIMEOUT_MS = 10_000;

export type QueryOutcome =
  | { kind: 'answered'; url: string; explanation: DoctorExplanation }
  /** The instance that owns the partition knows no such doctor. */
  | { kind: 'unknown'; url: string; message: string }
  /** Refused for the request itself: bad input (400) or a missing or wrong token (401). */
  | { kind: 'refused'; url: string; status: number; message: string }
  /** No instance could answer (down, restoring, owner without URL): use the changelogs. */
  | { kind: 'unanswered'; url: string; why: string };

export async function queryDoctor(options: {
  baseUrl: string;
  gmcNumber: string;
  at?: string;
  token?: string;
}): Promise<QueryOutcome> {
  const query = options.at === undefined ? '' : `?at=${encodeURIComponent(options.at)}`;
  let url = `${options.baseUrl}/doctors/${encodeURIComponent(options.gmcNumber)}${query}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  for (let hop = 0; hop <= MAX_HOPS; hop += 1) {
    let response: Response;
    try {
      response = await fetch(url, {
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      return { kind: 'unanswered', url, why: `no answer from ${url} (${networkCause(error)})` };
    }
    const text = await response.text();
    const body = parseJson(text);
    const message = typeof body?.error === 'string' ? body.error : text.trim().slice(0, 200);
    if (response.status === 307 || response.status === 308) {
      const location = response.headers.get('location');
      if (!location) return { kind: 'unanswered', url, why: `${url} redirected nowhere` };
      url = new URL(location, url).toString();
      continue;
    }
    switch (response.status) {
      case 200:
        if (body === null || typeof body.gmcReferenceNumber !== 'string') {
          return { kind: 'unanswered', url, why: `${url} answered something that is not a doctor` };
        }
        return { kind: 'answered', url, explanation: body as unknown as DoctorExplanation };
      case 404:
        // A 404 from elsewhere (not a connections instance) says nothing about the doctor.
        return typeof body?.partition === 'number'
          ? { kind: 'unknown', url, message }
          : { kind: 'unanswered', url, why: `${url} has no doctors endpoint` };
      case 400:
      case 401:
        return { kind: 'refused', url, status: response.status, message };
      default:
        return { kind: 'unanswered', url, why: `${url} answered ${response.status}: ${message}` };
    }
  }
  return { kind: 'unanswered', url, why: `more than ${MAX_HOPS} redirects (last ${url})` };
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, a timeout) in its cause. */
function networkCause(error: unknown): string {
  const cause = (
    error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }
  ).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? String(error);
}
