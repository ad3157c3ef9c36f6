// The GMC sync's dependencies from the environment: every setting read and checked first
// (GMC_* among them; the password never leaves the SOAP client), then Kafka, the registry
// and the GMC client made. `reval gmc-sync` opens the same ones for a run by hand.
import { gmcConfig, timeZone, type GmcConfig } from '../platform/config';
import { openKafkaClients } from '../platform/clients';
import { GmcClient } from '../platform/gmc-soap';
import type { Logger } from '../platform/logger';
import {
  launch,
  type OpenedRuntime,
  type RunningProcessor,
  type RuntimeOptions,
} from '../platform/running';
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

/** `processor`: `gmc-fetch` for the schedule, `gmc-sync` for a run by hand. */
export type GmcFetchOptions = RuntimeOptions;

export async function openRuntime(
  options: GmcFetchOptions = {},
): Promise<GmcFetchDeps & OpenedRuntime> {
  const env = options.env ?? process.env;
  const config = gmcConfig(env);
  const zone = timeZone(env);
  const clients = await openKafkaClients(env, {
    processor: options.processor ?? PROCESSOR,
    // Each run creates its topics itself (./sync.ts), whoever opened its dependencies.
    ensureTopics: () => [],
  });
  const { kafka, codecs, logger, topics } = clients;
  return {
    sync: { kafka, codecs, topics, gmc: gmcClientFromConfig(config, logger), logger },
    config,
    timeZone: zone,
    logger,
    close: clients.close,
  };
}

/** `reval run gmc-fetch`: the schedule on dependencies from the environment. */
export async function startFromEnv(options: GmcFetchOptions = {}): Promise<RunningProcessor> {
  return launch(await openRuntime(options), start);
}
