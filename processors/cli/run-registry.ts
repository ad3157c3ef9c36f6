// The long-running processors `reval run <name>` can start. Each entry loads its module only
// when started, so `reval run doctors-sync` does not load the SOAP stack, and so on.
export interface RunningProcessor {
  /** Stops taking work, finishes the batch in hand, commits, releases connections. */
  stop(): Promise<void>;
  /** For /readyz; absent means ready once started. */
  isReady?(): boolean;
}

export interface ProcessorEntry {
  description: string;
  start(): Promise<RunningProcessor>;
}

export const PROCESSORS: Record<string, ProcessorEntry> = {
  'gmc-fetch': {
    description: 'the nightly GMC sync: GMC_SYNC_CRON in REVAL_TIMEZONE, one run at a time',
    start: async () => (await import('../gmc-fetch/service')).startGmcFetch(),
  },
  'doctors-sync': {
    description: 'applies gmc.doctors to MongoDB doctorsForDB (the recommendation service copy)',
    start: async () => (await import('../doctors-sync/processor')).startDoctorsSync(),
  },
  connections: {
    description:
      'CDC + GMC topics → the connection rules → reval.connections (and midnight re-evaluation);\n' +
      '                 state in local stores under REVAL_STATE_DIR, restored from changelog topics',
    start: async () => (await import('../connections/processor')).startConnections(),
  },
  'es-sink': {
    description:
      'reval.connections → the Elasticsearch views (reval-doctors + aliases, and the legacy masterdoctorindex + aliases)',
    start: async () => (await import('../es-sink/runtime')).startEsSinkFromEnv(),
  },
};

/** Every processor in one process: what `npm start` runs. Stops them in reverse order. */
export async function startAll(names = Object.keys(PROCESSORS)): Promise<RunningProcessor> {
  const running: RunningProcessor[] = [];
  try {
    for (const name of names) running.push(await PROCESSORS[name].start());
  } catch (error) {
    for (const processor of running.reverse()) await processor.stop().catch(() => undefined);
    throw error;
  }
  return {
    isReady: () => running.every((processor) => processor.isReady?.() ?? true),
    stop: async () => {
      for (const processor of [...running].reverse()) await processor.stop();
    },
  };
}
