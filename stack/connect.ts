// Kafka Connect in distributed mode (one worker) on the stack's Kafka, with Debezium's MariaDB
// connector and Apicurio's Avro converter on its plugin path. Distributed rather than
// standalone: connectors and their offsets live in Kafka topics and are managed over REST,
// as in production, so `reval connectors register` works against it unchanged.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract, mavenFetch } from './fetch';
import { httpOk, logFile, serviceDir, type Service, type StackContext } from './service';
import { VERSIONS, type StackSettings } from './settings';
import { findJava, runTool } from './tools';

const libsDir = (settings: StackSettings) =>
  join(settings.cacheDir, `connect-${VERSIONS.kafka}`, 'libs');
const pluginsRoot = (settings: StackSettings) => join(settings.cacheDir, 'connect-plugins');
/** One top-level plugin.path entry per plugin and version, so a version change cannot mix. */
const debeziumDir = (settings: StackSettings) =>
  join(pluginsRoot(settings), `debezium-connector-mariadb-${VERSIONS.debezium}`);
const converterDir = (settings: StackSettings) =>
  join(pluginsRoot(settings), `apicurio-converter-${VERSIONS.apicurioConverter}`);

/**
 * Jars the converter's POM drags in that the worker already has: Connect's API and Kafka's
 * clients must come from the worker (their classes cross the plugin boundary), and a second
 * SLF4J API would split the logging.
 */
const SHARED_WITH_WORKER = /^(connect-api|connect-json|kafka-clients|slf4j-api)-.*\.jar$/;

/** Connect's own topics, named for the stack so they cannot meet another worker group's. */
export const CONNECT_GROUP = 'reval-local-connect';

/**
 * Apicurio's converter jar has no ServiceLoader manifest, so Connect would have to find it by
 * scanning every class of every plugin (15 s on two busy cores, against about 1 s). A jar
 * holding only the manifest, beside the converter's jars, lets the worker use
 * `plugin.discovery=service_load`.
 */
const MANIFEST_JAR = 'reval-service-manifest.jar';
const APICURIO_CONVERTERS = [
  'io.apicurio.registry.utils.converter.AvroConverter',
  'io.apicurio.registry.utils.converter.ExtJsonConverter',
];

async function writeManifestJar(settings: StackSettings, pluginDir: string): Promise<void> {
  const jarTool = join(findJava(settings.javaHome).home, 'bin', 'jar');
  if (!existsSync(jarTool)) return; // a JRE: the worker falls back to scanning
  const work = join(pluginDir, '..', 'manifest');
  const services = join(work, 'META-INF', 'services');
  mkdirSync(services, { recursive: true });
  writeFileSync(
    join(services, 'org.apache.kafka.connect.storage.Converter'),
    `${APICURIO_CONVERTERS.join('\n')}\n`,
  );
  await runTool(
    'connect',
    jarTool,
    ['--create', '--file', join(pluginDir, MANIFEST_JAR), '-C', work, '.'],
    {
      logFile: logFile(settings, 'connect-fetch'),
      what: 'writing the converter’s ServiceLoader manifest',
    },
  );
  rmSync(work, { recursive: true, force: true });
}

function workerProperties(settings: StackSettings): string {
  const manifest = existsSync(join(converterDir(settings), 'apicurio-converter', MANIFEST_JAR));
  const { host, ports } = settings;
  return [
    `bootstrap.servers=${host}:${ports.kafka}`,
    `group.id=${CONNECT_GROUP}`,
    `config.storage.topic=${CONNECT_GROUP}-configs`,
    `offset.storage.topic=${CONNECT_GROUP}-offsets`,
    `status.storage.topic=${CONNECT_GROUP}-status`,
    // One broker.
    'config.storage.replication.factor=1',
    'offset.storage.replication.factor=1',
    'status.storage.replication.factor=1',
    'offset.storage.partitions=5',
    'status.storage.partitions=1',
    // Connectors override these; JSON is the readable default of the local stack.
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    `listeners=http://${host}:${ports.connect}`,
    `rest.advertised.host.name=${host}`,
    `rest.advertised.port=${ports.connect}`,
    `plugin.path=${debeziumDir(settings)},${converterDir(settings)}`,
    `plugin.discovery=${manifest ? 'service_load' : 'hybrid_warn'}`,
    // Positions reach Kafka within a second, so a restart repeats little.
    'offset.flush.interval.ms=1000',
    // Connectors create their topics with the partitions and cleanup policy they ask for.
    'topic.creation.enable=true',
    '',
  ].join('\n');
}

export const connect: Service = {
  name: 'connect',
  title: `Kafka Connect ${VERSIONS.kafka} + Debezium MariaDB ${VERSIONS.debezium}`,
  portNames: ['connect'],
  after: ['kafka'],
  readyTimeoutMs: 120_000,
  stopGraceMs: 30_000,

  endpoint: (settings) => `http://${settings.host}:${settings.ports.connect}`,

  async install({ settings, progress }: StackContext) {
    const wanted = [libsDir(settings), debeziumDir(settings), converterDir(settings)];
    if (wanted.every((dir) => existsSync(dir))) return;
    progress('connect', `fetching ${this.title} and Apicurio's converter from Maven Central`);
    const fetchLog = logFile(settings, 'connect-fetch');
    await mavenFetch({
      service: 'connect',
      cacheDir: settings.cacheDir,
      artifacts: [
        ...['connect-runtime', 'connect-json', 'connect-transforms'].map((artifactId) => ({
          groupId: 'org.apache.kafka',
          artifactId,
          version: VERSIONS.kafka,
        })),
        { groupId: 'org.slf4j', artifactId: 'slf4j-api', version: VERSIONS.slf4j },
        { groupId: 'org.slf4j', artifactId: 'slf4j-simple', version: VERSIONS.slf4j },
      ],
      transitive: true,
      outputDir: libsDir(settings),
      logFile: fetchLog,
    });
    if (!existsSync(debeziumDir(settings))) {
      const download = join(settings.cacheDir, 'downloads', `debezium-${VERSIONS.debezium}`);
      await mavenFetch({
        service: 'connect',
        cacheDir: settings.cacheDir,
        artifacts: [
          {
            groupId: 'io.debezium',
            artifactId: 'debezium-connector-mariadb',
            version: VERSIONS.debezium,
            type: 'tar.gz',
            classifier: 'plugin',
          },
        ],
        transitive: false,
        outputDir: download,
        logFile: fetchLog,
      });
      const archive = join(
        download,
        `debezium-connector-mariadb-${VERSIONS.debezium}-plugin.tar.gz`,
      );
      await extract('connect', archive, debeziumDir(settings), fetchLog);
      rmSync(download, { recursive: true, force: true }); // Maven's repository keeps it
    }
    if (!existsSync(converterDir(settings))) {
      const jars = `${converterDir(settings)}.jars`;
      await mavenFetch({
        service: 'connect',
        cacheDir: settings.cacheDir,
        artifacts: [
          {
            groupId: 'io.apicurio',
            artifactId: 'apicurio-registry-utils-converter',
            version: VERSIONS.apicurioConverter,
          },
        ],
        transitive: true,
        outputDir: jars,
        logFile: fetchLog,
      });
      for (const jar of readdirSync(jars)) {
        if (SHARED_WITH_WORKER.test(jar)) rmSync(join(jars, jar));
      }
      // plugin.path entries hold plugin directories: <entry>/apicurio-converter/*.jar.
      const partial = `${converterDir(settings)}.partial`;
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true });
      renameSync(jars, join(partial, 'apicurio-converter'));
      await writeManifestJar(settings, join(partial, 'apicurio-converter'));
      renameSync(partial, converterDir(settings));
    }
  },

  async prepare({ settings }: StackContext) {
    const java = findJava(settings.javaHome);
    const dir = serviceDir(settings, 'connect');
    const properties = join(dir, 'connect-distributed.properties');
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    writeFileSync(properties, workerProperties(settings));
    return {
      command: java.bin,
      args: [
        '-Xms256m',
        '-Xmx768m',
        `-Djava.io.tmpdir=${join(dir, 'tmp')}`,
        '-Dorg.slf4j.simpleLogger.showDateTime=true',
        '-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS',
        // Connect logs every config it parses at INFO: thousands of lines per connector start.
        '-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config.AbstractConfig=warn',
        '-cp',
        `${libsDir(settings)}/*`,
        'org.apache.kafka.connect.cli.ConnectDistributed',
        properties,
      ],
      cwd: dir,
    };
  },

  /** /health (KIP-1017) answers 200 once the worker has joined its group and can take work. */
  async probe(endpoint: string) {
    return (await httpOk(`${endpoint}/health`)) !== undefined;
  },

  dataDirs: (settings) => [serviceDir(settings, 'connect')],
};
