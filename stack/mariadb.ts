// MariaDB from Debian's packages, the real CDC source of the TCS tables. The packages are
// fetched with `apt-get download` and unpacked with `dpkg-deb -x` into the cache: nothing is
// installed on the system, so the same steps work on a fresh machine and leave no trace.
// The server runs with a ROW binlog (what Debezium reads) and a small buffer pool.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { execFile } from 'node:child_process';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { StackError } from './errors';
import { logFile, serviceDir, type Service, type StackContext } from './service';
import { VERSIONS, type StackSettings } from './settings';
import { tcsSchemaStatements } from './tcs-schema';
import { runTool } from './tools';

/** The runtime closure of mariadbd and its client that a Debian base system lacks. */
const PACKAGES = [
  'mariadb-server-core',
  'mariadb-client-core',
  'libaio1',
  'liburing2',
  'libmariadb3',
];

/**
 * Fixed local accounts: the server listens on 127.0.0.1 only and holds test data, so the
 * passwords are no secret; they are here so the connector config, the demo and the tests
 * agree without setup.
 */
export const MARIADB_ACCOUNTS = {
  /** What Debezium connects as: only the grants its MariaDB connector documents. */
  debezium: { user: 'debezium', password: 'debezium-local' },
  /** What the demo and the tests write TCS rows as. */
  app: { user: 'reval', password: 'reval-local' },
} as const;

export const TCS_DATABASE = 'tcs';

const execFileAsync = promisify(execFile);

const rootDir = (settings: StackSettings) => join(settings.cacheDir, `mariadb-${VERSIONS.mariadb}`);
const libDir = (root: string) => join(root, 'usr', 'lib', 'x86_64-linux-gnu');
const runningAsRoot = () => process.getuid?.() === 0;

function serverEnv(settings: StackSettings): NodeJS.ProcessEnv {
  const libs = libDir(rootDir(settings));
  const inherited = process.env.LD_LIBRARY_PATH;
  return { ...process.env, LD_LIBRARY_PATH: inherited ? `${libs}:${inherited}` : libs };
}

/** Debian's lists are what `apt-get download` resolves names against; a fresh image has none. */
function packageListsPresent(): boolean {
  try {
    return readdirSync('/var/lib/apt/lists').some((file) => file.includes('_Packages'));
  } catch {
    return false;
  }
}

/** The log's text written since `offset`: what the last command printed. */
function logSince(file: string, offset: number): string {
  try {
    return readFileSync(file, 'utf8').slice(offset);
  } catch {
    return '';
  }
}

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);

async function downloadPackages(settings: StackSettings, debs: string): Promise<void> {
  const log = logFile(settings, 'mariadb-fetch');
  const update = () =>
    runTool('mariadb', 'apt-get', ['update'], {
      logFile: log,
      what: "updating Debian's package lists (`apt-get update`, needs root)",
    });
  const download = () =>
    runTool('mariadb', 'apt-get', ['download', ...PACKAGES], {
      cwd: debs,
      logFile: log,
      what: `\`apt-get download ${PACKAGES.join(' ')}\``,
    });
  if (!packageListsPresent()) {
    await update();
    return download();
  }
  const before = sizeOf(log);
  try {
    await download();
  } catch (error) {
    // Stale lists name package versions the archive no longer has; missing ones name none.
    const stale = /Unable to locate package|has no installation candidate|404\s+Not Found/;
    if (!stale.test(logSince(log, before))) throw error;
    await update();
    await download();
  }
}

/** The upstream version in a .deb's file name (mariadb-server-core_1%3a10.11.19-0+deb12u1_amd64.deb). */
function debVersion(file: string): string | undefined {
  return /_(?:\d+%3a)?([0-9][0-9.]*)/.exec(file)?.[1];
}

function serverConfig(settings: StackSettings, dir: string): string {
  const root = rootDir(settings);
  return [
    '[mariadbd]',
    `basedir=${join(root, 'usr')}`,
    `lc-messages-dir=${join(root, 'usr', 'share', 'mysql')}`,
    `datadir=${join(dir, 'data')}`,
    `tmpdir=${join(dir, 'tmp')}`,
    `socket=${join(dir, 'mariadbd.sock')}`,
    `pid-file=${join(dir, 'mariadbd.pid')}`,
    `bind-address=${settings.host}`,
    `port=${settings.ports.mariadb}`,
    'skip-name-resolve',
    // What Debezium needs: a server id, a binlog, whole rows before and after each change.
    'server_id=1',
    `log_bin=${join(dir, 'data', 'mariadb-bin')}`,
    'binlog_format=ROW',
    'binlog_row_image=FULL',
    // A connector stopped for a while must find its position again: keep a week of binlog.
    'binlog_expire_logs_seconds=604800',
    // A developer's machine: small memory and disk footprint.
    'innodb_buffer_pool_size=64M',
    'innodb_log_file_size=16M',
    'performance_schema=OFF',
    'max_connections=100',
    'character-set-server=utf8mb4',
    'collation-server=utf8mb4_unicode_ci',
    '',
  ].join('\n');
}

/** Outside the TCS databases, so no connector captures it. */
const STARTS_TABLE = 'reval_local.server_starts';

/**
 * The TCS tables and the two local accounts with their grants: what the native MariaDB runs
 * at every start, and docker/mariadb-init.sql holds for the compose file's MariaDB.
 */
export function tcsInitStatements(): string[] {
  const { debezium, app } = MARIADB_ACCOUNTS;
  const account = (user: string) => `'${user}'@'%'`;
  return [
    ...tcsSchemaStatements(TCS_DATABASE),
    `CREATE USER IF NOT EXISTS ${account(debezium.user)} IDENTIFIED BY '${debezium.password}'`,
    // BINLOG MONITOR is MariaDB's name for the privilege SHOW BINARY LOG STATUS needs.
    'GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ' +
      `ON *.* TO ${account(debezium.user)}`,
    `CREATE USER IF NOT EXISTS ${account(app.user)} IDENTIFIED BY '${app.password}'`,
    // Tests create TCS databases of their own beside `tcs`.
    `GRANT ALL PRIVILEGES ON *.* TO ${account(app.user)}`,
  ];
}

/**
 * Run at every start (`--init-file`), so it is idempotent: the TCS tables and the two local
 * accounts. It is kept out of the binlog, so Debezium sees only the rows written later.
 */
function initSql(): string {
  return [
    'SET sql_log_bin=0',
    'CREATE DATABASE IF NOT EXISTS reval_local',
    `CREATE TABLE IF NOT EXISTS ${STARTS_TABLE} (startedAt DATETIME(6) NOT NULL PRIMARY KEY)`,
    ...tcsInitStatements(),
    // Debezium's MariaDB connector (3.5) fails with a NullPointerException when it starts to
    // stream from a server whose binlog holds no GTID yet (a fresh one): one logged row each
    // start gives the binlog a GTID before any connector asks.
    'SET sql_log_bin=1',
    `INSERT INTO ${STARTS_TABLE} VALUES (NOW(6))`,
    '',
  ].join(';\n');
}

/**
 * Runs one query with the unpacked client, over the server's socket as the OS user (the
 * install created that account with socket authentication), and returns its tab-separated
 * rows. For the stack's own checks; clients of the stack connect over TCP.
 */
export async function mariadbQuery(settings: StackSettings, sql: string): Promise<string> {
  const root = rootDir(settings);
  const dir = serviceDir(settings, 'mariadb');
  const { stdout } = await execFileAsync(
    join(root, 'usr', 'bin', 'mariadb'),
    [`--socket=${join(dir, 'mariadbd.sock')}`, '--batch', '--skip-column-names', '-e', sql],
    { env: serverEnv(settings), timeout: 10_000 },
  );
  return stdout;
}

/** Reads the server's first packet: a MariaDB handshake (protocol 10) means it takes clients. */
function handshake(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ready: boolean) => {
      socket.destroy();
      resolve(ready);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    // 3-byte length, 1-byte sequence, then the payload: 0x0a for a handshake, 0xff for an error.
    socket.once('data', (chunk: Buffer) => done(chunk.length > 4 && chunk[4] === 0x0a));
  });
}

export const mariadb: Service = {
  name: 'mariadb',
  title: `MariaDB ${VERSIONS.mariadb} (Debian packages)`,
  portNames: ['mariadb'],
  readyTimeoutMs: 60_000,
  stopGraceMs: 30_000,

  endpoint: (settings) => `mysql://${settings.host}:${settings.ports.mariadb}/${TCS_DATABASE}`,

  async install({ settings, progress }: StackContext) {
    const root = rootDir(settings);
    if (existsSync(join(root, 'usr', 'sbin', 'mariadbd'))) return;
    progress('mariadb', `fetching ${this.title} with apt-get download (about 9 MB)`);
    const work = `${root}.partial`;
    const debs = join(work, 'debs');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(debs, { recursive: true });
    await downloadPackages(settings, debs);
    const files = readdirSync(debs).filter((file) => file.endsWith('.deb'));
    const server = files.find((file) => file.startsWith('mariadb-server-core_'));
    const version = server && debVersion(server);
    if (!version?.startsWith(`${VERSIONS.mariadb}.`)) {
      throw new StackError(
        'mariadb',
        `Debian offers mariadb-server-core ${version ?? '(none)'}, not ${VERSIONS.mariadb}.x: ` +
          'update VERSIONS.mariadb (stack/settings.ts) after checking Debezium supports it',
      );
    }
    for (const file of files) {
      await runTool('mariadb', 'dpkg-deb', ['-x', join(debs, file), join(work, 'root')], {
        logFile: logFile(settings, 'mariadb-fetch'),
        what: `unpacking ${file}`,
      });
    }
    renameSync(join(work, 'root'), root);
    rmSync(work, { recursive: true, force: true });
  },

  async prepare({ settings, progress }: StackContext) {
    const root = rootDir(settings);
    const dir = serviceDir(settings, 'mariadb');
    const dataDir = join(dir, 'data');
    const config = join(dir, 'my.cnf');
    const init = join(dir, 'init.sql');
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    writeFileSync(config, serverConfig(settings, dir));
    writeFileSync(init, initSql(), { mode: 0o600 });
    // mariadbd refuses to run as root unless told to: the stack's other services run as the
    // caller too (Elasticsearch aside), and the data lives in the caller's cache.
    const asUser = runningAsRoot() ? ['--user=root'] : [];
    if (!existsSync(join(dataDir, 'mysql'))) {
      progress('mariadb', 'creating the system tables (first start)');
      const partial = `${dataDir}.partial`;
      rmSync(partial, { recursive: true, force: true });
      await runTool(
        'mariadb',
        join(root, 'usr', 'bin', 'mariadb-install-db'),
        [
          `--defaults-file=${config}`,
          `--basedir=${join(root, 'usr')}`,
          `--datadir=${partial}`,
          '--skip-test-db',
          ...asUser,
        ],
        {
          env: serverEnv(settings),
          logFile: logFile(settings, 'mariadb'),
          what: 'mariadb-install-db',
        },
      );
      renameSync(partial, dataDir);
    }
    return {
      command: join(root, 'usr', 'sbin', 'mariadbd'),
      args: [`--defaults-file=${config}`, `--init-file=${init}`, ...asUser],
      cwd: dir,
      env: serverEnv(settings),
    };
  },

  async probe(endpoint: string) {
    const url = new URL(endpoint);
    return handshake(url.hostname, Number(url.port));
  },

  dataDirs: (settings) => [serviceDir(settings, 'mariadb')],
};
