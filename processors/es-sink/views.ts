// Pure: the names of the views (docs/rules.md §6) and how each alias selects its doctors.
// Two view sets, each one versioned index holding every doctor behind aliases, so a status
// change is a field change and never a move between indexes:
//   - the project's own views, `reval-*`, over its strict keyword-first document;
//   - the legacy views, under the names today's readers (the TIS revalidation connection and
//     recommendation services) query, over a projection in their mapping (docs/readers.md).
// Filters use term and exists queries only: the Elasticsearch we test against has no scripting.
import type { AliasAction, AliasDefinition } from '../platform/elasticsearch';

type AliasFilter = Record<string, unknown>;

interface ViewSetSpec {
  /** The write alias over the current generation: every doctor. */
  master: string;
  /** The read-only views, by key: the alias name, and its filter (null: every doctor). */
  views: Record<string, { alias: string; filter: AliasFilter | null }>;
}

export const OWN_VIEWS = {
  master: 'reval-doctors',
  views: {
    connected: { alias: 'reval-connected', filter: { term: { connectionStatus: 'CONNECTED' } } },
    disconnected: {
      alias: 'reval-disconnected',
      filter: { term: { connectionStatus: 'DISCONNECTED' } },
    },
    exceptions: { alias: 'reval-exceptions', filter: { exists: { field: 'exceptionReasons' } } },
    // "Connected in GMC" means GMC lists the doctor under a designated body (docs/rules.md §4.4).
    connectedInGmc: {
      alias: 'reval-connected-in-gmc',
      filter: { exists: { field: 'designatedBody' } },
    },
    discrepancies: { alias: 'reval-discrepancies', filter: { exists: { field: 'discrepancy' } } },
  },
} as const satisfies ViewSetSpec;

/**
 * The names the old services read. `current_connections` keeps its old filter; the old
 * `discrepancies` compared the two designated bodies in a script, which this server cannot
 * run, so it selects the rules' derived discrepancy instead (docs/readers.md §9.1).
 */
export const LEGACY_VIEWS = {
  master: 'masterdoctorindex',
  views: {
    current_connections: {
      alias: 'current_connections',
      filter: { term: { existsInGmc: true } },
    },
    discrepancies: { alias: 'discrepancies', filter: { exists: { field: 'discrepancy' } } },
    recommendations: { alias: 'recommendations', filter: null },
  },
} as const satisfies ViewSetSpec;

/**
 * reval.connection-changes, one document per change: a versioned index behind one alias, made,
 * extended and rebuilt as the views are, with no filtered views.
 */
export const HISTORY_INDEX = {
  master: 'connectionhistory',
  views: {},
} as const satisfies ViewSetSpec;

export type OwnView = keyof typeof OWN_VIEWS.views;
export type LegacyView = keyof typeof LEGACY_VIEWS.views;

export interface ViewNames<V extends string = string> {
  prefix: string;
  /** Write alias over the current generation: all doctors. */
  master: string;
  /** Alias name by view key. */
  filtered: Record<V, string>;
  /** Filter by alias name (null: every doctor). */
  filters: Record<string, AliasFilter | null>;
  template: string;
  /** Matches every generation, e.g. reval-doctors-v3. */
  indexPattern: string;
}

function namesOf<V extends string>(
  spec: { master: string; views: Record<V, { alias: string; filter: AliasFilter | null }> },
  prefix: string,
): ViewNames<V> {
  const filtered = {} as Record<V, string>;
  const filters: Record<string, AliasFilter | null> = {};
  for (const [view, { alias, filter }] of Object.entries(spec.views) as [
    V,
    { alias: string; filter: AliasFilter | null },
  ][]) {
    filtered[view] = `${prefix}${alias}`;
    filters[`${prefix}${alias}`] = filter;
  }
  return {
    prefix,
    master: `${prefix}${spec.master}`,
    filtered,
    filters,
    template: `${prefix}${spec.master}`,
    indexPattern: `${prefix}${spec.master}-v*`,
  };
}

/** The project's own views; ES_INDEX_PREFIX prefixes every name. */
export function viewNames(prefix = ''): ViewNames<OwnView> {
  return namesOf(OWN_VIEWS, prefix);
}

/** The legacy readers' views; ES_INDEX_PREFIX prefixes every name. */
export function legacyViewNames(prefix = ''): ViewNames<LegacyView> {
  return namesOf(LEGACY_VIEWS, prefix);
}

/** The history index; ES_INDEX_PREFIX prefixes its name. */
export function historyNames(prefix = ''): ViewNames<never> {
  return namesOf<never>(HISTORY_INDEX, prefix);
}

export function allAliases(names: ViewNames): string[] {
  return [names.master, ...Object.values<string>(names.filtered)];
}

/** Generations are numbered so that two rebuilds racing for the same next name collide. */
export function generationIndex(names: ViewNames, generation: number): string {
  return `${names.master}-v${generation}`;
}

export function generationOf(names: ViewNames, index: string): number | null {
  const match = new RegExp(`^${escapeRegExp(names.master)}-v(\\d+)$`).exec(index);
  return match ? Number(match[1]) : null;
}

export function nextGeneration(names: ViewNames, existingIndices: string[]): number {
  const generations = existingIndices
    .map((index) => generationOf(names, index))
    .filter((g): g is number => g !== null);
  return Math.max(0, ...generations) + 1;
}

/** Every alias with its definition, as carried by a newly created index or a swap. */
export function aliasDefinitions(names: ViewNames): Record<string, AliasDefinition> {
  const aliases: Record<string, AliasDefinition> = { [names.master]: { is_write_index: true } };
  for (const [alias, filter] of Object.entries(names.filters)) {
    aliases[alias] = filter === null ? {} : { filter };
  }
  return aliases;
}

/**
 * The actions of the atomic swap. `must_exist` on every removal makes the whole call fail if
 * another rebuild moved an alias since we looked, instead of leaving views split.
 */
export function swapActions(names: ViewNames, from: string | null, to: string): AliasAction[] {
  const actions: AliasAction[] = [];
  for (const [alias, definition] of Object.entries(aliasDefinitions(names))) {
    if (from !== null) actions.push({ remove: { index: from, alias, must_exist: true } });
    actions.push({ add: { index: to, alias, ...definition } });
  }
  return actions;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
