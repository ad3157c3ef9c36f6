// Makes the views exist: the template, a first generation and every alias. Idempotent and
// safe when two sinks start at once: the first generation has a fixed name, and an index is
// created together with its aliases, so the loser of the race finds both already there.
import type { AliasAction, ElasticsearchClient } from '../platform/elasticsearch';
import type { Logger } from '../platform/logger';
import { DOCTOR_INDEX_SETTINGS, DOCTOR_MAPPINGS, MAPPING_VERSION } from './mappings';
import { aliasDefinitions, allAliases, generationIndex, type ViewNames } from './views';

export async function putDoctorTemplate(es: ElasticsearchClient, names: ViewNames): Promise<void> {
  await es.putIndexTemplate(
    names.template,
    [names.indexPattern],
    { settings: DOCTOR_INDEX_SETTINGS, mappings: DOCTOR_MAPPINGS },
    { mappingVersion: MAPPING_VERSION, managedBy: 'reval-stream es-sink' },
  );
}

/** The concrete index behind the write alias, or null before the first bootstrap. */
export async function currentIndex(
  es: ElasticsearchClient,
  names: ViewNames,
): Promise<string | null> {
  const targets = (await es.aliases([names.master])).get(names.master) ?? [];
  const writeTarget = targets.find((t) => t.definition.is_write_index !== false) ?? targets[0];
  return writeTarget?.index ?? null;
}

/** Returns the index the views point at after making sure they all exist. */
export async function ensureViews(
  es: ElasticsearchClient,
  names: ViewNames,
  logger: Logger,
): Promise<string> {
  await es.waitUntilReady();
  await putDoctorTemplate(es, names);
  let index = await currentIndex(es, names);
  if (index === null) {
    const first = generationIndex(names, 1);
    const outcome = await es.createIndex(first, { aliases: aliasDefinitions(names) });
    logger.info({ index: first, outcome }, 'first generation of the doctor views');
    index = await currentIndex(es, names);
    if (index === null) {
      throw new Error(
        `${first} exists but alias ${names.master} points nowhere: restore the aliases or delete ${first}`,
      );
    }
  }
  await addMissingAliases(es, names, index, logger);
  await extendMapping(es, index, logger);
  return index;
}

async function addMissingAliases(
  es: ElasticsearchClient,
  names: ViewNames,
  index: string,
  logger: Logger,
): Promise<void> {
  const existing = await es.aliases(allAliases(names));
  const definitions = aliasDefinitions(names);
  const actions: AliasAction[] = Object.entries(definitions)
    .filter(([alias]) => !existing.has(alias))
    .map(([alias, definition]) => ({ add: { index, alias, ...definition } }));
  if (actions.length === 0) return;
  await es.updateAliases(actions);
  logger.warn({ index, added: actions.length }, 'restored missing view aliases');
}

/**
 * A new version may add fields; adding them to the live index keeps the strict mapping from
 * rejecting the new documents. A change that is not additive fails here and needs a rebuild.
 */
async function extendMapping(es: ElasticsearchClient, index: string, logger: Logger) {
  try {
    await es.putMapping(index, DOCTOR_MAPPINGS);
  } catch (error) {
    logger.error(
      { err: error, index },
      'the live index mapping cannot take the current mapping: run `reval rebuild`',
    );
  }
}
