import type { Command } from 'commander';
import { topicsOf as topics } from '../../platform/topics';
import {
  connectorsDir,
  loadConnectors,
  masked,
  substitute,
  topicsProduced,
} from '../../../connectors/connectors';
import { ConnectError, registerConnectors } from '../../../connectors/register';
import { SOURCE_NAMES } from '../../connections/sources/changes';
import { UserError } from '../errors';

/** Topics the processors read that no connector writes, or the reverse: a misconfiguration. */
function topicWarnings(produced: string[]): string[] {
  const configured = topics();
  const read = SOURCE_NAMES.map((source) => configured[source]);
  return [
    ...read
      .filter((t) => !produced.includes(t))
      .map((t) => `the processors read ${t}, which no connector writes`),
    ...produced
      .filter((t) => !read.includes(t))
      .map((t) => `a connector writes ${t}, which no processor reads`),
  ];
}

export function register(program: Command): void {
  const connectors = program
    .command('connectors')
    .description(
      'The Debezium connectors (connectors/*.json) that feed the CDC topics; connectors/local/ ' +
        'holds the local stack’s MariaDB variant (`stack up --with-cdc` registers it)',
    );
  connectors
    .command('register')
    .description(
      'PUT each connector config to Kafka Connect (creates or updates; an unchanged connector is ' +
        'left alone), then print its state. ${VAR} and ${VAR:-default} placeholders are filled ' +
        'from the environment: SCHEMA_REGISTRY_URL, KAFKA_BROKERS, MYSQL_HOST, MYSQL_PORT, ' +
        'MYSQL_USER, MYSQL_PASSWORD, MYSQL_SERVER_ID, MONGODB_CONNECTION_STRING, ' +
        'CDC_TOPIC_PARTITIONS, CDC_TOPIC_REPLICATION_FACTOR; for connectors/local also ' +
        'APICURIO_REGISTRY_URL and CDC_CONVERTER (JsonConverter unless set). ' +
        '`source <run dir>/stack.env` after `stack up --with-cdc` sets them for the local stack. ' +
        'A rejected config is reported field by field (Connect’s validate endpoint); a FAILED ' +
        'connector or task is shown with the causes in its trace and exits 1. ' +
        'Secrets are never printed.',
    )
    .option('--connect-url <url>', 'Kafka Connect REST URL (default: KAFKA_CONNECT_URL)')
    .option('--dir <path>', 'folder of connector configs (default: the project connectors/)')
    .option('--dry-run', 'print the configs (secrets hidden) and what would change; PUT nothing')
    .option(
      '--wait <seconds>',
      'wait this long for each connector and its tasks to be RUNNING (0: do not wait)',
      '60',
    )
    .action(
      async (options: { connectUrl?: string; dir?: string; dryRun?: boolean; wait: string }) => {
        const waitSeconds = Number(options.wait);
        if (!Number.isFinite(waitSeconds) || waitSeconds < 0)
          throw new UserError(`--wait ${options.wait}: expected a number of seconds`);
        const connectUrl = options.connectUrl ?? process.env.KAFKA_CONNECT_URL;
        if (!connectUrl) throw new UserError('--connect-url (or KAFKA_CONNECT_URL) is required');
        const files = loadConnectors(options.dir ?? connectorsDir());
        for (const warning of topicWarnings(files.flatMap(topicsProduced))) {
          process.stderr.write(`warning: ${warning}\n`);
        }
        if (options.dryRun) {
          for (const file of files) {
            const { config, secrets } = substitute(file.config, process.env);
            process.stdout.write(
              `${file.file} (${file.name}):\n${JSON.stringify(masked(config, secrets), null, 2)}\n`,
            );
          }
        }
        try {
          const results = await registerConnectors(connectUrl, files, {
            dryRun: options.dryRun === true,
            waitMs: options.dryRun ? 0 : waitSeconds * 1000,
          });
          for (const result of results) {
            const state = result.state ? `  ${result.state}` : '';
            process.stdout.write(`${result.name.padEnd(28)} ${result.action}${state}\n`);
            // The trace's own first line is often a wrapper; its causes say what to fix.
            for (const trace of result.traces ?? []) {
              const lines = trace.split('\n');
              const causes = lines.filter((line) => line.startsWith('Caused by:'));
              for (const line of [lines[0], lines[1], ...causes])
                process.stdout.write(`  ${line}\n`);
            }
          }
          if (results.some((r) => r.failedTasks)) {
            process.stdout.write(
              'A connector or task FAILED: `GET <connect>/connectors/<name>/status` has the whole trace.\n',
            );
            process.exitCode = 1;
          }
        } catch (error) {
          if (error instanceof ConnectError) throw new UserError(error.message);
          throw error;
        }
      },
    );
}
