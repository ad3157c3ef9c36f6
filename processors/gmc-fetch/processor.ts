// The gmc-fetch processor (the name DESIGN.md gives it; its unit of work is a sync run):
//   node-cron (GMC_SYNC_CRON in REVAL_TIMEZONE), one run at a time
//     ─► GMC SOAP: every designated body's doctors ─► compare with gmc.doctors (pure)
//     ─► gmc.doctors changes + the gmc.sync-runs report, in one Kafka transaction
// Its dependencies come from ./runtime.ts; a run is ./sync.ts.
import type { GmcConfig } from '../platform/config';
import type { Logger } from '../platform/logger';
import { metrics } from '../platform/metrics';
import type { RunningProcessor } from '../platform/running';
import { scheduleGmcSync } from './scheduler';
import { runGmcSync, runOptionsFromConfig, type GmcSyncDeps } from './sync';

export const PROCESSOR = 'gmc-fetch';

export interface GmcFetchDeps {
  sync: GmcSyncDeps;
  config: GmcConfig;
  timeZone: string;
  logger: Logger;
}

export async function start(deps: GmcFetchDeps): Promise<RunningProcessor> {
  const schedule = scheduleGmcSync({
    cron: deps.config.syncCron,
    timeZone: deps.timeZone,
    logger: deps.logger,
    run: async (signal) => {
      const result = await runGmcSync(deps.sync, runOptionsFromConfig(deps.config, signal));
      metrics.gmcLastRunStatus.set(result.report.status === 'SUCCEEDED' ? 1 : 0);
      metrics.gmcLastRunTimestamp.set(result.report.finishedTime.getTime() / 1000);
      return result;
    },
  });
  return { stop: () => schedule.stop() };
}
