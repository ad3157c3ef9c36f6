// Apicurio Registry, for its Confluent-compatible API (/apis/ccompat/v7), from the
// apicurio-registry-app distribution on Maven Central. Schemas are kept in an H2 file under
// the run directory, so they outlive a restart just as the Kafka records that name them do.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { extract, mavenFetch } from './fetch';
import { httpOk, logFile, serviceDir, type Service, type StackContext } from './service';
import { VERSIONS, type StackSettings } from './settings';
import { findJava } from './tools';

const CCOMPAT_PATH = '/apis/ccompat/v7';

const downloadDir = (settings: StackSettings) =>
  join(settings.cacheDir, 'downloads', `apicurio-registry-${VERSIONS.apicurio}`);
const homeDir = (settings: StackSettings) =>
  join(settings.cacheDir, `apicurio-registry-${VERSIONS.apicurio}`);

export const registry: Service = {
  name: 'registry',
  title: `Apicurio Registry ${VERSIONS.apicurio}`,
  portNames: ['registry'],
  readyTimeoutMs: 120_000,
  stopGraceMs: 15_000,

  endpoint: (settings) => `http://${settings.host}:${settings.ports.registry}${CCOMPAT_PATH}`,

  async install({ settings, progress }: StackContext) {
    if (existsSync(homeDir(settings))) return;
    progress('registry', `fetching ${this.title} from Maven Central (about 160 MB)`);
    await mavenFetch({
      service: 'registry',
      cacheDir: settings.cacheDir,
      artifacts: [
        {
          groupId: 'io.apicurio',
          artifactId: 'apicurio-registry-app',
          version: VERSIONS.apicurio,
          type: 'tar.gz',
          classifier: 'all',
        },
      ],
      transitive: false,
      outputDir: downloadDir(settings),
      logFile: logFile(settings, 'registry-fetch'),
    });
    const archive = join(
      downloadDir(settings),
      `apicurio-registry-app-${VERSIONS.apicurio}-all.tar.gz`,
    );
    await extract('registry', archive, homeDir(settings), logFile(settings, 'registry-fetch'));
    rmSync(downloadDir(settings), { recursive: true, force: true }); // Maven's repository keeps it
  },

  async prepare({ settings }: StackContext) {
    const java = findJava(settings.javaHome);
    const dir = serviceDir(settings, 'registry');
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    return {
      command: java.bin,
      args: [
        '-Xms128m',
        '-Xmx384m',
        `-Djava.io.tmpdir=${join(dir, 'tmp')}`,
        `-Dquarkus.http.host=${settings.host}`,
        `-Dquarkus.http.port=${settings.ports.registry}`,
        `-Dapicurio.datasource.url=jdbc:h2:file:${join(dir, 'registry')}`,
        `-Dapicurio.storage.snapshot.location=${join(dir, 'tmp')}`,
        // Tests delete what they register; Apicurio refuses deletes unless enabled.
        '-Dapicurio.rest.deletion.artifact.enabled=true',
        '-Dapicurio.rest.deletion.artifact-version.enabled=true',
        '-Dapicurio.rest.deletion.group.enabled=true',
        '-jar',
        join(homeDir(settings), `apicurio-registry-app-${VERSIONS.apicurio}-runner.jar`),
      ],
      cwd: dir,
    };
  },

  async probe(endpoint: string) {
    return (await httpOk(`${endpoint}/subjects`)) !== undefined;
  },

  dataDirs: (settings) => [serviceDir(settings, 'registry')],
};
