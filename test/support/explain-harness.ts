// Asking about one doctor the three ways issue 14 offers, on a stream harness: GET
// /doctors/{gmcNumber} on a connections instance's metrics port, `reval explain` (by that
// endpoint, or from the changelogs), and `reval evaluate --explain` on NDJSON inputs built by
// the test from the rows it produced. Each answer is read back as JSON, as a client sees it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { runEvaluate } from '../../processors/cli/commands/evaluate';
import { runExplain, type ExplainOptions } from '../../processors/cli/commands/explain';
import type { ExplainReport } from '../../processors/cli/explain-output';
import type { Env } from '../../processors/platform/config';
import { startMetricsServer, type HttpRoute } from '../../processors/platform/metrics';
import type { DoctorInputs } from '../../processors/rules/types';

/** A metrics server whose routes are given once the processor runs (it needs the URL first). */
export async function startQueryServer(ready: () => boolean): Promise<{
  url: string;
  routes: HttpRoute[];
  close(): Promise<void>;
}> {
  const routes: HttpRoute[] = [];
  const server: Server = await startMetricsServer(0, ready, { host: '127.0.0.1', routes });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A URL where nothing listens (a port just freed): `reval explain` then reads the changelogs. */
export async function nobodyListening(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

export async function getDoctor(
  url: string,
  gmcNumber: string,
  at: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/doctors/${gmcNumber}?at=${encodeURIComponent(at)}`, {
    headers,
    redirect: 'manual',
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A stream to print to, and what was printed. */
function captured(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** `reval explain` as a person reads it. */
export async function explainText(
  env: Env,
  gmcNumber: string,
  options: ExplainOptions,
): Promise<string> {
  const stdout = captured();
  await runExplain(gmcNumber, options, { stdout: stdout.stream, env, clock: () => new Date() });
  return stdout.text();
}

/** `reval explain --json`, its printed JSON parsed. */
export async function explainJson(
  env: Env,
  gmcNumber: string,
  options: ExplainOptions,
): Promise<ExplainReport> {
  return JSON.parse(await explainText(env, gmcNumber, { ...options, json: true })) as ExplainReport;
}

/** `reval evaluate --explain --now <at>` on one NDJSON line. */
export async function evaluateJson(
  env: Env,
  inputs: DoctorInputs,
  at: string,
): Promise<Record<string, unknown> & { explanation: string }> {
  const stdout = captured();
  const stderr = captured();
  const summary = await runEvaluate(
    { explain: true, now: at },
    {
      stdin: Readable.from([`${JSON.stringify(inputs)}\n`]),
      stdout: stdout.stream,
      stderr: stderr.stream,
      env,
      clock: () => new Date(),
    },
  );
  if (summary.badLines > 0) throw new Error(`evaluate refused the inputs: ${stderr.text()}`);
  return JSON.parse(stdout.text()) as Record<string, unknown> & { explanation: string };
}
