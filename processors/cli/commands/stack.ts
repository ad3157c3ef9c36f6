import type { Command } from 'commander';
import {
  CDC_SERVICES,
  exportLines,
  stackDown,
  stackStatus,
  StackError,
  startStack,
  VERSIONS,
  type ServiceName,
} from '../../../stack';
import { UserError } from '../errors';

const say = (line: string) => process.stderr.write(`${line}\n`);
const progress = (service: ServiceName, message: string) => say(`[${service}] ${message}`);

/** Stack failures are the user's to act on (a port, a download, a log to read): no stack trace. */
async function asUserError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StackError) throw new UserError(error.message);
    throw error;
  }
}

export function register(program: Command): void {
  const stack = program
    .command('stack')
    .summary('start, stop or inspect the local stack of real services (no Docker)')
    .description(
      [
        'The local stack: real Kafka, schema registry, Elasticsearch and MongoDB-wire',
        'services, run natively on 127.0.0.1 without Docker, fetched on first use:',
        `Kafka ${VERSIONS.kafka} (KRaft), Apicurio Registry ${VERSIONS.apicurio},`,
        `Elasticsearch ${VERSIONS.elasticsearch}, FerretDB ${VERSIONS.ferretdb} (SQLite).`,
        `With --with-cdc, also the real CDC chain: MariaDB ${VERSIONS.mariadb} (Debian packages),`,
        `Kafka Connect ${VERSIONS.kafka} with Debezium ${VERSIONS.debezium} and the TCS connector.`,
        'Downloads are cached in REVAL_CACHE_DIR (default ~/.cache/reval-stream);',
        'PIDs, data and logs live in REVAL_STACK_DIR (default <cache>/run).',
      ].join('\n'),
    );

  stack
    .command('up')
    .summary('start what is not running, wait until ready, print export lines')
    .description(
      [
        'Start every service that is not running and wait until each is ready, then',
        'print export lines for KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ELASTICSEARCH_URL',
        'and MONGODB_URI on stdout (progress goes to stderr):',
        '  eval "$(npx reval stack up)"',
        'Ports (defaults): REVAL_KAFKA_PORT (19092), REVAL_KAFKA_CONTROLLER_PORT',
        '(19093), REVAL_REGISTRY_PORT (18081), REVAL_ELASTICSEARCH_PORT (19200),',
        'REVAL_ELASTICSEARCH_TRANSPORT_PORT (19300), REVAL_FERRETDB_PORT (27018).',
        'With --with-cdc: MariaDB (REVAL_MARIADB_PORT, 13306) with the TCS tables, Kafka',
        'Connect (REVAL_CONNECT_PORT, 18083) and the tcs-mariadb connector (JSON) writing',
        'tcs.tcs.<Table>; the export lines then add KAFKA_CONNECT_URL, MYSQL_* and',
        'TCS_DATABASE_URL. About 45 s more the first time, 10 s after; about 0.6 GB of RAM.',
      ].join('\n'),
    )
    .option('--with-cdc', 'also MariaDB, Kafka Connect + Debezium, and the TCS connector')
    .action(async (options: { withCdc?: boolean }) => {
      const began = Date.now();
      const { endpoints, started, settings, cdc } = await asUserError(() =>
        startStack({ progress, withCdc: options.withCdc }),
      );
      const took = ((Date.now() - began) / 1000).toFixed(1);
      say(
        started.length === 0
          ? 'The local stack was already up.'
          : `The local stack is up (${took} s; started ${started.join(', ')}).`,
      );
      say(
        `Use it in a shell with: eval "$(npx reval stack up)"  or  source ${settings.runDir}/stack.env`,
      );
      process.stdout.write(`${exportLines(endpoints, cdc)}\n`);
    });

  stack
    .command('down')
    .summary('stop the processes `stack up` started (and only those)')
    .description(
      [
        'Stop the processes `stack up` started, and only those: SIGTERM, then SIGKILL',
        'after a grace period. Safe to run when nothing is running. The CDC services are',
        'stopped too when they run (first: Connect saves its positions to Kafka as it stops).',
        'With --with-cdc, only the CDC services stop and the base services keep running.',
        'Data is kept for the next `up` unless --purge.',
      ].join('\n'),
    )
    .option('--with-cdc', 'stop only MariaDB and Kafka Connect; leave the base services up')
    .option('--purge', 'also delete the services’ data (topics, schemas, indices, documents)')
    .action(async (options: { purge?: boolean; withCdc?: boolean }) => {
      const results = await asUserError(() =>
        stackDown({ purge: options.purge, services: options.withCdc ? CDC_SERVICES : undefined }),
      );
      for (const r of results) {
        say(`${r.service.padEnd(14)} ${r.result}${r.pid ? ` (pid ${r.pid})` : ''}`);
      }
      if (options.purge) say('Data deleted.');
    });

  stack
    .command('status')
    .summary('show each service: up, not ready, down or port taken')
    .description(
      [
        'Show each service as up, not ready, down or port taken, with its endpoint,',
        'PID and log file. The CDC services are shown with --with-cdc or when they have',
        'been started. Exits 0 when every service shown is up, 3 otherwise.',
      ].join('\n'),
    )
    .option('--json', 'print the status as JSON')
    .option('--with-cdc', 'also show MariaDB and Kafka Connect, even when never started')
    .action(async (options: { json?: boolean; withCdc?: boolean }) => {
      const statuses = await asUserError(() => stackStatus({ withCdc: options.withCdc }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
      } else {
        for (const s of statuses) {
          const pid = s.pid ? `pid ${s.pid}` : '';
          process.stdout.write(
            `${s.service.padEnd(14)}${s.state.padEnd(11)}${s.endpoint.padEnd(42)}${pid.padEnd(11)}${s.note ?? s.logFile}\n`,
          );
        }
      }
      if (statuses.some((s) => s.state !== 'up')) process.exitCode = 3;
    });
}
