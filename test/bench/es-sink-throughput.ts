// es-sink figures on this machine (prints them; not a timed test): N connection records on a
// scratch topic, then (1) a plain consumer reading them, (2) the live sink indexing them from
// scratch, (3) `reval rebuild` replaying them, (4) the plain `_bulk` loader on the same final
// documents. Run: node dist/test/bench/es-sink-throughput.js [doctors=100000]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { elasticsearchConfig, kafkaConfig, registryConfig } from '../../processors/platform/config';
import { topicsOf as defaultTopics } from '../../processors/platform/topics';
import { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import { KafkaClient } from '../../processors/platform/kafka';
import { createLogger } from '../../processors/platform/logger';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
import { bulkLoadRaw } from './bulk-load-raw';
import {
  toDoctorDocument,
  VERSION_HEADER,
  type ConnectionRecord,
} from '../../processors/es-sink/doctor-document';
import { viewNames } from '../../processors/es-sink/views';

const BODIES = [
  '1-1RUZV1D',
  '1-1RUZV6H',
  '1-1RUZV4H',
  '1-1RSSQ5L',
  '1-1RSSPZ7',
  '1-1RSSQ05',
  '1-1RSSQ1B',
];

function record(i: number): ConnectionRecord {
  const gmc = String(1_000_000 + i);
  const connected = i % 10 !== 0;
  return {
    gmcReferenceNumber: gmc,
    tcsPersonId: 500_000 + i,
    doctorFirstName: `First${i}`,
    doctorLastName: `Last${i}`,
    submissionDate: '2027-03-31',
    programmeName: `Programme ${i % 300}`,
    membershipType: i % 50 === 0 ? 'VISITOR' : 'SUBSTANTIVE',
    programmeOwner: 'Yorkshire and the Humber',
    designatedBody: i % 20 === 0 ? null : BODIES[i % BODIES.length],
    tcsDesignatedBody: connected ? BODIES[i % BODIES.length] : null,
    membershipStartDate: '2025-08-06',
    membershipEndDate: '2027-08-05',
    curriculumEndDate: '2027-08-05',
    placementGrades: ['279', String(200 + (i % 40))],
    existsInGmc: i % 20 !== 0,
    underNotice: 'NO',
    admin: null,
    connectionStatus: connected ? 'CONNECTED' : 'DISCONNECTED',
    connectionReason: connected ? null : 'PROGRAMME_ENDED',
    exceptionReasons: i % 50 === 0 ? ['VISITOR'] : [],
    discrepancy: i % 20 === 0 ? 'READY_FOR_CONNECTION' : null,
    nextReevaluationDate: '2027-08-06',
    selectedProgrammeMembershipUuid: randomUUID(),
    version: 1_764_000_000_000_000 + i,
    updatedTime: new Date(),
    sources: ['tis', 'gmc'],
  };
}

async function main(): Promise<void> {
  const doctors = Number(process.argv[2] ?? 100_000);
  const id = randomUUID().slice(0, 8);
  const logger = createLogger('es-sink-bench', 'warn');
  const topics = {
    ...defaultTopics(),
    connections: `bench-${id}.reval.connections`,
    dlq: `bench-${id}.reval.dlq`,
  };
  const kafka = new KafkaClient(kafkaConfig(), logger);
  const codecs = new SchemaRegistryCodecs(registryConfig(), topics);
  const es = new ElasticsearchClient(elasticsearchConfig(), logger);
  const views = viewNames(`bench-${id}-`);
  await kafka.ensureTopics([
    { topic: topics.connections, compacted: true, partitions: 3 },
    { topic: topics.dlq, compacted: false },
  ]);
  const producer = await kafka.createProducer();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-GB')}/s`;
  try {
    const records = Array.from({ length: doctors }, (_, i) => record(i));
    for (let i = 0; i < records.length; i += 5_000) {
      const messages = [];
      for (const r of records.slice(i, i + 5_000)) {
        messages.push({
          key: r.gmcReferenceNumber,
          value: await codecs.encode('connection', r),
          headers: { [VERSION_HEADER]: String(r.version) },
        });
      }
      await producer.send(topics.connections, messages);
    }
    say(`es-sink bench: ${doctors} doctors on ${topics.connections} (3 partitions)`);

    let t = performance.now();
    let read = 0;
    await kafka.readToEnd([topics.connections], (batch) => void (read += batch.length));
    let s = (performance.now() - t) / 1000;
    say(`  plain consumer read      ${read} records in ${s.toFixed(2)} s  ${rate(read, s)}`);

    // The processors as they run in production: separate processes, so RSS is theirs alone.
    const env = {
      ...process.env,
      TOPIC_CONNECTIONS: topics.connections,
      TOPIC_DLQ: topics.dlq,
      ES_INDEX_PREFIX: views.prefix,
      ES_SINK_GROUP_ID: `bench-${id}`,
      METRICS_PORT: String(20_000 + Math.floor(Math.random() * 10_000)),
      LOG_LEVEL: 'warn',
    };
    t = performance.now();
    const sink = reval(['run', 'es-sink'], env);
    for (;;) {
      await sleep(200);
      if ((await es.indicesMatching(views.indexPattern)).length === 0) continue;
      await es.refresh(views.master);
      if ((await es.count(views.master)) >= doctors) break;
    }
    s = (performance.now() - t) / 1000;
    say(
      `  live sink, empty index   ${doctors} docs in ${s.toFixed(2)} s  ${rate(doctors, s)} (process start to searchable)`,
    );

    // The rebuild runs while the sink is still up, as it would in production.
    t = performance.now();
    const rebuilt = reval(['rebuild'], env);
    const output = await rebuilt.exit;
    s = (performance.now() - t) / 1000;
    const reported = /in ([\d.]+) s/.exec(output)?.[1];
    const rebuildSeconds = Number(reported ?? s);
    say(
      `  rebuild (replay + swap)  ${doctors} records in ${rebuildSeconds.toFixed(2)} s  ${rate(doctors, rebuildSeconds)} (${s.toFixed(2)} s with process start)`,
    );
    say(`  peak RSS                 es-sink ${sink.peakMb()} MB, rebuild ${rebuilt.peakMb()} MB`);
    sink.child.kill('SIGTERM');
    await sink.exit;

    const raw = await bulkLoadRaw(records.map(toDoctorDocument), { es, index: `bench-${id}-raw` });
    say(
      `  plain _bulk loader       ${raw.documents} docs in ${raw.seconds.toFixed(2)} s  ${rate(raw.documents, raw.seconds)}`,
    );
    say(
      `  rebuild / raw bulk rate  ${(doctors / rebuildSeconds / raw.documentsPerSecond).toFixed(2)}`,
    );
  } finally {
    await producer.disconnect();
    for (const index of await es.indicesMatching(`bench-${id}-*`)) await es.deleteIndex(index);
    await es.deleteIndexTemplate(views.template);
    await kafka.deleteTopics([topics.connections, topics.dlq]);
    for (const name of ['connection', 'deadLetter'] as const) {
      await codecs.deleteSubject(codecs.subjectOf(name)).catch(() => undefined);
    }
    await kafka.disconnect();
    await es.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `reval <args>` as a child process, sampling its peak resident memory (VmHWM). */
function reval(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(
    process.execPath,
    [join(__dirname, '../../processors/cli/main.js'), ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let peakKb = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited between samples
    }
  }, 100);
  const exit = new Promise<string>((resolve, reject) =>
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      if (code === 0 || signal === 'SIGTERM') resolve(output);
      else reject(new Error(`reval ${args.join(' ')} exited with ${code ?? signal}`));
    }),
  );
  return { child, exit, peakMb: () => Math.round(peakKb / 1024) };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
