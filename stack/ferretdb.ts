// FerretDB v1, a MongoDB wire-protocol server over SQLite, built from the Go module proxy.
// `go install …/cmd/ferretdb@v1.24.2` builds a binary that panics at start: the module lacks
// the generated build/version/version.txt. So the module's source is copied, that file is
// written as the FerretDB docs say, and the copy is built.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';
import { logFile, serviceDir, type Service, type StackContext } from './service';
import { VERSIONS, type StackSettings } from './settings';
import { capture, findTool, runTool } from './tools';

const MODULE = 'github.com/FerretDB/FerretDB';

const binary = (settings: StackSettings) =>
  join(settings.cacheDir, `ferretdb-${VERSIONS.ferretdb}`, 'ferretdb');

function goEnv(settings: StackSettings): NodeJS.ProcessEnv {
  const go = join(settings.cacheDir, 'go');
  return {
    ...process.env,
    GOPATH: go,
    GOMODCACHE: join(go, 'mod'),
    GOCACHE: join(go, 'build'),
    GOFLAGS: '-modcacherw -buildvcs=false',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
}

export const ferretdb: Service = {
  name: 'ferretdb',
  title: `FerretDB ${VERSIONS.ferretdb} (SQLite)`,
  portNames: ['ferretdb'],
  readyTimeoutMs: 60_000,
  stopGraceMs: 10_000,

  endpoint: (settings) => `mongodb://${settings.host}:${settings.ports.ferretdb}/`,

  async install({ settings, progress }: StackContext) {
    const target = binary(settings);
    if (existsSync(target)) return;
    progress('ferretdb', `building ${this.title} with Go (first use, a minute or two)`);
    const env = goEnv(settings);
    const go = findTool('go', ['/usr/local/go/bin/go']);
    const log = logFile(settings, 'ferretdb-fetch');
    const module = `${MODULE}@${VERSIONS.ferretdb}`;
    await runTool('ferretdb', go, ['mod', 'download', module], {
      env,
      logFile: log,
      what: 'downloading the FerretDB module from the Go module proxy',
    });
    const { Dir } = JSON.parse(
      capture('ferretdb', go, ['mod', 'download', '-json', module], env),
    ) as {
      Dir: string;
    };
    const source = join(settings.cacheDir, 'go', `ferretdb-${VERSIONS.ferretdb}-src`);
    rmSync(source, { recursive: true, force: true });
    cpSync(Dir, source, { recursive: true });
    writeFileSync(join(source, 'build', 'version', 'version.txt'), `${VERSIONS.ferretdb}\n`);
    mkdirSync(dirname(target), { recursive: true });
    const build = ['build', '-trimpath', '-o', `${target}.partial`, './cmd/ferretdb'];
    await runTool('ferretdb', go, build, { cwd: source, env, logFile: log, what: 'go build' });
    renameSync(`${target}.partial`, target);
    // The module and build caches (about 1 GB) are only needed to build again.
    rmSync(join(settings.cacheDir, 'go'), { recursive: true, force: true });
  },

  async prepare({ settings }: StackContext) {
    const dir = serviceDir(settings, 'ferretdb');
    mkdirSync(join(dir, 'data'), { recursive: true });
    return {
      command: binary(settings),
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${join(dir, 'data')}/`,
        `--state-dir=${dir}`,
        `--listen-addr=${settings.host}:${settings.ports.ferretdb}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-format=text',
      ],
      cwd: dir,
    };
  },

  async probe(endpoint: string) {
    const client = new MongoClient(endpoint, {
      serverSelectionTimeoutMS: 1500,
      connectTimeoutMS: 1500,
    });
    try {
      await client.connect();
      const answer = await client.db('admin').command({ ping: 1 });
      return answer.ok === 1;
    } finally {
      await client.close().catch(() => undefined);
    }
  },

  dataDirs: (settings) => [serviceDir(settings, 'ferretdb')],
};
