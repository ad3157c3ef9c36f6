// The GMC sync's dependencies from the environment: every setting read and checked first
// (GMC_* among them; the password never leaves the SOAP client), then Kafka, the registry
// and the GMC client made. `reval gmc-sync` opens the same ones for a run by hand.
import {
  gmcConfig,
  kafkaConfig,
  registryConfig,
  timeZone,
  type Env,
  type GmcConfig,
} from '../platform/config';
import { GmcClient } from '../platform/gmc-soap';
import { KafkaClient } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import { SchemaRegistryCodecs } from '../platform/registry';
import { launch, type OpenedRuntime, type RunningProcessor } from '../platform/running';
import { topicsOf } from '../platform/topics';
import { PROCESSOR, start, type GmcFetchDeps } from './processor';

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

export interface GmcFetchOptions {
  env?: Env;
  /** Names the logs: `gmc-fetch` for the schedule, `gmc-sync` for a run by hand. */
  processor?: string;
}

export function openRuntime(options: GmcFetchOptions = {}): GmcFetchDeps & OpenedRuntime {
  const env = options.env ?? process.env;
  const config = gmcConfig(env);
  const topics = topicsOf(env);
  const zone = timeZone(env);
  const kafkaSettings = kafkaConfig(env);
  const registrySettings = registryConfig(env);

  const logger = createLogger(options.processor ?? PROCESSOR);
  const kafka = new KafkaClient(kafkaSettings, logger);
  return {
    sync: {
      kafka,
      codecs: new SchemaRegistryCodecs(registrySettings, topics),
      topics,
      gmc: gmcClientFromConfig(config, logger),
      logger,
    },
    config,
    timeZone: zone,
    logger,
    close: () => kafka.disconnect(),
  };
}

/** `reval run gmc-fetch`: the schedule on dependencies from the environment. */
export async function startFromEnv(options: GmcFetchOptions = {}): Promise<RunningProcessor> {
  return launch(openRuntime(options), start);
}
