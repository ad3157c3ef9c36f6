// What the stack needs to know about each service: how to fetch it, how to launch it, how to
// tell that it is ready and where its files live. One module per service implements this.
import { join } from 'node:path';
import type { LaunchSpec } from './processes';
import type { PortName, ServiceName, StackSettings } from './settings';

export interface StackContext {
  settings: StackSettings;
  /** A line of progress for the user ("fetching …", "starting …"). */
  progress: (service: ServiceName, message: string) => void;
}

export interface Service {
  name: ServiceName;
  /** Name and version, for progress and status lines. */
  title: string;
  /** Every port the service binds; all must be free before it starts. */
  portNames: PortName[];
  /** Services that must be ready before this one is launched (it is fetched meanwhile). */
  after?: ServiceName[];
  endpoint(settings: StackSettings): string;
  /** Fetches (and builds) what the service needs into the cache, unless it is there. */
  install(context: StackContext): Promise<void>;
  /** Writes configuration and data directories; returns how to start the process. */
  prepare(context: StackContext): Promise<LaunchSpec>;
  /** One readiness check against a running service. */
  probe(endpoint: string): Promise<boolean>;
  /** Give up starting when the service neither answers nor writes to its log for this long. */
  readyTimeoutMs: number;
  /** What the end of its log says a slowly starting service is doing, for the progress line. */
  describeStart?(logTail: string): string | undefined;
  stopGraceMs: number;
  /** Directories with the service's data, removed by `down --purge`. */
  dataDirs(settings: StackSettings): string[];
}

export const logFile = (settings: StackSettings, name: string): string =>
  join(settings.runDir, 'logs', `${name}.log`);

export const serviceDir = (settings: StackSettings, name: ServiceName): string =>
  join(settings.runDir, name);

/** A GET that answers true on a 2xx, giving up after `timeoutMs`. */
export async function httpOk(url: string, timeoutMs = 2000): Promise<Response | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return response.ok ? response : undefined;
}
