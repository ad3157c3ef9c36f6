// "Caught up": every consumer group of the pipeline has committed, on every partition it
// reads, at least the end offset that partition had when the fault ended. The pipeline is
// several hops deep (CDC topics → repartition topics → reval.connections → Elasticsearch),
// so this is checked in rounds: each round takes the end offsets afresh and waits for the
// groups to reach them. After HOPS rounds, every record written before the fault ended has
// gone through every hop.
import type { KafkaClient } from '../../processors/platform/kafka';

/** Source → memberships → persons → doctors → reval.connections → es-sink. */
export const HOPS = 5;

export interface Watched {
  group: string;
  topics: string[];
}

type Ends = Map<string, bigint>;

async function endsOf(kafka: KafkaClient, watched: Watched[]): Promise<Ends> {
  const ends: Ends = new Map();
  for (const { group, topics } of watched) {
    for (const topic of topics) {
      for (const [partition, { low, high }] of await kafka.endOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) ends.set(`${group} ${topic}:${partition}`, BigInt(high));
      }
    }
  }
  return ends;
}

/** The partitions whose committed offset is still short of `ends`. */
export async function behind(
  kafka: KafkaClient,
  watched: Watched[],
  ends: Ends,
): Promise<string[]> {
  const short: string[] = [];
  for (const { group, topics } of watched) {
    const committed = await kafka.groupOffsets(group, topics);
    for (const topic of topics) {
      for (const [key, end] of ends) {
        if (!key.startsWith(`${group} ${topic}:`)) continue;
        const partition = key.slice(key.lastIndexOf(':') + 1);
        const at = BigInt(committed.get(`${topic}:${partition}`) ?? '-1');
        if (at < end) short.push(`${key} (${at}/${end})`);
      }
    }
  }
  return short;
}

async function retrying<T>(work: () => Promise<T>, until: number): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Milliseconds from `since` until caught up (HOPS rounds); throws with the partitions still
 * behind after `timeoutMs`.
 */
export async function timeToCaughtUp(
  kafka: KafkaClient,
  watched: Watched[],
  since: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = since + timeoutMs;
  for (let round = 0; round < HOPS; round++) {
    const ends = await retrying(() => endsOf(kafka, watched), deadline);
    for (;;) {
      const short = await retrying(() => behind(kafka, watched, ends), deadline);
      if (short.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `not caught up ${Math.round(timeoutMs / 1000)} s after the fault: ${short.slice(0, 4).join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return Date.now() - since;
}

/** With the load stopped: waits until every group has committed every partition to its end. */
export async function settle(
  kafka: KafkaClient,
  watched: Watched[],
  timeoutMs: number,
): Promise<number> {
  const since = Date.now();
  for (;;) {
    const ends = await retrying(() => endsOf(kafka, watched), since + timeoutMs);
    const short = await retrying(() => behind(kafka, watched, ends), since + timeoutMs);
    if (short.length === 0) {
      // Twice in a row with nothing new: the last hop's output has been consumed too.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const again = await endsOf(kafka, watched);
      if ([...again].every(([key, end]) => ends.get(key) === end)) return Date.now() - since;
      continue;
    }
    if (Date.now() - since > timeoutMs) {
      throw new Error(`the pipeline did not settle: ${short.slice(0, 4).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
