import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { kafkaConfig, registryConfig } from '../../platform/config';
import { topicsOf as topics } from '../../platform/topics';
import { KafkaClient } from '../../platform/kafka';
import { SchemaRegistryCodecs } from '../../platform/registry';
import { parseSince, replayDeadLetters, type ReplaySummary } from '../../dlq/replay';
import { UserError } from '../errors';

function report(summary: ReplaySummary, dryRun: boolean): string {
  const lines = [`Read ${summary.scanned} dead letter(s).`];
  const selected = Object.entries(summary.selected);
  const count = selected.reduce((sum, [, n]) => sum + n, 0);
  lines.push(
    count === 0
      ? 'None matched.'
      : `${dryRun ? 'Would replay' : 'Replayed'} ${dryRun ? count : summary.replayed}:`,
  );
  for (const [topic, n] of selected) lines.push(`  ${topic}  ${n}`);
  if (summary.unreadable.length > 0) {
    lines.push(
      `Skipped ${summary.unreadable.length} record(s) that are not dead letters ` +
        `(partition:offset ${summary.unreadable.slice(0, 5).join(', ')}${summary.unreadable.length > 5 ? ', …' : ''}).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const dlq = program
    .command('dlq')
    .description(
      'The dead-letter topic (reval.dlq, TOPIC_DLQ): records a processor could not handle',
    );
  dlq
    .command('replay')
    .description(
      'Read the dead-letter topic from the beginning to its current end and send each selected ' +
        'letter back to its source topic with its original key, value and headers, after the ' +
        'cause has been fixed. Replaying twice is harmless: the processors are idempotent. ' +
        'Needs KAFKA_BROKERS and SCHEMA_REGISTRY_URL.',
    )
    .option('--topic <topic>', 'only letters from this source topic')
    .option(
      '--since <when>',
      "only letters that failed since an ISO instant or a duration ago ('2h', '7d')",
    )
    .option('--dry-run', 'count what would be replayed; send nothing')
    .action(async (options: { topic?: string; since?: string; dryRun?: boolean }) => {
      const since = options.since === undefined ? undefined : parseSince(options.since);
      if (since === null) {
        throw new UserError(
          `--since ${JSON.stringify(options.since)}: expected an ISO instant such as 2026-03-02T09:00:00Z or a duration such as 2h or 7d`,
        );
      }
      const names = topics();
      const kafka = new KafkaClient(kafkaConfig());
      const bar = new SingleBar({
        stream: process.stderr,
        format: 'dead letters [{bar}] {value}/{total}  {eta_formatted} left',
        hideCursor: true,
      });
      bar.start(0, 0);
      try {
        const existing = await kafka.endOffsets(names.dlq).catch(() => null);
        if (existing === null) {
          throw new UserError(
            `the dead-letter topic ${names.dlq} does not exist: nothing has failed yet`,
          );
        }
        const summary = await replayDeadLetters(
          { kafka, codecs: new SchemaRegistryCodecs(registryConfig(), names), dlqTopic: names.dlq },
          {
            topic: options.topic,
            since,
            dryRun: options.dryRun === true,
            onProgress: (scanned, total) => {
              bar.setTotal(Math.max(total, scanned));
              bar.update(scanned);
            },
          },
        );
        bar.stop();
        process.stdout.write(report(summary, options.dryRun === true));
      } finally {
        bar.stop();
        await kafka.disconnect();
      }
    });
}
