// Makes the views exist: per view set the template, a first generation and every alias.
// Idempotent and safe when two sinks start at once: the first generation has a fixed name,
// and an index is created together with its aliases, so the loser of the race finds both
// already there. It must run before any reader starts: the old services create a concrete
// index under a name they read when it is missing (docs/readers.md §2).
import type { AliasAction, ElasticsearchClient } from '../platform/elasticsearch';
import type { Logger } from '../platform/logger';
import { DOCTOR_INDEX_SETTINGS } from './mappings';
import type { IndexSet } from './view-sets';
import { aliasDefinitions, allAliases, generationIndex, type ViewNames } from './views';

/** A name the views need as an alias is held by a concrete index: nothing can fix that safely. */
export class ViewNameTakenError extends Error {
  constructor(readonly indices: string[]) {
    super(
      `${indices.join(', ')} ${indices.length === 1 ? 'is a concrete index' : 'are concrete indices'}, ` +
        'but the views need the name as an alias. A reader that started before the es-sink may ' +
        'have created it empty (Spring Data creates a missing @Document index). Stop that ' +
        'reader, delete the index (`DELETE /<name>`) after checking it holds nothing you need, ' +
        'then start the es-sink before the readers',
    );
    this.name = 'ViewNameTakenError';
  }
}

export async function putViewTemplate(es: ElasticsearchClient, set: IndexSet): Promise<void> {
  await es.putIndexTemplate(
    set.names.template,
    [set.names.indexPattern],
    { settings: DOCTOR_INDEX_SETTINGS, mappings: set.mappings },
    { mappingVersion: set.mappingVersion, managedBy: 'reval-stream es-sink' },
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

/** Makes every set's views exist; answers the index each set's views point at, in order. */
export async function ensureViews(
  es: ElasticsearchClient,
  sets: IndexSet[],
  logger: Logger,
): Promise<string[]> {
  await es.waitUntilReady();
  const taken = await es.concreteIndicesNamed(sets.flatMap((set) => allAliases(set.names)));
  if (taken.length > 0) throw new ViewNameTakenError(taken);
  const indices: string[] = [];
  for (const set of sets) indices.push(await ensureViewSet(es, set, logger));
  return indices;
}

async function ensureViewSet(es: ElasticsearchClient, set: IndexSet, logger: Logger) {
  const { names } = set;
  await putViewTemplate(es, set);
  let index = await currentIndex(es, names);
  if (index === null) {
    const first = generationIndex(names, 1);
    const outcome = await es.createIndex(first, { aliases: aliasDefinitions(names) });
    logger.info({ index: first, outcome }, `first generation of the ${set.label}`);
    index = await currentIndex(es, names);
    if (index === null) {
      throw new Error(
        `${first} exists but alias ${names.master} points nowhere: restore the aliases or delete ${first}`,
      );
    }
  }
  await addMissingAliases(es, names, index, logger);
  await extendMapping(es, set, index, logger);
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
async function extendMapping(
  es: ElasticsearchClient,
  set: IndexSet,
  index: string,
  logger: Logger,
) {
  try {
    await es.putMapping(index, set.mappings);
  } catch (error) {
    logger.error(
      { err: error, index },
      `the live index mapping of the ${set.label} cannot take the current mapping: run \`reval rebuild\``,
    );
  }
}
