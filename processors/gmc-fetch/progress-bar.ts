// The fetch's progress on stderr (stdout stays free for the report or ndjson), for a person
// at a terminal: nothing is drawn when stderr is not one.
import { SingleBar } from 'cli-progress';
import type { DesignatedBodyFetch } from '../platform/gmc-soap';

export interface FetchProgress {
  fetched(fetch: DesignatedBodyFetch): void;
  stop(): void;
}

export function fetchProgressBar(designatedBodies: number): FetchProgress {
  if (!process.stderr.isTTY) return { fetched: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: 'GMC |{bar}| {value}/{total} designated bodies | {doctors} doctors | {failed} failed',
    stream: process.stderr,
    hideCursor: true,
  });
  let doctors = 0;
  let failed = 0;
  bar.start(designatedBodies, 0, { doctors, failed });
  return {
    fetched(fetch) {
      doctors += fetch.doctors.length;
      if (fetch.status !== 'OK') failed++;
      bar.increment(1, { doctors, failed });
    },
    stop() {
      if (bar.isActive) bar.stop();
    },
  };
}
