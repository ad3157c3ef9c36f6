// The convention every processor follows: `runtime.ts` turns the environment into typed
// dependencies (every setting read first, then the clients connected), `processor.ts` starts
// the work on them, and `launch` ties the two so that stopping the work also releases the
// clients, and a start that fails releases them at once.
import type { Env } from './config';
import type { HttpRoute } from './metrics';

/** What every runtime.ts's `openRuntime` and `startFromEnv` take, and more of their own. */
export interface RuntimeOptions {
  /** The environment to read; process.env unless a test or tool gives its own. */
  env?: Env;
  /** Names the logs and the dead letters' origin; the processor's own name unless given. */
  processor?: string;
}

export interface RunningProcessor {
  /** Stops taking work, finishes the batch in hand, commits. */
  stop(): Promise<void>;
  /** For /readyz; absent means ready once started. */
  isReady?(): boolean;
  /** Endpoints of its own on the metrics port (METRICS_PORT). */
  routes?: readonly HttpRoute[];
}

/** Dependencies a runtime opened: closing releases every client it connected. */
export interface OpenedRuntime {
  close(): Promise<void>;
}

export async function launch<D extends OpenedRuntime, R extends RunningProcessor>(
  deps: D,
  start: (deps: D) => Promise<R>,
): Promise<R> {
  let running: R;
  try {
    running = await start(deps);
  } catch (error) {
    await deps.close().catch(() => undefined);
    throw error;
  }
  return {
    ...running,
    stop: async () => {
      try {
        await running.stop();
      } finally {
        await deps.close();
      }
    },
  };
}
