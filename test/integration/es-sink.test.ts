// es-sink against real Kafka, schema registry and Elasticsearch: reval.connections records in,
// doctor documents in the right views out — whatever order, duplication or failure comes.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { elasticsearchConfig } from '../../processors/platform/config';
import { parseAvroSchema } from '../../processors/platform/avro-types';
import { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import { metrics } from '../../processors/platform/metrics';
import { ensureViews, ViewNameTakenError } from '../../processors/es-sink/bootstrap';
import { viewSetsOf } from '../../processors/es-sink/view-sets';
import { VERSION_HEADER } from '../../processors/es-sink/doctor-document';
import { readSchema } from '../../schemas/catalog';
import { describeWithServices } from '../harness/endpoints';
import { doctor, eventually, EsSinkHarness, quietLogger } from './es-sink-harness';

describeWithServices('es-sink', () => {
  let h: EsSinkHarness;

  beforeEach(async () => {
    h = new EsSinkHarness();
    await h.setUp();
  });

  afterEach(async () => {
    await h.tearDown();
  });

  it('puts each doctor in the views its fields select, all of them in masterdoctorindex', async () => {
    await h.startSink();
    await h.send([
      { key: '1000001', version: 1, record: doctor('1000001', 1) },
      {
        key: '1000002',
        version: 1,
        record: doctor('1000002', 1, {
          connectionStatus: 'DISCONNECTED',
          connectionReason: 'PROGRAMME_ENDED',
          tcsDesignatedBody: null,
          exceptionReasons: ['PROGRAMME_ENDED_WHILE_CONNECTED'],
          discrepancy: 'READY_FOR_DISCONNECTION',
        }),
      },
      {
        key: '1000003',
        version: 1,
        record: doctor('1000003', 1, {
          designatedBody: null,
          existsInGmc: false,
          discrepancy: 'READY_FOR_CONNECTION',
        }),
      },
      {
        key: '1000004',
        version: 1,
        record: doctor('1000004', 1, {
          connectionStatus: 'DISCONNECTED',
          connectionReason: 'NOT_IN_TIS',
          designatedBody: '',
          tcsDesignatedBody: null,
          existsInGmc: false,
        }),
      },
    ]);
    const { master, filtered } = h.views;
    await eventually(async () => expect(await h.idsIn(master)).toHaveLength(4));
    expect(await h.idsIn(filtered.connected)).toEqual(['1000001', '1000003']);
    expect(await h.idsIn(filtered.disconnected)).toEqual(['1000002', '1000004']);
    expect(await h.idsIn(filtered.exceptions)).toEqual(['1000002']);
    // An empty GMC body is no connection: 1000004 is not "currently connected".
    expect(await h.idsIn(filtered.connectedInGmc)).toEqual(['1000001', '1000002']);
    expect(await h.idsIn(filtered.discrepancies)).toEqual(['1000002', '1000003']);
    const stored = await h.es.getDocument(master, '1000001');
    expect(stored?.version).toBe(1);
    expect(stored?.source).toMatchObject({
      gmcReferenceNumber: '1000001',
      doctorLastName: 'Seacole 1000001',
      membershipEndDate: '2027-08-05',
      existsInGmc: true,
    });
  });

  it('never moves a document backwards: duplicates and older versions are ignored', async () => {
    await h.startSink();
    const newer = doctor('2000001', 2, {
      connectionStatus: 'DISCONNECTED',
      connectionReason: 'PROGRAMME_ENDED',
    });
    const older = doctor('2000001', 1);
    await h.send([
      { key: '2000001', version: 2, record: newer },
      { key: '2000001', version: 1, record: older },
      { key: '2000001', version: 2, record: newer },
    ]);
    // Separate batches too: the older version arrives after the newer one was written.
    await eventually(async () =>
      expect((await h.es.getDocument(h.views.master, '2000001'))?.version).toBe(2),
    );
    await h.send([{ key: '2000001', version: 1, record: older }]);
    await h.send([{ key: '2000002', version: 1, record: doctor('2000002', 1) }]);
    await eventually(async () => expect(await h.idsIn(h.views.master)).toContain('2000002'));
    const stored = await h.es.getDocument(h.views.master, '2000001');
    expect(stored?.version).toBe(2);
    expect(stored?.source.connectionStatus).toBe('DISCONNECTED');
    expect(await h.idsIn(h.views.filtered.connected)).toEqual(['2000002']);
  });

  it('moves a doctor between views by a field change and deletes it on a tombstone', async () => {
    await h.startSink();
    await h.send([{ key: '3000001', version: 1, record: doctor('3000001', 1) }]);
    await eventually(async () =>
      expect(await h.idsIn(h.views.filtered.connected)).toEqual(['3000001']),
    );
    await h.send([
      {
        key: '3000001',
        version: 2,
        record: doctor('3000001', 2, {
          connectionStatus: 'DISCONNECTED',
          connectionReason: 'PROGRAMME_ENDED',
        }),
      },
    ]);
    await eventually(async () =>
      expect(await h.idsIn(h.views.filtered.disconnected)).toEqual(['3000001']),
    );
    expect(await h.idsIn(h.views.filtered.connected)).toEqual([]);

    await h.send([{ key: '3000001', version: 3, record: null }]);
    await eventually(async () => expect(await h.idsIn(h.views.master)).toEqual([]));
    // A replayed older record after the delete does not bring the doctor back.
    await h.send([
      { key: '3000001', version: 2, record: doctor('3000001', 2) },
      { key: '3000002', version: 1, record: doctor('3000002', 1) },
    ]);
    await eventually(async () => expect(await h.idsIn(h.views.master)).toEqual(['3000002']));
  });

  it('dead-letters what Elasticsearch or decoding rejects, and the rest flows', async () => {
    await h.startSink();
    const poison = await poisonEncoder(h, { tcsPersonId: 'not-a-number' });
    await h.send([{ key: '4000001', version: 1, record: doctor('4000001', 1) }]);
    await h.sendRaw([
      { key: '4000002', value: poison('4000002'), headers: { [VERSION_HEADER]: '1' } },
      { key: '4000003', value: Buffer.from('{"json":"not avro"}') },
      { key: '4000004', value: null }, // a tombstone without its version
    ]);
    await h.send([{ key: '4000005', version: 1, record: doctor('4000005', 1) }]);

    await eventually(async () =>
      expect(await h.idsIn(h.views.master)).toEqual(['4000001', '4000005']),
    );
    // The document both view sets refuse is dead-lettered by each, naming the set.
    const letters = await eventually(async () => {
      const found = await h.deadLettered();
      expect(found).toHaveLength(4);
      return found;
    });
    const refused = letters.filter((l) => l.key === '4000002').map((l) => l.reason);
    expect(refused).toHaveLength(2);
    expect(refused.find((r) => !r.startsWith('legacy views: '))).toMatch(
      /^Elasticsearch 400 document_parsing_exception.*tcsPersonId/,
    );
    expect(refused.find((r) => r.startsWith('legacy views: '))).toMatch(
      /document_parsing_exception.*tcsPersonId/,
    );
    // The two view sets are written side by side: the legacy one may be acknowledged later.
    await eventually(async () =>
      expect(await h.idsIn(h.legacyViews.master)).toEqual(['4000001', '4000005']),
    );
    const reasons = Object.fromEntries(letters.map((l) => [l.key, l.reason]));
    expect(reasons['4000003']).toMatch(/cannot decode/);
    expect(reasons['4000004']).toMatch(/reval\.version/);
  });

  it('waits out a real 429 without committing, then writes everything', async () => {
    const indices = await ensureViews(h.es, h.sets, quietLogger);
    // The flood-stage disk block answers every write with 429 TOO_MANY_REQUESTS.
    for (const index of indices) {
      await h.es.putSettings(index, { 'index.blocks.read_only_allow_delete': true });
    }
    const throttledBefore = await throttledRejections();
    await h.startSink();
    await h.send([
      { key: '5000001', version: 1, record: doctor('5000001', 1) },
      { key: '5000002', version: 1, record: doctor('5000002', 1) },
    ]);
    await eventually(async () =>
      expect(await throttledRejections()).toBeGreaterThan(throttledBefore),
    );
    await sleep(2_000);
    expect(await h.idsIn(h.views.master)).toEqual([]);
    const whileBlocked = await h.committedOffsets();
    expect([...whileBlocked.values()].every((offset) => offset === '-1')).toBe(true);

    for (const index of indices) {
      await h.es.putSettings(index, { 'index.blocks.read_only_allow_delete': null });
    }
    await eventually(async () =>
      expect(await h.idsIn(h.views.master)).toEqual(['5000001', '5000002']),
    );
    // The two view sets are written side by side: the legacy one may be acknowledged later.
    await eventually(async () =>
      expect(await h.idsIn(h.legacyViews.master)).toEqual(['5000001', '5000002']),
    );
    await eventually(async () => {
      const committed = [...(await h.committedOffsets()).values()].map(Number);
      expect(committed.reduce((sum, offset) => sum + Math.max(offset, 0), 0)).toBe(2);
    });
  });

  it('stops promptly during an outage, leaving the unwritten records to the next start', async () => {
    const indices = await ensureViews(h.es, h.sets, quietLogger);
    for (const index of indices) {
      await h.es.putSettings(index, { 'index.blocks.read_only_allow_delete': true });
    }
    const sink = await h.startSink();
    await h.send([{ key: '5500001', version: 1, record: doctor('5500001', 1) }]);
    await sleep(1_500);
    const began = Date.now();
    await sink.stop();
    expect(Date.now() - began).toBeLessThan(10_000);
    expect([...(await h.committedOffsets()).values()].every((o) => o === '-1')).toBe(true);

    for (const index of indices) {
      await h.es.putSettings(index, { 'index.blocks.read_only_allow_delete': null });
    }
    await h.startSink();
    await eventually(async () => expect(await h.idsIn(h.views.master)).toEqual(['5500001']));
  });

  it('retries bulk requests that fail with 5xx', async () => {
    const proxy = await failingProxy(elasticsearchConfig().url, 3);
    const es = new ElasticsearchClient({ ...elasticsearchConfig(), url: proxy.url }, quietLogger);
    h.onTearDown(() => proxy.close());
    h.onTearDown(() => es.close());
    await h.startSink(es);
    await h.send([{ key: '6000001', version: 1, record: doctor('6000001', 1) }]);
    await eventually(async () => expect(await h.idsIn(h.views.master)).toEqual(['6000001']));
    expect(proxy.failed()).toBe(3);
  });

  it('bootstraps the views once when two sinks start at the same moment', async () => {
    const [a, b] = await Promise.all([
      ensureViews(h.es, h.sets, quietLogger),
      ensureViews(h.es, h.sets, quietLogger),
    ]);
    expect(a).toEqual(b);
    expect(await h.es.indicesMatching(h.views.indexPattern)).toEqual([a[0]]);
    expect(await h.es.indicesMatching(h.legacyViews.indexPattern)).toEqual([a[1]]);
    expect((await h.aliasTargets(h.legacyViews)).size).toBe(4);
    const targets = await h.aliasTargets();
    expect(targets.size).toBe(6);
    for (const indices of targets.values()) expect(indices).toEqual([a[0]]);
  });

  it('refuses to start, naming it, when a concrete index holds a name the views need', async () => {
    // What the recommendation service does when it starts first: an empty index of its own.
    const squatter = h.legacyViews.filtered.recommendations;
    await h.es.createIndex(squatter);
    await expect(ensureViews(h.es, h.sets, quietLogger)).rejects.toThrow(ViewNameTakenError);
    await expect(ensureViews(h.es, h.sets, quietLogger)).rejects.toThrow(
      new RegExp(`^${squatter} is a concrete index, but the views need the name as an alias`),
    );
    expect(await h.es.indicesMatching(h.views.indexPattern)).toEqual([]);
  });

  it('keeps only its own views when the legacy projection is switched off', async () => {
    const own = viewSetsOf({ views: h.views, legacyViews: null });
    expect(own.map((set) => set.label)).toEqual(['views']);
    await ensureViews(h.es, own, quietLogger);
    expect(await h.es.indicesMatching(`${h.legacyViews.master}*`)).toEqual([]);
    expect((await h.aliasTargets()).size).toBe(6);
  });
});

async function throttledRejections(): Promise<number> {
  const { values } = await metrics.esRejections.get();
  return values.find((v) => v.labels.reason === 'throttled')?.value ?? 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Encodes records with a schema whose field types Elasticsearch's mapping refuses. */
async function poisonEncoder(h: EsSinkHarness, overrides: Record<string, unknown>) {
  const schema = readSchema('connection') as { fields: { name: string; type: unknown }[] };
  const poisoned = {
    ...schema,
    fields: schema.fields.map((f) =>
      f.name === 'tcsPersonId' ? { ...f, type: ['null', 'string'] } : f,
    ),
  };
  const subject = `${h.topics.connections}-poison-value`;
  const id = await h.codecs.registerRaw(subject, poisoned);
  h.onTearDown(() => h.codecs.deleteSubject(subject));
  const type = parseAvroSchema(poisoned as never);
  return (gmc: string) => {
    const header = Buffer.alloc(5);
    header.writeUInt32BE(id, 1);
    return Buffer.concat([header, type.toBuffer({ ...doctor(gmc, 1), ...overrides })]);
  };
}

/** Forwards to Elasticsearch, answering the first `failures` bulk requests with 503. */
async function failingProxy(target: string, failures: number) {
  const upstream = new URL(target);
  let failed = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.includes('_bulk') && failed < failures) {
      failed += 1;
      req.resume();
      res.writeHead(503, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
      });
      res.end('{"error":{"type":"test_unavailable","reason":"injected"},"status":503}');
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failed: () => failed,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
