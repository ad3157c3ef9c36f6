// Midnight: the date is checked, not scheduled, so a sleeping laptop or a DST shift is
// harmless. A date is only taken as done once its re-evaluation is written; a failure
// retries at the next check.
import type { Logger } from '../platform/logger';
import { todayIn } from '../rules/dates';

export interface Clock {
  now(): Date;
}

export function watchForNewDate(options: {
  clock: Clock;
  timeZone: string;
  checkMs: number;
  logger: Logger;
  onNewDate(): Promise<void>;
}): { stop(): void } {
  const today = () => todayIn(options.clock.now(), options.timeZone);
  let lastToday = today();
  const timer = setInterval(() => {
    const current = today();
    if (current === lastToday) return;
    void options
      .onNewDate()
      .then(() => (lastToday = current))
      .catch((error: unknown) => options.logger.error({ err: error }, 're-evaluation failed'));
  }, options.checkMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
