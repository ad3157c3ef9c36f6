// Pure: the names of the Connections views (docs/rules.md §6) and how each alias selects
// its doctors. One versioned index holds every doctor; each view is an alias over it, so a
// status change is a field change and never a move between indexes. Filters use term and
// exists queries only: the Elasticsearch we test against has no scripting.
import type { AliasAction, AliasDefinition } from '../platform/elasticsearch';

export const FILTERED_VIEWS = {
  connectedindex: { term: { connectionStatus: 'CONNECTED' } },
  disconnectedindex: { term: { connectionStatus: 'DISCONNECTED' } },
  exceptionindex: { exists: { field: 'exceptionReasons' } },
  // "Connected in GMC" means GMC lists the doctor under a designated body (docs/rules.md §4.4).
  current_connections: { exists: { field: 'designatedBody' } },
  discrepancies: { exists: { field: 'discrepancy' } },
} as const;

export type FilteredView = keyof typeof FILTERED_VIEWS;

export const MASTER_VIEW = 'masterdoctorindex';

export interface ViewNames {
  prefix: string;
  /** Write alias over the current generation: all doctors. */
  master: string;
  filtered: Record<FilteredView, string>;
  template: string;
  /** Matches every generation, e.g. masterdoctorindex-v3. */
  indexPattern: string;
}

export function viewNames(prefix = ''): ViewNames {
  const filtered = {} as Record<FilteredView, string>;
  for (const view of Object.keys(FILTERED_VIEWS) as FilteredView[]) {
    filtered[view] = `${prefix}${view}`;
  }
  return {
    prefix,
    master: `${prefix}${MASTER_VIEW}`,
    filtered,
    template: `${prefix}${MASTER_VIEW}`,
    indexPattern: `${prefix}${MASTER_VIEW}-v*`,
  };
}

export function allAliases(names: ViewNames): string[] {
  return [names.master, ...Object.values(names.filtered)];
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
  for (const view of Object.keys(FILTERED_VIEWS) as FilteredView[]) {
    aliases[names.filtered[view]] = { filter: FILTERED_VIEWS[view] };
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
