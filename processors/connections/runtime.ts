// The connections processor's dependencies from the environment: every setting is read and
// checked first (a bad one fails naming its variable before anything connects), then the
// clients are connected and the topics it touches created as the catalogue says.
import { connectionsConfig, connectionsQueryConfig, timeZone } from '../platform/config';
import { openDeadLetteringClients, withClients } from '../platform/clients';
import { loadDesignatedBodies } from '../platform/designated-bodies';
import { whileRegistryUnavailable } from '../platform/registry';
import { launch, type OpenedRuntime, type RuntimeOptions } from '../platform/running';
import type { Clock } from './midnight';
import { PROCESSOR, start, type ConnectionsDeps, type RunningConnections } from './processor';
import { connectionsTopicSpecs } from './wiring';

export interface ConnectionsOptions extends RuntimeOptions {
  clock?: Clock;
  reevaluationCheckMs?: number;
  /** Overrides CONNECTIONS_GROUP_ID (the application id). */
  groupId?: string;
  /** Overrides CONNECTIONS_PARTITIONS when this process creates reval.connections. */
  partitions?: number;
}

export async function openRuntime(
  options: ConnectionsOptions = {},
): Promise<ConnectionsDeps & OpenedRuntime> {
  const env = options.env ?? process.env;
  const connections = connectionsConfig(env);
  const zone = timeZone(env);
  const query = connectionsQueryConfig(env);
  const designatedBodies = loadDesignatedBodies(env);
  const clients = await openDeadLetteringClients(env, {
    processor: options.processor ?? PROCESSOR,
    ensureTopics: (topics) =>
      connectionsTopicSpecs(topics, options.partitions ?? connections.partitions, env),
  });
  return withClients(clients, async ({ kafka, codecs, topics, logger }) => {
    // Registered first, so that an incompatible schema stops the start; a registry that is
    // away is waited for, as the stores and the Programme table would wait for it anyway.
    for (const schema of ['connection', 'connectionChange'] as const) {
      await whileRegistryUnavailable(
        () => codecs.register(schema),
        (error, retryInMs) =>
          logger.warn({ err: error, retryInMs }, 'waiting for the schema registry to register'),
      );
    }
    return {
      ...clients,
      clock: options.clock ?? { now: () => new Date() },
      settings: {
        applicationId: options.groupId ?? connections.groupId,
        // The topic may predate this process: its partitions, not the setting, are the truth.
        partitions: await kafka.partitionCount(topics.connections),
        stateDir: connections.stateDir,
        timeZone: zone,
        designatedBodies,
        reevaluationCheckMs: options.reevaluationCheckMs ?? 30_000,
        query,
      },
    };
  });
}

/** `reval run connections`: the processor on dependencies from the environment. */
export async function startFromEnv(options: ConnectionsOptions = {}): Promise<RunningConnections> {
  return launch(await openRuntime(options), start);
}
