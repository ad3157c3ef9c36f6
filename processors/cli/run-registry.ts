// The long-running processors `reval run <name>` can start, found by one convention: the
// folder processors/<name>/ has `runtime.ts` (the environment → typed dependencies, and
// `startFromEnv`) and `processor.ts` (`start(deps)`: sources → pure step → sinks). A module
// is loaded only when its processor starts, so `reval run doctors-sync` does not load the
// SOAP stack, and so on.
import type { RunningProcessor } from '../platform/running';

export type { RunningProcessor };

/** What every processors/<name>/runtime.ts exports. */
interface ProcessorRuntimeModule {
  startFromEnv(): Promise<RunningProcessor>;
}

export interface ProcessorEntry {
  description: string;
  start(): Promise<RunningProcessor>;
}

const DESCRIPTIONS = {
  'gmc-fetch': 'the nightly GMC sync: GMC_SYNC_CRON in REVAL_TIMEZONE, one run at a time',
  'doctors-sync': 'applies gmc.doctors to MongoDB doctorsForDB (the recommendation service copy)',
  connections:
    'CDC + GMC topics → the connection rules → reval.connections (and midnight re-evaluation);\n' +
    '                 state in local stores under REVAL_STATE_DIR, restored from changelog topics',
  'es-sink':
    'reval.connections → the Elasticsearch views (reval-doctors + aliases, and the legacy masterdoctorindex + aliases)',
} as const;

export type ProcessorName = keyof typeof DESCRIPTIONS;

export const PROCESSORS = Object.fromEntries(
  (Object.keys(DESCRIPTIONS) as ProcessorName[]).map((name) => [
    name,
    {
      description: DESCRIPTIONS[name],
      start: async () => {
        const runtime = (await import(`../${name}/runtime`)) as ProcessorRuntimeModule;
        return runtime.startFromEnv();
      },
    },
  ]),
) as Record<ProcessorName, ProcessorEntry>;

/** Every processor in one process: what `npm start` runs. Stops them in reverse order. */
export async function startAll(
  names: readonly ProcessorName[] = Object.keys(PROCESSORS) as ProcessorName[],
): Promise<RunningProcessor> {
  const running: RunningProcessor[] = [];
  try {
    for (const name of names) running.push(await PROCESSORS[name].start());
  } catch (error) {
    for (const processor of running.reverse()) await processor.stop().catch(() => undefined);
    throw error;
  }
  return {
    isReady: () => running.every((processor) => processor.isReady?.() ?? true),
    routes: running.flatMap((processor) => processor.routes ?? []),
    stop: async () => {
      for (const processor of [...running].reverse()) await processor.stop();
    },
  };
}

export function processorEntry(name: string): ProcessorEntry | undefined {
  return Object.hasOwn(PROCESSORS, name) ? PROCESSORS[name as ProcessorName] : undefined;
}
