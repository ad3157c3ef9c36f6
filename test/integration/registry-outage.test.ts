// A schema registry that cannot answer is no fault of the records being read. Before, every
// decoder caught any failure of the registry client and dead-lettered the record: a processor
// that started (or met a new schema id) during a registry outage sent valid records to
// reval.dlq for as long as the outage lasted. Now an outage is thrown (RegistryUnavailableError),
// the batch is read again once the registry is back, and only an answer about the record
// itself (no schema with that id, a body that does not fit its schema) dead-letters it.
// The outage is real: the registry is reached through a TCP proxy that the test closes.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { registryConfig } from '../../processors/platform/config';
import { RegistryUnavailableError, SchemaRegistryCodecs } from '../../processors/platform/registry';
import { decodeRecords } from '../../processors/es-sink/decode';
import { decodeChange } from '../../processors/connections/sources/decode';
import { decodeGmcDoctorsRecord } from '../../processors/gmc-fetch/gmc-doctors';
import type { KafkaRecord } from '../../processors/platform/kafka';
import { describeWithServices } from '../harness/endpoints';
import { doctor, eventually, EsSinkHarness } from './es-sink-harness';

/** Forwards a local port to the registry; `close` makes it refuse connections, as an outage. */
class RegistryProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.target.pathname}`;
  }

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}

function framed(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

function kafkaRecord(topic: string, key: string, value: Buffer): KafkaRecord {
  return {
    topic,
    partition: 0,
    offset: '0',
    timestamp: String(Date.now()),
    key: Buffer.from(key),
    value,
    headers: {},
  };
}

describeWithServices('a schema registry outage', () => {
  let h: EsSinkHarness;
  let proxy: RegistryProxy;
  beforeEach(async () => {
    h = new EsSinkHarness();
    await h.setUp(1);
    proxy = new RegistryProxy(new URL(registryConfig().url));
    await proxy.open();
  });
  afterEach(async () => {
    await proxy.close();
    await h.tearDown();
  });

  const proxiedCodecs = () =>
    new SchemaRegistryCodecs({ ...registryConfig(), url: proxy.url }, h.topics);

  it('is thrown by every decoder, not answered as a bad record', async () => {
    const value = await h.codecs.encode('connection', doctor('1000001', 1));
    const record = kafkaRecord(h.topics.connections, '1000001', value);
    const codecs = proxiedCodecs(); // nothing cached: every schema id must be fetched
    await proxy.close();

    await expect(codecs.decode(value)).rejects.toBeInstanceOf(RegistryUnavailableError);
    // Registering too (a processor's start waits on it rather than exiting).
    await expect(codecs.register('connection')).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(decodeRecords([record], codecs)).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(decodeChange('placement', record, codecs)).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
    await expect(
      decodeGmcDoctorsRecord(kafkaRecord(h.topics.gmcDoctors, '1000001', value), codecs),
    ).rejects.toBeInstanceOf(RegistryUnavailableError);

    // Back: the same codecs read the same bytes.
    await proxy.open();
    await expect(codecs.decode(value)).resolves.toMatchObject({ gmcReferenceNumber: '1000001' });
  }, 60_000);

  it("still dead-letters what is the record's fault: an unknown schema id, a body that does not fit", async () => {
    const codecs = proxiedCodecs();
    const unknownId = kafkaRecord(
      h.topics.connections,
      '1000002',
      framed(2_000_000_000, Buffer.from([2, 0])),
    );
    const value = await h.codecs.encode('connection', doctor('1000003', 1));
    const truncated = kafkaRecord(h.topics.connections, '1000003', value.subarray(0, 12));

    const batch = await decodeRecords([unknownId, truncated], codecs);
    expect(batch.items).toEqual([]);
    expect(batch.rejected.map((r) => r.record.key?.toString())).toEqual(['1000002', '1000003']);
    expect(batch.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^cannot decode the Avro value: /),
      expect.stringMatching(/^cannot decode the Avro value: /),
    ]);
    const change = await decodeChange('placement', unknownId, codecs);
    expect(change.ok).toBe(false);
  }, 60_000);

  it('holds the es-sink until the registry is back: nothing dead-lettered, everything indexed', async () => {
    const codecs = proxiedCodecs();
    await h.startSink(h.es, codecs);
    await proxy.close();
    // Records whose schema the sink has never fetched, written while the registry is away.
    await h.send([
      { key: '1000004', version: 1, record: doctor('1000004', 1) },
      { key: '1000005', version: 1, record: doctor('1000005', 1) },
    ]);
    // The sink's decoder retries the registry for about 6 s before each throw: wait past two.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect(await h.deadLettered()).toEqual([]);
    expect(await h.idsIn(h.views.master)).toEqual([]);

    await proxy.open();
    await eventually(async () => {
      expect(await h.idsIn(h.views.master)).toEqual(['1000004', '1000005']);
    }, 90_000);
    expect(await h.deadLettered()).toEqual([]);
  }, 150_000);
});
