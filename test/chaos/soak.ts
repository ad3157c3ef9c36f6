// `npm run soak`: the whole pipeline at a steady rate of CDC edits (200/s by default) with a
// GMC sync every 5 minutes and no faults. Every minute: each processor's resident memory and
// the pipeline's lag. Every 5 minutes: freshness, produce → searchable, of probe edits (a TIS
// surname change to a doctor GMC does not list, so the name shown is TIS's), p50/p99. At the
// end, the oracle (oracle.ts). Exits 1 when the oracle counts anything.
import { setTimeout as sleep } from 'node:timers/promises';
import { syntheticGmcNumber } from '../../dev/fake-gmc/synthetic';
import { viewNames } from '../../processors/es-sink/views';
import { DESIGNATED_BODIES } from '../../dev/population';
import {
  load1,
  oracleFailures,
  parseOptions,
  percentile,
  runMain,
  say,
  setUp,
  table,
  tearDown,
  type Harness,
  type RunOptions,
} from './run';
import { settle } from './recovery';
import { runOracle } from './oracle';

const USAGE = `npm run soak -- [options]
  --minutes M           how long (default 30)
  --rate R              CDC edits per second (default 200)
  --gmc-sync-every S    a GMC sync (after some GMC churn) every S seconds (default 300)
  --doctors-per-body N  population: N doctors in each of the 14 designated bodies (default 100)
  --poison-every S      a poison record about every S seconds (default 60)
  --seed N, --partitions N, --base-port P, --keep, --keep-stack: as for npm run chaos
`;

const WINDOW_MS = 5 * 60_000;

interface Probe {
  surname: string;
  ackedAt: number;
}

async function lagOf(harness: Harness): Promise<number> {
  const { kafka } = harness.pipeline;
  let lag = 0;
  for (const { group, topics } of harness.pipeline.watched()) {
    const committed = await kafka.groupOffsets(group, topics);
    for (const topic of topics) {
      for (const [partition, { low, high }] of await kafka.endOffsets(topic)) {
        const at = BigInt(committed.get(`${topic}:${partition}`) ?? low);
        if (BigInt(high) > at) lag += Number(BigInt(high) - at);
      }
    }
  }
  return lag;
}

async function main(): Promise<number> {
  const defaults: RunOptions = {
    seed: Math.floor(Math.random() * 2 ** 31),
    minutes: 30,
    doctorsPerBody: 100,
    rate: 200,
    gmcSyncEverySeconds: 300,
    poisonEverySeconds: 60,
    partitions: 3,
    keep: false,
    keepStack: false,
    basePort: 29600,
    only: [],
  };
  const options = parseOptions(process.argv.slice(2), defaults, USAGE);
  say(
    `soak: seed ${options.seed}, ${options.minutes} min at ${options.rate} CDC edits/s, ` +
      `a GMC sync every ${options.gmcSyncEverySeconds} s`,
  );
  const harness = await setUp(options, 'soak');
  const { pipeline, load } = harness;

  // Probes: doctors GMC does not list, whose shown surname therefore comes from TIS.
  const listed = new Set<string>();
  DESIGNATED_BODIES.forEach((_, body) => {
    for (let i = 0; i < options.doctorsPerBody; i++) listed.add(syntheticGmcNumber(body, i));
  });
  const probeIndexes = pipeline.population.persons
    .map((person, index) => (listed.has(person.gmcReferenceNumber) ? -1 : index))
    .filter((index) => index >= 0);
  const pending = new Map<string, Probe>();
  const latencies: { at: number; ms: number }[] = [];
  let probesSent = 0;
  load.probe = {
    every: Math.max(1, Math.round(options.rate / 2)), // about two probes a second
    persons: probeIndexes,
    acked: (_personId, surname, at) => {
      probesSent += 1;
      pending.set(surname, { surname, ackedAt: at });
    },
  };

  const url = pipeline.env.ELASTICSEARCH_URL as string;
  const master = viewNames(pipeline.env.ES_INDEX_PREFIX).master;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await sleep(250);
      if (pending.size === 0) continue;
      try {
        const response = await fetch(`${url}/${master}/_search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            size: 1000,
            _source: ['doctorLastName'],
            query: { terms: { 'doctorLastName.keyword': [...pending.keys()].slice(0, 1000) } },
          }),
          signal: AbortSignal.timeout(5_000),
        });
        const body = (await response.json()) as {
          hits?: { hits: { _source: { doctorLastName: string } }[] };
        };
        const now = Date.now();
        for (const hit of body.hits?.hits ?? []) {
          const probe = pending.get(hit._source.doctorLastName);
          if (!probe) continue;
          pending.delete(probe.surname);
          latencies.push({ at: probe.ackedAt, ms: now - probe.ackedAt });
        }
      } catch {
        // Elasticsearch busy: the probe's latency grows, as an administrator would see it.
      }
    }
  })();

  const startedAt = Date.now();
  const endsAt = startedAt + options.minutes * 60_000;
  const processes = ['connections-a', 'es-sink', 'doctors-sync'];
  const memoryRows: (string | number)[][] = [];
  const rss = new Map<string, number[]>(processes.map((name) => [name, []]));
  load.start();
  try {
    for (let minute = 1; Date.now() < endsAt; minute++) {
      await sleep(Math.max(0, Math.min(startedAt + minute * 60_000, endsAt) - Date.now()));
      const lag = await lagOf(harness).catch(() => NaN);
      const row: (string | number)[] = [minute];
      for (const name of processes) {
        const mb = pipeline.get(name).rssMb();
        rss.get(name)?.push(mb);
        row.push(Math.round(mb));
      }
      row.push(lag, load.stats.edits, load.stats.gmcSyncs.ok, load1());
      memoryRows.push(row);
      say(
        `minute ${minute}: RSS ${processes.map((n, i) => `${n} ${row[i + 1]} MB`).join(', ')}; ` +
          `lag ${lag} records; ${load.stats.edits} edits; load ${load1()}`,
      );
    }
  } finally {
    await load.stop();
  }
  say('soak over: settling for the oracle');
  await settle(pipeline.kafka, pipeline.watched(), 10 * 60_000);
  await sleep(3_000); // the last probes' refresh
  polling = false;
  await poller;
  const result = await runOracle(pipeline, load.stats.poison);
  const bad = oracleFailures(result);

  const windows: (string | number)[][] = [];
  for (let from = startedAt; from < endsAt; from += WINDOW_MS) {
    const inWindow = latencies
      .filter((l) => l.at >= from && l.at < from + WINDOW_MS)
      .map((l) => l.ms);
    const lost = [...pending.values()].filter(
      (p) => p.ackedAt >= from && p.ackedAt < from + WINDOW_MS,
    );
    const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '—');
    windows.push([
      `${Math.round((from - startedAt) / 60_000)}–${Math.round((Math.min(from + WINDOW_MS, endsAt) - startedAt) / 60_000)} min`,
      inWindow.length,
      lost.length,
      s(percentile(inWindow, 50)),
      s(percentile(inWindow, 99)),
      s(Math.max(...inWindow)),
    ]);
  }
  const flat = processes.map((name) => {
    const values = rss.get(name) ?? [];
    const head = values.slice(0, Math.min(5, values.length));
    const tail = values.slice(-Math.min(5, values.length));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return `${name} ${mean(head).toFixed(0)} → ${mean(tail).toFixed(0)} MB (max ${Math.max(...values).toFixed(0)})`;
  });
  const exits = [...pipeline.processes.values()]
    .filter((p) => p.unplannedExits.length > 0)
    .map((p) => `${p.spec.name} ×${p.unplannedExits.length}`);
  const v = result.views;
  process.stdout.write(
    [
      '',
      `soak run: seed ${options.seed}, ${options.minutes} min, ${load.stats.edits} CDC edits ` +
        `(${(load.stats.edits / (options.minutes * 60)).toFixed(0)}/s), ${load.stats.gmcSyncs.ok} GMC syncs ` +
        `(${load.stats.gmcSyncs.failed} failed), ${result.poisonRecords} poison records, ` +
        `${pipeline.population.persons.length} TIS persons / ${result.expectedDoctors} doctors`,
      '',
      'Every minute: resident memory (MB), lag (records not yet committed by the groups), load average',
      table(
        ['minute', ...processes.map((p) => `${p} RSS`), 'lag', 'edits', 'GMC syncs', 'load'],
        memoryRows,
      ),
      '',
      `RSS, mean of the first 5 minutes → of the last 5: ${flat.join('; ')}`,
      '',
      `Freshness: a probe edit acknowledged by Kafka → its surname found by a search (${probesSent} probes)`,
      table(['window', 'seen', 'not seen', 'p50', 'p99', 'max'], windows),
      '',
      table(
        ['oracle', 'missing', 'stale', 'duplicate', 'wrong', 'alias', 'dlq missing/dup/unexpected'],
        [
          [
            'end of soak',
            v.missing + result.mongo.missing,
            v.stale + result.mongo.stale,
            v.duplicate + result.mongo.duplicate,
            v.wrong,
            v.aliasMismatches,
            `${result.dlq.missing}/${result.dlq.duplicate}/${result.dlq.unexpected}`,
          ],
        ],
      ),
      `Processes that exited by themselves: ${exits.length > 0 ? exits.join(', ') : 'none'}`,
      ...(bad > 0
        ? ['', ...v.examples, ...result.mongo.examples, ...result.dlq.examples].slice(0, 20)
        : []),
      '',
      bad === 0 ? 'soak: PASS (oracle counts all 0)' : `soak: FAIL (${bad} problems)`,
      '',
    ].join('\n'),
  );
  await tearDown(harness, options);
  return bad === 0 ? 0 : 1;
}

runMain('soak', main);
