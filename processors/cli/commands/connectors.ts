import type { Command } from 'commander';
import { topics } from '../../platform/config';
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
    .description('The Debezium connectors (connectors/*.json) that feed the CDC topics');
  connectors
    .command('register')
    .description(
      'PUT each connector config to Kafka Connect (creates or updates; an unchanged connector is ' +
        'left alone), then print its state. ${VAR} and ${VAR:-default} placeholders are filled ' +
        'from the environment: SCHEMA_REGISTRY_URL, KAFKA_BROKERS, MYSQL_HOST, MYSQL_PORT, ' +
        'MYSQL_USER, MYSQL_PASSWORD, MYSQL_SERVER_ID, MONGODB_CONNECTION_STRING, ' +
        'CDC_TOPIC_PARTITIONS, CDC_TOPIC_REPLICATION_FACTOR. Secrets are never printed.',
    )
    .option('--connect-url <url>', 'Kafka Connect REST URL (default: KAFKA_CONNECT_URL)')
    .option('--dir <path>', 'folder of connector configs (default: the project connectors/)')
    .option('--dry-run', 'print the configs (secrets hidden) and what would change; PUT nothing')
    .action(async (options: { connectUrl?: string; dir?: string; dryRun?: boolean }) => {
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
        });
        for (const result of results) {
          const state = result.state ? `  ${result.state}` : '';
          process.stdout.write(`${result.name.padEnd(28)} ${result.action}${state}\n`);
          for (const task of result.failedTasks ?? []) process.stdout.write(`  ${task}\n`);
        }
      } catch (error) {
        if (error instanceof ConnectError) throw new UserError(error.message);
        throw error;
      }
    });
}
