// The embedded store the runtime uses, chosen by measurement (README, "State stores").
import { sqliteBackend } from './sqlite-storage';
import type { StorageBackend } from './storage';

export function stateBackend(): StorageBackend {
  return sqliteBackend;
}

/**
 * Changelog topics are compacted; small segments and a low dirty ratio let the log cleaner
 * compact them while the application runs, so a restore reads about one record per key.
 */
export const CHANGELOG_CONFIG: Record<string, string> = {
  'segment.bytes': String(16 * 1024 * 1024),
  'min.cleanable.dirty.ratio': '0.1',
};
