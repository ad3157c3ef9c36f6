// Who is a doctor here (docs/rules.md §3). TIS holds placeholder values where a GMC number is
// not known and dummy person records for testing and rota gaps; neither may ever become a
// doctor on the Connections screens. Every edge that reads a GMC number (TCS GmcDetails,
// gmc.doctors, doctorsForDB, exceptionLogs, connectionLogs, hiddenDiscrepancy, recommendation,
// GMC's SOAP answers, `reval evaluate`) turns it into a GmcNumber here, so one input gets one
// verdict whichever way it arrives.

import { err, ok, type Result } from '../platform/result';

declare const gmcNumberBrand: unique symbol;

/** A GMC reference number that may key a doctor: only `gmcNumberOf` makes one. */
export type GmcNumber = string & { readonly [gmcNumberBrand]: true };

export type GmcNumberProblem = 'missing' | 'placeholder' | 'non-breaking space';

/** The identity function's verdict: the number that keys the doctor, or why it cannot. */
export type GmcNumberVerdict = Result<GmcNumber, GmcNumberProblem>;

const PLACEHOLDER_GMC_NUMBERS = ['unknown', 'na', 'n/a'];

/**
 * Only ASCII whitespace is trimmed. JavaScript's trim() also strips the non-breaking spaces,
 * which must refuse a number instead: a copy-pasted number betrays itself by one, and the
 * "same" number would key a second doctor that matches nothing in GMC.
 */
const ASCII_EDGE_WHITESPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/** No-break space, figure space, narrow no-break space, zero-width no-break space. */
const NON_BREAKING_SPACE = /[\u00a0\u2007\u202f\ufeff]/;

export function gmcNumberOf(raw: string | null | undefined): GmcNumberVerdict {
  if (raw === null || raw === undefined) return err('missing');
  if (NON_BREAKING_SPACE.test(raw)) return err('non-breaking space');
  const trimmed = raw.replace(ASCII_EDGE_WHITESPACE, '');
  if (trimmed === '') return err('missing');
  if (PLACEHOLDER_GMC_NUMBERS.includes(trimmed.toLowerCase())) return err('placeholder');
  return ok(trimmed as GmcNumber);
}

/** Why a GMC reference number cannot key a doctor, or null when it can. */
export function gmcNumberProblem(raw: string | null | undefined): GmcNumberProblem | null {
  const verdict = gmcNumberOf(raw);
  return verdict.ok ? null : verdict.error;
}

/** The reason a record with this number is refused, as the dead-letter queue shows it. */
export function gmcNumberRefusal(field: string, raw: string | null | undefined, problem: string) {
  return `invalid GMC number in ${field} (${problem}): ${JSON.stringify(raw ?? null)}`;
}

/** Person.role is a free-text list of roles; any dummy or placeholder role disqualifies. */
export function isDummyOrPlaceholderRole(role: string | null | undefined): boolean {
  if (role === null || role === undefined) return false;
  const lower = role.toLowerCase();
  return lower.includes('dummy') || lower.includes('placeholder');
}
