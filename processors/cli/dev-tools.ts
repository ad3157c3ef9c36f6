// The one seam between the product and the development tooling in dev/ (the demo of
// `npm start` and `reval fake-gmc`). Nothing in processors/ imports dev/ or test/ (the import
// boundaries in eslint.config.mjs fail lint otherwise); the CLI reaches dev/ only here, through
// a dynamic import of a path computed at run time, so no static import crosses the boundary
// and a build without dev/ still runs every processor: only these two commands need it.
//
// The arrow of the types runs the other way: this file declares what the CLI needs
// (DevTools), and dev/index.ts implements it against these types, so a change on either side
// fails `tsc` rather than at run time.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../platform/config';
import { UserError } from './errors';

/** What `reval start` asks of the demo it runs when no service is configured. */
export interface DemoOptions {
  doctorsPerBody: string;
  synthetic?: boolean;
  verbose?: boolean;
}

/** The demo around the processors: started before them, shown once they run, stopped after. */
export interface Demo {
  /** Seeds the population, runs one GMC sync, waits for the views and prints the summary. */
  show(): Promise<void>;
  stop(): Promise<void>;
}

export interface FakeGmcStart {
  port: number;
  doctorsPerBody: number;
  seed: number;
  /** Default: the current designated bodies of England and Northern Ireland. */
  designatedBodies?: readonly string[];
  username?: string;
  password?: string;
}

export interface RunningFakeGmc {
  url: string;
  designatedBodies: readonly string[];
  stop(): Promise<void>;
}

export interface DevTools {
  /**
   * Starts the local stack (no-op for what runs), the fake GMC and the CDC services, and puts
   * their endpoints in `env`, so the processors started next find them.
   */
  startDemo(env: Env, options: DemoOptions): Promise<Demo>;
  startFakeGmc(options: FakeGmcStart): Promise<RunningFakeGmc>;
}

/** Where dev/index is, from processors/cli/ in the source tree or dist/processors/cli/ in a build. */
function devToolsEntry(): string {
  return join(__dirname, '..', '..', 'dev', 'index');
}

export async function loadDevTools(): Promise<DevTools> {
  const entry = devToolsEntry();
  if (!['.js', '.ts'].some((extension) => existsSync(entry + extension))) {
    throw new UserError(
      `this command needs the development tools (${entry}), which this installation does not ` +
        'include; configure the services (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ELASTICSEARCH_URL, ' +
        'MONGODB_URI, GMC_URL) to run the processors without them',
    );
  }
  const loaded = (await import(entry)) as { devTools: DevTools };
  return loaded.devTools;
}
