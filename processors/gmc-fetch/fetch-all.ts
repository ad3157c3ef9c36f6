// Asks GMC for every body with at most `concurrency` calls in flight: GMC serves one body
// per call, and a night of fourteen bodies should not hit it all at once.
import type { DesignatedBodyFetch, FetchOptions } from '../platform/gmc-soap';

export interface DoctorsForDbSource {
  fetchDoctorsForDesignatedBody(body: string, options?: FetchOptions): Promise<DesignatedBodyFetch>;
}

export interface FetchAllOptions {
  concurrency: number;
  signal?: AbortSignal;
  /** Called as each body finishes, for progress and streaming output. */
  onFetched?: (fetch: DesignatedBodyFetch) => void;
}

/** Results in the order of `designatedBodies`. */
export async function fetchAllDesignatedBodies(
  source: DoctorsForDbSource,
  designatedBodies: readonly string[],
  options: FetchAllOptions,
): Promise<DesignatedBodyFetch[]> {
  const results: DesignatedBodyFetch[] = new Array(designatedBodies.length);
  let next = 0;
  const worker = async () => {
    while (next < designatedBodies.length) {
      const index = next++;
      const fetch = await source.fetchDoctorsForDesignatedBody(designatedBodies[index], {
        signal: options.signal,
      });
      results[index] = fetch;
      options.onFetched?.(fetch);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, designatedBodies.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
