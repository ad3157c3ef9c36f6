// The rebuild's progress on stderr (stdout stays free for the report): records, rate, ETA.
import { SingleBar } from 'cli-progress';
import type { RebuildProgress } from './rebuild';

export function stderrProgressBar(): RebuildProgress {
  const bar = new SingleBar({
    format:
      'rebuild |{bar}| {percentage}% | {value}/{total} records | {rate} records/s | ETA {eta_formatted} | {phase}',
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 50,
    noTTYOutput: true,
    notTTYSchedule: 2_000,
  });
  let started = 0;
  let done = 0;
  let total = 0;
  const rate = () => {
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  };
  return {
    start(records, phase) {
      started = performance.now();
      total = Math.max(records, 1);
      bar.start(total, 0, { rate: 0, phase });
    },
    advance(records) {
      done += records;
      // Records written during the rebuild arrive on top of the total counted at the start.
      if (done > total) {
        total = done;
        bar.setTotal(total);
      }
      bar.update(done, { rate: rate() });
    },
    phase(name) {
      bar.update(done, { rate: rate(), phase: name });
    },
    stop() {
      bar.stop();
    },
  };
}
