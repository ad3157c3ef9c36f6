// The nightly trigger: node-cron at GMC_SYNC_CRON in REVAL_TIMEZONE. node-cron computes
// each next fire from the wall clock of that zone, so 02:00 London stays 02:00 London on
// both sides of a daylight-saving change. A run still going when the next fire comes is
// reported and skipped, never started alongside (the transactional id would fence one of
// them anyway, but a skipped run is cheaper and clearer than a fenced one).
import cron from 'node-cron';
import { ConfigError } from '../platform/config';
import type { Logger } from '../platform/logger';

export interface GmcScheduleOptions {
  cron: string;
  timeZone: string;
  /** One sync run; the signal asks it to stop early (shutdown). */
  run: (signal: AbortSignal) => Promise<unknown>;
  logger: Logger;
  onSkipped?: (firedAt: Date) => void;
}

export interface GmcSchedule {
  isRunning(): boolean;
  nextRun(): Date | null;
  /** No more fires; a run under way is asked to stop and awaited. */
  stop(): Promise<void>;
}

export function scheduleGmcSync(options: GmcScheduleOptions): GmcSchedule {
  if (!cron.validate(options.cron)) {
    throw new ConfigError(
      `GMC_SYNC_CRON=${JSON.stringify(options.cron)} is not a cron expression (for example "0 2 * * *")`,
    );
  }
  const { logger } = options;
  const shutdown = new AbortController();
  let running: Promise<void> | undefined;

  const fire = (firedAt: Date) => {
    if (running) {
      logger.warn({ firedAt }, 'the previous GMC sync run is still going; this run is skipped');
      options.onSkipped?.(firedAt);
      return;
    }
    logger.info({ firedAt }, 'scheduled GMC sync run starting');
    running = options
      .run(shutdown.signal)
      .then(
        () => undefined,
        (error: unknown) => {
          logger.error(
            { error: error instanceof Error ? error.message : String(error) },
            'scheduled GMC sync run failed',
          );
        },
      )
      .finally(() => {
        running = undefined;
      });
  };

  const task = cron.schedule(options.cron, (context) => fire(context.date), {
    timezone: options.timeZone,
    name: 'gmc-sync',
  });
  logger.info(
    { cron: options.cron, timeZone: options.timeZone, nextRun: task.getNextRun() },
    'GMC sync scheduled',
  );

  return {
    isRunning: () => running !== undefined,
    nextRun: () => task.getNextRun(),
    stop: async () => {
      await task.destroy();
      shutdown.abort();
      await running;
    },
  };
}
