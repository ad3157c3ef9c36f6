// Elasticsearch 8.19 from the integ-test-zip distribution on Maven Central (no bundled JDK:
// it runs on the machine's Java 17). Elasticsearch refuses to run as root, so when the stack
// is started by root it runs as an unprivileged system user, created on first use, with its
// copy of Elasticsearch, configuration, data and logs in that user's home (root's own home,
// where the cache lives, is closed to other users); <run dir>/elasticsearch links there.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { extract, mavenFetch } from './fetch';
import { httpOk, logFile, serviceDir, type Service, type StackContext } from './service';
import { VERSIONS, type StackSettings } from './settings';
import { capture, findJava, runTool } from './tools';

interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const runningAsRoot = () => process.getuid?.() === 0;

function lookupUser(name: string): SystemUser | undefined {
  let line: string;
  try {
    line = capture('elasticsearch', 'getent', ['passwd', name]).trim();
  } catch {
    return undefined; // getent exits 2 for an unknown user
  }
  const [, , uid, gid, , home] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid), home };
}

async function ensureUser(settings: StackSettings): Promise<SystemUser> {
  const name = settings.elasticsearchUser;
  const existing = lookupUser(name);
  if (existing) return existing;
  await runTool(
    'elasticsearch',
    'useradd',
    [
      '--system',
      '--user-group',
      '--create-home',
      '--home-dir',
      `/var/lib/${name}`,
      '--shell',
      '/usr/sbin/nologin',
      name,
    ],
    { logFile: logFile(settings, 'elasticsearch-fetch') },
  );
  const created = lookupUser(name);
  if (!created) throw new Error(`user ${name} was created but cannot be looked up`);
  return created;
}

/** Where the unpacked distribution and the running node's files live. */
interface Layout {
  home: string;
  runDir: string;
  user?: SystemUser;
}

/** A short name for a directory, so stacks with different cache or run dirs stay apart. */
const idOf = (path: string) => createHash('sha256').update(path).digest('hex').slice(0, 10);

async function layout(settings: StackSettings): Promise<Layout> {
  const name = `elasticsearch-${VERSIONS.elasticsearch}`;
  const ownRunDir = serviceDir(settings, 'elasticsearch');
  if (!runningAsRoot()) return { home: join(settings.cacheDir, name), runDir: ownRunDir };
  const user = await ensureUser(settings);
  const runDir = join(user.home, `run-${idOf(settings.runDir)}`);
  // Point from the run directory to where the files really are, for whoever looks there.
  mkdirSync(settings.runDir, { recursive: true });
  try {
    symlinkSync(runDir, ownRunDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { home: join(user.home, `cache-${idOf(settings.cacheDir)}`, name), runDir, user };
}

const downloadDir = (settings: StackSettings) =>
  join(settings.cacheDir, 'downloads', `elasticsearch-${VERSIONS.elasticsearch}`);

export const elasticsearch: Service = {
  name: 'elasticsearch',
  title: `Elasticsearch ${VERSIONS.elasticsearch}`,
  portNames: ['elasticsearch', 'elasticsearchTransport'],
  readyTimeoutMs: 180_000,
  stopGraceMs: 30_000,

  endpoint: (settings) => `http://${settings.host}:${settings.ports.elasticsearch}`,

  async install({ settings, progress }: StackContext) {
    const { home } = await layout(settings);
    if (existsSync(home)) return;
    progress('elasticsearch', `fetching ${this.title} from Maven Central (about 110 MB)`);
    await mavenFetch({
      service: 'elasticsearch',
      cacheDir: settings.cacheDir,
      artifacts: [
        {
          groupId: 'org.elasticsearch.distribution.integ-test-zip',
          artifactId: 'elasticsearch',
          version: VERSIONS.elasticsearch,
          type: 'zip',
        },
      ],
      transitive: false,
      outputDir: downloadDir(settings),
      logFile: logFile(settings, 'elasticsearch-fetch'),
    });
    const unpacked = `${home}.unpacked`;
    const archive = join(downloadDir(settings), `elasticsearch-${VERSIONS.elasticsearch}.zip`);
    await extract('elasticsearch', archive, unpacked, logFile(settings, 'elasticsearch-fetch'));
    // The zip holds one top-level directory, elasticsearch-<version>.
    renameSync(join(unpacked, `elasticsearch-${VERSIONS.elasticsearch}`), home);
    rmSync(unpacked, { recursive: true, force: true });
    rmSync(downloadDir(settings), { recursive: true, force: true }); // Maven's repository keeps it
  },

  async prepare({ settings }: StackContext) {
    const java = findJava(settings.javaHome);
    const { home, runDir, user } = await layout(settings);
    const dirs = {
      config: join(runDir, 'config'),
      data: join(runDir, 'data'),
      logs: join(runDir, 'logs'),
      tmp: join(runDir, 'tmp'),
    };
    if (!existsSync(dirs.config)) cpSync(join(home, 'config'), dirs.config, { recursive: true });
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    if (user) {
      await runTool('elasticsearch', 'chown', ['-R', `${user.uid}:${user.gid}`, runDir], {
        logFile: logFile(settings, 'elasticsearch'),
      });
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ES_JAVA_HOME: java.home,
      ES_PATH_CONF: dirs.config,
      ES_TMPDIR: dirs.tmp,
      ES_JAVA_OPTS: '-Xms512m -Xmx512m',
      ...(user ? { HOME: user.home, USER: user.name, LOGNAME: user.name } : {}),
    };
    delete env.JAVA_HOME;
    const setting = (key: string, value: string | number) => ['-E', `${key}=${value}`];
    return {
      command: join(home, 'bin', 'elasticsearch'),
      args: [
        ...setting('cluster.name', 'reval-stream-local'),
        ...setting('node.name', 'reval-local'),
        ...setting('discovery.type', 'single-node'),
        ...setting('network.host', settings.host),
        ...setting('http.port', settings.ports.elasticsearch),
        ...setting('transport.port', settings.ports.elasticsearchTransport),
        ...setting('path.data', dirs.data),
        ...setting('path.logs', dirs.logs),
        ...setting('xpack.security.enabled', 'false'),
        // A nearly full disk must not turn the indices read-only on a developer's machine.
        ...setting('cluster.routing.allocation.disk.threshold_enabled', 'false'),
        // Tests clean up with wildcard deletes.
        ...setting('action.destructive_requires_name', 'false'),
      ],
      // The JVM writes gc.log to its working directory: one the user may write to.
      cwd: dirs.logs,
      env,
      uid: user?.uid,
      gid: user?.gid,
    };
  },

  async probe(endpoint: string) {
    const response = await httpOk(`${endpoint}/_cluster/health`);
    if (!response) return false;
    const health = (await response.json()) as { status?: string };
    return health.status === 'green' || health.status === 'yellow';
  },

  dataDirs(settings) {
    const own = serviceDir(settings, 'elasticsearch');
    const user = runningAsRoot() ? lookupUser(settings.elasticsearchUser) : undefined;
    return user ? [join(user.home, `run-${idOf(settings.runDir)}`), own] : [own];
  },
};
