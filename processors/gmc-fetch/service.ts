// Wiring from environment variables: the GMC client, the sync run's dependencies, and the
// long-running scheduler behind `reval run gmc-fetch`.
import {
  gmcConfig,
  kafkaConfig,
  registryConfig,
  timeZone,
  topics as topicNames,
  type Env,
  type GmcConfig,
} from '../platform/config';
import { GmcClient } from '../platform/gmc-soap';
import { KafkaClient } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import { metrics } from '../platform/metrics';
import { SchemaRegistryCodecs } from '../platform/registry';
import { scheduleGmcSync } from './scheduler';
import { runGmcSync, type GmcSyncDeps, type GmcSyncOptions } from './sync';

export function gmcClientFromConfig(config: GmcConfig, logger?: Logger): GmcClient {
  return new GmcClient({
    url: config.url,
    username: config.username,
    password: config.password,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    logger,
  });
}

export interface GmcSyncContext {
  deps: GmcSyncDeps;
  config: GmcConfig;
  close(): Promise<void>;
}

export function openGmcSync(
  env: Env = process.env,
  logger = createLogger('gmc-sync'),
): GmcSyncContext {
  const config = gmcConfig(env);
  const topics = topicNames(env);
  const kafka = new KafkaClient(kafkaConfig(env), logger);
  return {
    config,
    deps: {
      kafka,
      codecs: new SchemaRegistryCodecs(registryConfig(env), topics),
      topics,
      gmc: gmcClientFromConfig(config, logger),
      logger,
    },
    close: () => kafka.disconnect(),
  };
}

/** A full run as configured: what the nightly schedule does and `reval gmc-sync` starts from. */
export function runOptionsFromConfig(config: GmcConfig, signal?: AbortSignal): GmcSyncOptions {
  return {
    designatedBodies: config.designatedBodies,
    concurrency: config.concurrency,
    maxDisconnectRatio: config.maxDisconnectRatio,
    transactionalId: config.syncTransactionalId,
    signal,
  };
}

export async function startGmcFetch(
  options: { env?: Env } = {},
): Promise<{ stop(): Promise<void> }> {
  const env = options.env ?? process.env;
  const logger = createLogger('gmc-fetch');
  const context = openGmcSync(env, logger);
  const schedule = scheduleGmcSync({
    cron: context.config.syncCron,
    timeZone: timeZone(env),
    logger,
    run: async (signal) => {
      const result = await runGmcSync(context.deps, runOptionsFromConfig(context.config, signal));
      metrics.gmcLastRunStatus.set(result.report.status === 'SUCCEEDED' ? 1 : 0);
      metrics.gmcLastRunTimestamp.set(result.report.finishedTime.getTime() / 1000);
      return result;
    },
  });
  return {
    stop: async () => {
      await schedule.stop();
      await context.close();
    },
  };
}
