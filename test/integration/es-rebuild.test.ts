// `reval rebuild` against real services, with the live sink writing the whole time: readers
// see the old index until one atomic swap, and no update the live sink wrote is lost.
import { buildProgram } from '../../processors/cli/main';
import { currentIndex } from '../../processors/es-sink/bootstrap';
import {
  rebuild,
  RebuildConflictError,
  type RebuildReport,
} from '../../processors/es-sink/rebuild';
import { describeWithServices } from '../harness/endpoints';
import { doctor, eventually, EsSinkHarness, quietLogger, type Update } from './es-sink-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `step` over and over in the background until stopped; stop() rethrows its failure. */
function repeat(step: () => Promise<void>) {
  let running = true;
  const loop = (async () => {
    while (running) await step();
  })();
  loop.catch(() => undefined); // reported by stop(), not as an unhandled rejection
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describeWithServices('reval rebuild', () => {
  let h: EsSinkHarness;
  /** Latest version per doctor as produced; null once deleted. */
  let expected: Map<string, number | null>;
  let version: number;

  beforeEach(async () => {
    h = new EsSinkHarness();
    await h.setUp();
    expected = new Map();
    version = 1;
  });

  afterEach(async () => {
    await h.tearDown();
  });

  async function send(updates: Update[]) {
    await h.send(updates);
    for (const u of updates) expected.set(u.key, u.record ? u.version : null);
  }

  function update(key: string, remove = false): Update {
    version += 1;
    return {
      key,
      version,
      record: remove
        ? null
        : doctor(key, version, {
            connectionStatus: version % 2 === 0 ? 'DISCONNECTED' : 'CONNECTED',
            connectionReason: version % 2 === 0 ? 'PROGRAMME_ENDED' : null,
          }),
    };
  }

  async function seed(doctors: number) {
    const keys = Array.from({ length: doctors }, (_, i) => String(7_000_001 + i));
    await send(keys.map((key) => ({ key, version: 1, record: doctor(key, 1) })));
    return keys;
  }

  async function indexedVersions(alias: string): Promise<Map<string, number>> {
    await h.es.refresh(alias);
    const hits = await h.es.search(alias, { match_all: {} }, 10_000);
    return new Map(hits.map((hit) => [hit.id, hit.version ?? -1]));
  }

  function expectedVersions(): Map<string, number> {
    return new Map(
      [...expected]
        .filter((e): e is [string, number] => e[1] !== null)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  }

  function rebuildDeps(
    beforeSwap?: (index: string) => Promise<void>,
    bulk: { maxActions?: number; lingerMs?: number } = { maxActions: 100 },
  ) {
    return {
      kafka: h.kafka,
      codecs: h.codecs,
      es: h.es,
      deadLetters: h.deadLetters('es-rebuild'),
      logger: quietLogger,
      views: h.views,
      legacyViews: h.legacyViews,
      topic: h.topics.connections,
      bulk,
      beforeSwap,
    };
  }

  it('loses no update the live sink writes during the rebuild, and swaps every alias at once', async () => {
    const keys = await seed(300);
    const lateDoctor = '7999999'; // only ever written in the window just before the swap
    await send([{ key: lateDoctor, version: 1, record: doctor(lateDoctor, 1) }]);
    await h.startSink();
    await eventually(async () => expect(await h.idsIn(h.views.master)).toHaveLength(301));
    const oldIndex = await currentIndex(h.es, h.views);

    // The live traffic: updates, deletions and new doctors, all through the live sink.
    let round = 0;
    const traffic = repeat(async () => {
      const batch = [0, 1, 2].map(() =>
        update(keys[Math.floor(Math.random() * keys.length)], round % 7 === 0),
      );
      batch.push(update(String(7_500_000 + round)));
      round += 1;
      await send(batch);
      await sleep(10);
    });
    // Readers: every alias, read together, must always point at one and the same index.
    const seen: Map<string, string[]>[] = [];
    const readers = repeat(async () => {
      seen.push(await h.aliasTargets());
      await sleep(5);
    });

    let lateVersion = 0;
    let report: RebuildReport;
    try {
      report = await rebuild(
        {},
        rebuildDeps(
          async (newIndex) => {
            expect(new Set([...(await h.aliasTargets()).values()].flat())).toEqual(
              new Set([oldIndex]),
            );
            expect((await h.es.getDocument(h.views.master, lateDoctor))?.index).toBe(oldIndex);
            expect(await h.es.count(newIndex)).toBeGreaterThan(300);
            // The live sink writes this to the old index after the rebuild's last catch-up.
            const late = update(lateDoctor);
            await send([late]);
            lateVersion = late.version;
            await eventually(async () =>
              expect((await h.es.getDocument(oldIndex ?? '', lateDoctor))?.version).toBe(
                late.version,
              ),
            );
          },
          // Writes leave the rebuild's buffer only when it says so (no size or time trigger),
          // so the late update reaches the new index only through the catch-up after the swap.
          { maxActions: 100_000, lingerMs: 0 },
        ),
      );

      // Right after the swap, with no help from the live sink, the late update is there.
      expect(lateVersion).toBeGreaterThan(1);
      const late = await h.es.getDocument(h.views.master, lateDoctor);
      expect(late).toMatchObject({ index: report.generations[0].index, version: lateVersion });
    } finally {
      await traffic.stop();
    }
    try {
      await eventually(async () =>
        expect(await indexedVersions(h.views.master)).toEqual(expectedVersions()),
      );
    } finally {
      await readers.stop();
    }

    const [own, legacy] = report.generations;
    expect(own.previousIndex).toBe(oldIndex);
    expect(report.records).toBeGreaterThanOrEqual(302);
    expect(new Set([...(await h.aliasTargets()).values()].flat())).toEqual(new Set([own.index]));
    expect(await h.es.indicesMatching(h.views.indexPattern)).toEqual([own.index]);
    // The legacy projection was rebuilt and swapped in the same call.
    expect(legacy.views).toBe('legacy views');
    expect(new Set([...(await h.aliasTargets(h.legacyViews)).values()].flat())).toEqual(
      new Set([legacy.index]),
    );
    expect(await h.es.indicesMatching(h.legacyViews.indexPattern)).toEqual([legacy.index]);
    expect(await indexedVersions(h.legacyViews.master)).toEqual(expectedVersions());
    expect(seen.length).toBeGreaterThan(10);
    for (const targets of seen) {
      expect(targets.size).toBe(6);
      expect(new Set([...targets.values()].flat()).size).toBe(1);
    }
    expect(seen.some((t) => t.get(h.views.master)?.[0] === oldIndex)).toBe(true);
  });

  it('runs from the command line, keeping the old index with --keep-old', async () => {
    await seed(50);
    await send([update('7000003', true), update('7000004')]);
    await h.startSink();
    await eventually(async () =>
      expect(await indexedVersions(h.views.master)).toEqual(expectedVersions()),
    );
    const oldIndex = await currentIndex(h.es, h.views);

    const output = await runCli(h, ['rebuild', '--keep-old']);
    expect(output).toMatch(
      /rebuilt .*reval-doctors-v2, .*masterdoctorindex-v2 and .*connectionhistory-v2 from .*: 52 records/,
    );
    expect(output).toMatch(/kept \(--keep-old\)/);
    expect(await indexedVersions(h.views.master)).toEqual(expectedVersions());
    expect((await h.es.indicesMatching(h.views.indexPattern)).sort()).toEqual(
      [oldIndex, `${h.views.master}-v2`].sort(),
    );
    expect(await h.es.aliases([h.views.master])).toEqual(
      new Map([
        [h.views.master, [{ index: `${h.views.master}-v2`, definition: { is_write_index: true } }]],
      ]),
    );
    // The live sink now writes to the new generation.
    await send([update('7000010')]);
    await eventually(async () =>
      expect(await indexedVersions(h.views.master)).toEqual(expectedVersions()),
    );
  });

  it('does not dead-letter again what the live sink already dead-lettered', async () => {
    await seed(5);
    await h.sendRaw([{ key: '7000099', value: Buffer.from('{"json":"not avro"}') }]);
    await h.startSink();
    await eventually(async () => expect(await h.deadLettered()).toHaveLength(1));

    const output = await runCli(h, ['rebuild']);
    expect(output).toMatch(/rebuilt /);
    // The rebuild met the same record and failed it for the same reason: one letter still.
    expect(await h.deadLettered()).toHaveLength(1);
  });

  it('--from-sources replays the topic the connections processor recomputed', async () => {
    await seed(20);
    await h.startSink();
    await eventually(async () => expect(await h.idsIn(h.views.master)).toHaveLength(20));
    const recomputed = `${h.topics.connections}.recomputed`;
    await h.kafka.ensureTopics([{ topic: recomputed, compacted: true }]);
    h.onTearDown(() => h.kafka.deleteTopics([recomputed]));
    let asked = 0;
    const report = await rebuild(
      { fromSources: true },
      {
        ...rebuildDeps(),
        recomputeConnections: async () => {
          asked += 1;
          await h.send([{ key: '7100001', version: 9, record: doctor('7100001', 9) }], recomputed);
          return recomputed;
        },
      },
    );
    expect(asked).toBe(1);
    expect(report.topic).toBe(recomputed);
    expect(await h.idsIn(h.views.master)).toEqual(['7100001']);
  });

  it('refuses to swap when another rebuild swapped the views first, and cleans up', async () => {
    await seed(100);
    await h.startSink();
    await eventually(async () => expect(await h.idsIn(h.views.master)).toHaveLength(100));
    let other: RebuildReport | undefined;
    const first = rebuild(
      {},
      rebuildDeps(async () => {
        other = await rebuild({}, rebuildDeps());
      }),
    );
    await expect(first).rejects.toBeInstanceOf(RebuildConflictError);
    const otherIndex = other?.generations[0].index;
    expect(otherIndex).toBe(`${h.views.master}-v3`);
    expect(await h.es.indicesMatching(h.views.indexPattern)).toEqual([otherIndex]);
    expect(new Set([...(await h.aliasTargets()).values()].flat())).toEqual(new Set([otherIndex]));
    expect(await h.idsIn(h.views.master)).toHaveLength(100);
  });

  it('lets only one of two concurrent rebuilds own the views, leaving no orphan index', async () => {
    await seed(100);
    await h.startSink();
    await eventually(async () => expect(await h.idsIn(h.views.master)).toHaveLength(100));
    const outcomes = await Promise.allSettled([
      rebuild({}, rebuildDeps()),
      rebuild({}, rebuildDeps()),
    ]);
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    const indices = await h.es.indicesMatching(h.views.indexPattern);
    expect(indices).toHaveLength(1);
    expect(new Set([...(await h.aliasTargets()).values()].flat())).toEqual(new Set(indices));
    expect(await h.idsIn(h.views.master)).toHaveLength(100);
  });
});

/** `reval <args>` in-process, configured for this test's topics and index prefix. */
async function runCli(h: EsSinkHarness, args: string[]): Promise<string> {
  const overrides: Record<string, string> = {
    TOPIC_CONNECTIONS: h.topics.connections,
    TOPIC_CONNECTION_CHANGES: h.topics.connectionChanges,
    TOPIC_DLQ: h.topics.dlq,
    ES_INDEX_PREFIX: h.views.prefix,
    LOG_LEVEL: 'warn',
  };
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  Object.assign(process.env, overrides);
  let output = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output += String(chunk);
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'reval', ...args]);
    return output;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
