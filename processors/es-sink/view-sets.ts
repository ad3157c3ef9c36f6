// The index sets the sink keeps: the project's own views, (unless switched off) the legacy
// projection under the names today's readers query, and the status history. Each set is one
// versioned index behind its aliases, with its own mapping; the view sets each make their own
// document from the same reval.connections record, the history its own from a change record.
import type { DoctorDocument, SinkAction } from './doctor-document';
import { toLegacyDocument } from './legacy-document';
import { LEGACY_MAPPING_VERSION, LEGACY_MAPPINGS } from './legacy-mappings';
import { DOCTOR_MAPPINGS, MAPPING_VERSION } from './mappings';
import { elasticsearchViewsConfig, type Env } from '../platform/config';
import { HISTORY_MAPPING_VERSION, HISTORY_MAPPINGS } from './history-document';
import {
  historyNames,
  legacyViewNames,
  viewNames,
  type LegacyView,
  type OwnView,
  type ViewNames,
} from './views';

/** A versioned index behind its aliases: what bootstrap makes and a rebuild swaps. */
export interface IndexSet {
  /** For logs and dead-letter reasons. */
  label: 'views' | 'legacy views' | 'history';
  names: ViewNames;
  mappings: Record<string, unknown>;
  mappingVersion: number;
}

export interface ViewSet extends IndexSet {
  label: 'views' | 'legacy views';
  /** The set's document for one doctor. */
  project(document: DoctorDocument): object;
}

/** reval.connection-changes and the index it fills. */
export interface HistoryTarget {
  names: ViewNames;
  topic: string;
}

export function historySetOf(history: HistoryTarget): IndexSet {
  return {
    label: 'history',
    names: history.names,
    mappings: HISTORY_MAPPINGS,
    mappingVersion: HISTORY_MAPPING_VERSION,
  };
}

/** The history index as the environment names it (ES_INDEX_PREFIX), fed by `topic`. */
export function historyOfEnv(env: Env, topic: string): HistoryTarget {
  return { names: historyNames(elasticsearchViewsConfig(env).indexPrefix), topic };
}

export interface ViewNamesOfSink {
  views: ViewNames<OwnView>;
  /** Null when ES_LEGACY_VIEWS=false. */
  legacyViews: ViewNames<LegacyView> | null;
}

/** The sink's view names as the environment configures them (ES_INDEX_PREFIX, ES_LEGACY_VIEWS). */
export function viewNamesOfEnv(env: Env): ViewNamesOfSink {
  const { indexPrefix, legacyViews } = elasticsearchViewsConfig(env);
  return {
    views: viewNames(indexPrefix),
    legacyViews: legacyViews ? legacyViewNames(indexPrefix) : null,
  };
}

export function viewSetsOf({ views, legacyViews }: ViewNamesOfSink): ViewSet[] {
  const sets: ViewSet[] = [
    {
      label: 'views',
      names: views,
      mappings: DOCTOR_MAPPINGS,
      mappingVersion: MAPPING_VERSION,
      project: (document) => document,
    },
  ];
  if (legacyViews) {
    sets.push({
      label: 'legacy views',
      names: legacyViews,
      mappings: LEGACY_MAPPINGS,
      mappingVersion: LEGACY_MAPPING_VERSION,
      project: toLegacyDocument,
    });
  }
  return sets;
}

/** The same action with the set's document: deletes and versions are shared by every set. */
export function projectAction(set: ViewSet, action: SinkAction): SinkAction<object> {
  return action.kind === 'index' ? { ...action, document: set.project(action.document) } : action;
}
