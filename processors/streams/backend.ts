// The embedded store the runtime uses, chosen by measurement (README, "State stores").
import { sqliteBackend } from './sqlite-storage';
import type { StorageBackend } from './storage';

export function stateBackend(): StorageBackend {
  return sqliteBackend;
}
