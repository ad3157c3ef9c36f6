// Apache Kafka in KRaft mode, one node that is both broker and controller, from the
// kafka_2.13 jars on Maven Central (plus an SLF4J binding, so its logs are written).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { clusterIsUp } from '../processors/platform/kafka';
import { mavenFetch } from './fetch';
import { logFile, serviceDir, type Service, type StackContext } from './service';
import { VERSIONS, type StackSettings } from './settings';
import { findJava, runTool } from './tools';

const libsDir = (settings: StackSettings) =>
  join(settings.cacheDir, `kafka-${VERSIONS.kafka}`, 'libs');

/** Where the local broker keeps its partition logs, one directory per partition. */
export const kafkaDataDir = (settings: StackSettings): string =>
  join(serviceDir(settings, 'kafka'), 'data');

function serverProperties(settings: StackSettings, dataDir: string): string {
  const { host, ports } = settings;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${ports.kafkaController}`,
    `listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}`,
    `advertised.listeners=PLAINTEXT://${host}:${ports.kafka}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // After an unclean stop every partition log is recovered; one thread per core, not two.
    `num.recovery.threads.per.data.dir=${Math.max(2, availableParallelism())}`,
    // Processors create their topics with the right cleanup policy; a typo must not create one.
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

/** A Kafka cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export const kafka: Service = {
  name: 'kafka',
  title: `Apache Kafka ${VERSIONS.kafka} (KRaft)`,
  portNames: ['kafka', 'kafkaController'],
  readyTimeoutMs: 120_000,
  // A clean stop writes the marker that spares the next start a recovery of every log, and
  // with thousands of partitions it takes longer than half a minute.
  stopGraceMs: 180_000,

  endpoint: (settings) => `${settings.host}:${settings.ports.kafka}`,

  describeStart(logTail: string) {
    // LogManager counts the partition logs it has loaded: "(1275/8857 completed in <dir>)".
    const counts = [...logTail.matchAll(/\((\d+)\/(\d+) completed in /g)].at(-1);
    return counts ? `loading partition logs: ${counts[1]} of ${counts[2]}` : undefined;
  },

  async install({ settings, progress }: StackContext) {
    if (existsSync(libsDir(settings))) return;
    progress('kafka', `fetching ${this.title} from Maven Central (about 45 MB)`);
    await mavenFetch({
      service: 'kafka',
      cacheDir: settings.cacheDir,
      artifacts: [
        { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: VERSIONS.kafka },
        // Kafka's own slf4j-api is 1.7.x, which does not see a 2.x binding: pin both.
        { groupId: 'org.slf4j', artifactId: 'slf4j-api', version: VERSIONS.slf4j },
        { groupId: 'org.slf4j', artifactId: 'slf4j-simple', version: VERSIONS.slf4j },
      ],
      transitive: true,
      outputDir: libsDir(settings),
      logFile: logFile(settings, 'kafka-fetch'),
    });
  },

  async prepare({ settings, progress }: StackContext) {
    const java = findJava(settings.javaHome);
    const dir = serviceDir(settings, 'kafka');
    const dataDir = kafkaDataDir(settings);
    const properties = join(dir, 'server.properties');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(properties, serverProperties(settings, dataDir));
    const classpath = `${libsDir(settings)}/*`;
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      progress('kafka', 'formatting the KRaft storage (first start)');
      await runTool(
        'kafka',
        java.bin,
        [
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId(),
          '-c',
          properties,
        ],
        { cwd: dir, logFile: logFile(settings, 'kafka') },
      );
    }
    return {
      command: java.bin,
      args: [
        '-Xms256m',
        '-Xmx512m',
        '-Dorg.slf4j.simpleLogger.showDateTime=true',
        '-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS',
        '-cp',
        classpath,
        'kafka.Kafka',
        properties,
      ],
      cwd: dir,
    };
  },

  async probe(endpoint: string) {
    return clusterIsUp({
      clientId: 'reval-stack-probe',
      brokers: [endpoint],
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retries: 0,
    });
  },

  dataDirs: (settings) => [serviceDir(settings, 'kafka')],
};
