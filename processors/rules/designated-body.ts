// Programme owner → designated body (docs/rules.md §2.3). The table is configuration
// (designated-bodies.json, overridable by REVAL_DESIGNATED_BODIES_FILE) and reaches the
// rules as data; this module only decides how owners are compared.
//
// Owners are compared trimmed, with runs of white space collapsed, case-insensitively and
// without the legacy "Health Education England " prefix. TIS owners are free text typed over
// years ("Health Education England Yorkshire and The Humber", "Yorkshire and the Humber"),
// and no two local offices differ only in case or spacing, so a looser comparison can only
// turn an accidental "unknown owner" (doctor shown with no DB) into the right answer.
import type { GmcState } from './types';

declare const designatedBodyCodeBrand: unique symbol;

/**
 * A designated body's code ('1-1RSG4X0') as the rules compare it: trimmed and never blank.
 * Made only here, from the configured table or from GMC's state.
 */
export type DesignatedBodyCode = string & { readonly [designatedBodyCodeBrand]: true };

/** The code, trimmed; null when it is missing or blank. */
export function designatedBodyCodeOf(raw: string | null | undefined): DesignatedBodyCode | null {
  const code = raw?.trim() ?? '';
  return code === '' ? null : (code as DesignatedBodyCode);
}

/** A table as configured: designated body code → the programme owners it covers. */
export type DesignatedBodyTable = Readonly<Record<string, readonly string[]>>;

/** A table prepared for lookups; build it with `buildDesignatedBodyMap`. */
export interface DesignatedBodyMap {
  readonly codeByOwner: ReadonlyMap<string, DesignatedBodyCode>;
}

const LEGACY_PREFIX = 'health education england ';

/** The form in which owners are compared; '' for an owner that is blank. */
export function normaliseOwner(owner: string): string {
  const collapsed = owner.trim().replace(/\s+/g, ' ').toLowerCase();
  return collapsed.startsWith(LEGACY_PREFIX) ? collapsed.slice(LEGACY_PREFIX.length) : collapsed;
}

/**
 * The owner as displayed: without the legacy prefix, so that one local office shows under one
 * name; original case kept. Null for a missing or blank owner.
 */
export function displayOwner(owner: string | null): string | null {
  if (owner === null) return null;
  const collapsed = owner.trim().replace(/\s+/g, ' ');
  const shown = collapsed.toLowerCase().startsWith(LEGACY_PREFIX)
    ? collapsed.slice(LEGACY_PREFIX.length)
    : collapsed;
  return shown === '' ? null : shown;
}

export class DesignatedBodyTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DesignatedBodyTableError';
  }
}

/**
 * Prepares a table for lookups. Rejects an owner listed under two designated bodies (after
 * normalisation), because the rules could then only pick one of them arbitrarily.
 */
export function buildDesignatedBodyMap(table: DesignatedBodyTable): DesignatedBodyMap {
  const codeByOwner = new Map<string, DesignatedBodyCode>();
  for (const [listed, owners] of Object.entries(table)) {
    const code = designatedBodyCodeOf(listed);
    if (code === null) {
      throw new DesignatedBodyTableError(`a blank designated body code lists ${owners.join(', ')}`);
    }
    for (const owner of owners) {
      const key = normaliseOwner(owner);
      if (key === '') throw new DesignatedBodyTableError(`${code}: blank programme owner`);
      const other = codeByOwner.get(key);
      if (other !== undefined && other !== code) {
        throw new DesignatedBodyTableError(
          `programme owner ${JSON.stringify(owner)} is listed under both ${other} and ${code}`,
        );
      }
      codeByOwner.set(key, code);
    }
  }
  return { codeByOwner };
}

/** The designated body of a programme owner; null for a missing or unknown owner. */
export function designatedBodyForOwner(
  owner: string | null,
  designatedBodies: DesignatedBodyMap,
): DesignatedBodyCode | null {
  if (owner === null) return null;
  return designatedBodies.codeByOwner.get(normaliseOwner(owner)) ?? null;
}

/** GMC's designated body: only when the doctor exists in GMC with a non-empty DB. */
export function gmcDesignatedBody(gmc: GmcState | null): DesignatedBodyCode | null {
  if (gmc === null || !gmc.existsInGmc) return null;
  return designatedBodyCodeOf(gmc.designatedBody);
}
