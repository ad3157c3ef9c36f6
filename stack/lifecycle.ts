// Bringing the services up (in parallel: each is fetched, started and awaited on its own, so
// Kafka can be serving while FerretDB still compiles; a service launches once those it needs
// are ready), down, and reporting them.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from './connect';
import { elasticsearch } from './elasticsearch';
import { StackError } from './errors';
import { ferretdb } from './ferretdb';
import { kafka } from './kafka';
import { mariadb } from './mariadb';
import {
  claim,
  exitWatcher,
  isAlive,
  launch,
  lookup,
  portInUse,
  readRecord,
  recordFor,
  removeRecord,
  stop,
  waitUntilReady,
  writeRecord,
  type ProcessRecord,
} from './processes';
import { registry } from './registry';
import { logFile, type Service, type StackContext } from './service';
import {
  BASE_SERVICES,
  CDC_SERVICES,
  PORTS,
  SERVICE_NAMES,
  type ServiceName,
  type StackSettings,
} from './settings';
import { findJava } from './tools';

export const SERVICES: Record<ServiceName, Service> = {
  kafka,
  registry,
  elasticsearch,
  ferretdb,
  mariadb,
  connect,
};

export interface ServiceUp {
  service: ServiceName;
  endpoint: string;
  /** False when the service was already running (started earlier by the stack). */
  started: boolean;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Every port of every service that is neither running nor being started must be free. */
async function assertStartable(
  settings: StackSettings,
  names: readonly ServiceName[],
): Promise<void> {
  const problems: StackError[] = [];
  for (const name of names) {
    const known = lookup(settings.runDir, name).kind;
    if (known === 'running' || known === 'starting') continue;
    await assertPortsFree(SERVICES[name], settings).catch((error: StackError) =>
      problems.push(error),
    );
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new StackError(
      'stack',
      `nothing was started:\n${problems.map((p) => p.message).join('\n')}`,
    );
  }
}

async function assertPortsFree(service: Service, settings: StackSettings): Promise<void> {
  for (const name of service.portNames) {
    const port = settings.ports[name];
    if (await portInUse(settings.host, port)) {
      throw new StackError(
        service.name,
        `port ${port} on ${settings.host} is already in use by another process; ` +
          `stop that process or choose another port with ${PORTS[name].env}=<port>`,
      );
    }
  }
}

/** Waits for a service, started now or by another `up`, to answer at `endpoint`. */
function serviceReady(
  service: Service,
  { settings, progress }: StackContext,
  endpoint: string,
  exited: () => string | undefined,
): Promise<void> {
  return waitUntilReady({
    service: service.name,
    probe: () => service.probe(endpoint),
    exited,
    quietMs: service.readyTimeoutMs,
    logFile: logFile(settings, service.name),
    progress: (message) => progress(service.name, message),
    describe: service.describeStart?.bind(service),
  });
}

/** Waits for a running service to answer, or claims the service for this process to start. */
async function runningOrClaimed(
  service: Service,
  context: StackContext,
): Promise<ServiceUp | undefined> {
  const { settings, progress } = context;
  let told = false;
  for (;;) {
    const known = lookup(settings.runDir, service.name);
    if (known.kind === 'running') {
      // Already running, perhaps still starting: wait for it as for a fresh start.
      const { record } = known;
      const exited = () => (isAlive(record) ? undefined : 'stopped');
      await serviceReady(service, context, record.endpoint, exited);
      return { service: service.name, endpoint: record.endpoint, started: false };
    }
    if (known.kind === 'starting') {
      if (!told)
        progress(service.name, `another \`stack up\` (pid ${known.by}) is starting it: waiting`);
      told = true;
    } else {
      if (known.kind === 'stale') removeRecord(settings.runDir, service.name);
      if (claim(settings.runDir, service.name)) return undefined;
    }
    await sleep(1000);
  }
}

async function bringUp(
  service: Service,
  context: StackContext,
  needed: Promise<unknown>[],
): Promise<ServiceUp> {
  const { settings, progress } = context;
  const running = await runningOrClaimed(service, context);
  if (running) return running;
  let started: ProcessRecord | undefined;
  try {
    await assertPortsFree(service, settings);
    await service.install(context);
    if (needed.length > 0) {
      await Promise.all(needed).catch(() => {
        throw new StackError(service.name, `not started: ${service.after?.join(', ')} failed`);
      });
    }
    const spec = await service.prepare(context);
    await assertPortsFree(service, settings); // the fetch may have taken minutes
    const began = Date.now();
    progress(service.name, `starting ${service.title}`);
    const log = logFile(settings, service.name);
    const endpoint = service.endpoint(settings);
    const child = launch(spec, log);
    started = recordFor(service.name, child, {
      endpoint,
      ports: service.portNames.map((name) => settings.ports[name]),
      logFile: log,
    });
    writeRecord(settings.runDir, started);
    await serviceReady(service, context, endpoint, exitWatcher(child));
    progress(service.name, `ready at ${endpoint} (${seconds(began)})`);
    return { service: service.name, endpoint, started: true };
  } catch (error) {
    if (started) await stop(started, service.stopGraceMs);
    removeRecord(settings.runDir, service.name); // the claim, or the record of what was stopped
    throw error;
  }
}

export interface UpOptions {
  /** Stop the services this call started when another one fails (the test harness does). */
  stopOnFailure?: boolean;
  /** Which services (default: the base four); the order is the order of SERVICE_NAMES. */
  services?: readonly ServiceName[];
}

/** Starts every named service that is not running; resolves when all are ready. */
export async function upAll(context: StackContext, options: UpOptions = {}): Promise<ServiceUp[]> {
  const names = SERVICE_NAMES.filter((name) => (options.services ?? BASE_SERVICES).includes(name));
  findJava(context.settings.javaHome); // fail once, clearly, rather than in three services
  await assertStartable(context.settings, names); // a taken port fails before anything starts
  const bringing = new Map<ServiceName, Promise<ServiceUp>>();
  for (const name of names) {
    const service = SERVICES[name];
    // A needed service outside this call must already be running: its probe will say if not.
    const needed = (service.after ?? []).flatMap((dep) => bringing.get(dep) ?? []);
    bringing.set(name, bringUp(service, context, needed));
  }
  const outcomes = await Promise.allSettled(bringing.values());
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  const ups = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  if (failures.length === 0) return ups;
  if (options.stopOnFailure) {
    await downAll(
      context.settings,
      ups.filter((u) => u.started).map((u) => u.service),
    );
  }
  const messages = failures.map((f) => (f instanceof Error ? f.message : String(f)));
  const others = options.stopOnFailure
    ? ''
    : '\nServices that did start are still running: `reval stack down` stops them.';
  if (failures.length === 1 && failures[0] instanceof StackError) {
    failures[0].message += others;
    throw failures[0];
  }
  throw new StackError(
    'stack',
    `${failures.length} services failed:\n${messages.join('\n')}${others}`,
  );
}

export interface ServiceDown {
  service: ServiceName;
  result: 'stopped' | 'killed' | 'not running';
  pid?: number;
}

/**
 * Stops the recorded processes of the given services (all by default): the CDC services
 * first, since Connect flushes its positions to Kafka as it stops, then the rest in parallel.
 */
export async function downAll(
  settings: StackSettings,
  services: readonly ServiceName[] = SERVICE_NAMES,
): Promise<ServiceDown[]> {
  const isCdc = (name: ServiceName) => (CDC_SERVICES as readonly ServiceName[]).includes(name);
  const first = await stopEach(settings, services.filter(isCdc));
  const then = await stopEach(
    settings,
    services.filter((name) => !isCdc(name)),
  );
  const results = [...first, ...then];
  return services.map((name) => results.find((r) => r.service === name) as ServiceDown);
}

async function stopEach(
  settings: StackSettings,
  services: readonly ServiceName[],
): Promise<ServiceDown[]> {
  return Promise.all(
    services.map(async (name): Promise<ServiceDown> => {
      const record = readRecord(settings.runDir, name);
      if (!record || !isAlive(record)) {
        removeRecord(settings.runDir, name);
        return { service: name, result: 'not running' };
      }
      const result = await stop(record, SERVICES[name].stopGraceMs);
      removeRecord(settings.runDir, name);
      return { service: name, result, pid: record.pid };
    }),
  );
}

/** Deletes the services' data (topics, schemas, indices, documents) of stopped services. */
export function purgeData(
  settings: StackSettings,
  names: readonly ServiceName[] = SERVICE_NAMES,
): string[] {
  const removed: string[] = [];
  for (const name of names) {
    const record = readRecord(settings.runDir, name);
    if (record && isAlive(record))
      throw new StackError(name, 'is running: stop it before purging its data');
    for (const dir of SERVICES[name].dataDirs(settings)) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}

export interface ServiceStatus {
  service: ServiceName;
  title: string;
  state: 'up' | 'not ready' | 'down' | 'port taken';
  endpoint: string;
  pid?: number;
  logFile: string;
  /** Why a stopped service could not start now (a port held by another process). */
  note?: string;
}

/** The status of the named services (default: every service). */
export async function statusAll(
  settings: StackSettings,
  names: readonly ServiceName[] = SERVICE_NAMES,
): Promise<ServiceStatus[]> {
  return Promise.all(
    names.map(async (name): Promise<ServiceStatus> => {
      const service = SERVICES[name];
      const record = readRecord(settings.runDir, name);
      const base = { service: name, title: service.title, logFile: logFile(settings, name) };
      if (record && isAlive(record)) {
        const ready = await service.probe(record.endpoint).catch(() => false);
        return {
          ...base,
          state: ready ? 'up' : 'not ready',
          endpoint: record.endpoint,
          pid: record.pid,
        };
      }
      const endpoint = service.endpoint(settings);
      for (const portName of service.portNames) {
        const port = settings.ports[portName];
        if (await portInUse(settings.host, port)) {
          return {
            ...base,
            state: 'port taken',
            endpoint,
            note: `port ${port} is used by another process`,
          };
        }
      }
      return { ...base, state: 'down', endpoint };
    }),
  );
}
