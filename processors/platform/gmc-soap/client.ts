// The GMC GetDoctorsForDB client. One call per designated body, each with a hard deadline
// and retries (exponential backoff with jitter) for what can pass: network errors,
// timeouts, HTTP 5xx, SOAP faults and GMC's own internal error. Return codes that cannot
// change on retry (99, 80, 81) and answers we cannot read fail the body at once. Every
// failure ends as a DesignatedBodyFetch with a redacted message: callers never see a raw
// error object, whose request config would hold the password.
import { randomUUID } from 'node:crypto';
import { Client } from 'soap';
import { createLogger, type Logger } from '../logger';
import { err, ok, type Result } from '../result';
import { MalformedResponseError, readDoctorsForDbResult, type DoctorsForDbAnswer } from './parse';
import { secretRedactor, type Redactor } from './redact';
import { describeReturnCode, FINAL_RETURN_CODES, type DesignatedBodyFetch } from './types';
import { gmcWsdl } from './wsdl-client';

export interface GmcClientOptions {
  /** The service endpoint (GMC_URL); the WSDL is never fetched from it. */
  url: string;
  username: string;
  password: string;
  /** Deadline of one attempt, connection to last byte. */
  timeoutMs: number;
  /** Attempts after the first one. */
  retries: number;
  internalUser?: string;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  logger?: Logger;
}

export interface FetchOptions {
  /** Aborts the call and any retry still to come (shutdown). */
  signal?: AbortSignal;
}

interface AttemptFailure {
  retryable: boolean;
  reason: string;
  returnCode: string | null;
}

/** One attempt: GMC's answer with return code 0, or why not and whether to try again. */
type AttemptResult = Result<DoctorsForDbAnswer, AttemptFailure>;

type SoapCall = (
  args: unknown,
  callback: (error: unknown, result: unknown) => void,
  options: Record<string, unknown>,
) => void;

/** Waits `ms`, or less if the signal fires: shutdown should not sit out a backoff. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

function firstLine(value: unknown, max = 200): string {
  const line = String(value ?? '')
    .split('\n')[0]
    .trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

function soapFault(error: Record<string, unknown>, redact: Redactor): string | undefined {
  const root = error.root as { Envelope?: { Body?: { Fault?: Record<string, unknown> } } };
  const fault = root?.Envelope?.Body?.Fault;
  if (!fault) return undefined;
  // SOAP 1.1 faultcode/faultstring; SOAP 1.2 Code/Reason.
  const code = fault.faultcode ?? (fault.Code as { Value?: unknown } | undefined)?.Value;
  const reason = fault.faultstring ?? (fault.Reason as { Text?: unknown } | undefined)?.Text;
  return `SOAP fault ${redact(firstLine(code, 60))}: ${redact(firstLine(reason))}`;
}

/**
 * Sorts a failed call into retryable or final. Text that came from the server or a library
 * is redacted; the fixed wording around it cannot hold a secret.
 */
function classify(
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
  redact: Redactor,
): AttemptFailure {
  const failure = (retryable: boolean, reason: string): AttemptFailure => ({
    retryable,
    reason,
    returnCode: null,
  });
  if (timedOut) return failure(true, `timed out after ${timeoutMs} ms`);
  if (error instanceof MalformedResponseError) {
    return failure(false, `malformed answer: ${redact(error.message)}`);
  }
  if (typeof error !== 'object' || error === null) {
    return failure(false, `unexpected error: ${redact(firstLine(error))}`);
  }
  const e = error as Record<string, unknown>;
  const status = (e.response as { status?: number } | undefined)?.status;
  const fault = soapFault(e, redact);
  if (fault) return failure(true, status ? `HTTP ${status}, ${fault}` : fault);
  if (status !== undefined) {
    if (status >= 500) return failure(true, `HTTP ${status}`);
    if (status >= 300) return failure(false, `HTTP ${status}`);
    // A 200 that the soap package could not parse: truncated or not SOAP at all.
    const detail = e.Fault ? 'the XML is incomplete or invalid' : redact(firstLine(e.message));
    return failure(false, `malformed answer: ${detail}`);
  }
  if (e.isAxiosError || typeof e.code === 'string') {
    if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') {
      return failure(true, `timed out after ${timeoutMs} ms`);
    }
    return failure(true, `network error: ${redact(firstLine(e.code ?? e.message, 80))}`);
  }
  return failure(false, `unexpected error: ${redact(firstLine(e.message))}`);
}

export class GmcClient {
  private readonly log: Logger;
  private readonly redact: Redactor;

  constructor(private readonly options: GmcClientOptions) {
    this.log = options.logger ?? createLogger('gmc-soap');
    // A very short user name would match ordinary words; the password is always hidden.
    this.redact = secretRedactor([
      options.password,
      options.username.length >= 4 ? options.username : undefined,
    ]);
  }

  async fetchDoctorsForDesignatedBody(
    designatedBody: string,
    fetchOptions: FetchOptions = {},
  ): Promise<DesignatedBodyFetch> {
    const started = performance.now();
    const { retries } = this.options;
    let attempts = 0;
    const { signal } = fetchOptions;
    let last: AttemptFailure = { retryable: false, reason: 'cancelled', returnCode: null };
    while (attempts <= retries && !signal?.aborted) {
      if (attempts > 0) await pause(this.backoff(attempts), signal);
      if (signal?.aborted) break;
      attempts++;
      const result = await this.attempt(designatedBody, signal);
      if (result.ok) {
        return {
          designatedBody,
          status: 'OK',
          returnCode: result.value.returnCode,
          doctors: result.value.doctors,
          durationMs: Math.round(performance.now() - started),
          error: null,
          attempts,
          warnings: result.value.warnings,
        };
      }
      last = result.error;
      this.log.warn(
        { designatedBody, attempt: attempts, retryable: last.retryable, error: last.reason },
        'GMC GetDoctorsForDB attempt failed',
      );
      if (!last.retryable) break;
    }
    return {
      designatedBody,
      status: 'FAILED',
      returnCode: last.returnCode,
      doctors: [],
      durationMs: Math.round(performance.now() - started),
      error: attempts > 1 ? `${last.reason} (after ${attempts} attempts)` : last.reason,
      attempts,
      warnings: [],
    };
  }

  /** Exponential, with "equal jitter" (half fixed, half random) so parallel retries spread. */
  private backoff(retry: number): number {
    const base = this.options.backoffBaseMs ?? 1_000;
    const max = this.options.backoffMaxMs ?? 30_000;
    const ceiling = Math.min(max, base * 2 ** (retry - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private async attempt(designatedBody: string, stop?: AbortSignal): Promise<AttemptResult> {
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort();
    }, this.options.timeoutMs);
    const onStop = () => deadline.abort();
    stop?.addEventListener('abort', onStop);
    try {
      const output = await this.call(designatedBody, deadline.signal);
      const answer = readDoctorsForDbResult(output);
      if (answer.returnCode !== '0') {
        return err({
          retryable: !FINAL_RETURN_CODES.has(answer.returnCode),
          reason: describeReturnCode(answer.returnCode),
          returnCode: answer.returnCode,
        });
      }
      return ok(answer);
    } catch (error) {
      if (stop?.aborted) return err({ retryable: false, reason: 'cancelled', returnCode: null });
      return err(classify(error, timedOut, this.options.timeoutMs, this.redact));
    } finally {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    }
  }

  private async call(designatedBody: string, signal: AbortSignal): Promise<unknown> {
    // A client per call: the soap Client keeps the last request (with the password) and
    // the last answer (megabytes) on itself, which should die with the call.
    const client = new Client(await gmcWsdl(), this.options.url, {});
    const port = (client as unknown as Record<string, Record<string, Record<string, SoapCall>>>)
      .GMCWebServices.GMCWebServicesSoap;
    const args = {
      request: {
        DesignatedBodyCode: designatedBody,
        ClientRequestID: randomUUID(),
        InternalUser: this.options.internalUser ?? '',
      },
      Username: this.options.username,
      Password: this.options.password,
    };
    return new Promise((resolve, reject) => {
      port.GetDoctorsForDB(args, (error, result) => (error ? reject(error) : resolve(result)), {
        timeout: this.options.timeoutMs,
        signal,
      });
    });
  }
}

/** One-off convenience: a client for one call. */
export function fetchDoctorsForDesignatedBody(
  designatedBody: string,
  options: GmcClientOptions & FetchOptions,
): Promise<DesignatedBodyFetch> {
  return new GmcClient(options).fetchDoctorsForDesignatedBody(designatedBody, {
    signal: options.signal,
  });
}
