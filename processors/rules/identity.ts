// Who is a doctor here (docs/rules.md §3). TIS holds placeholder values where a GMC number is
// not known and dummy person records for testing and rota gaps; neither may ever become a
// doctor on the Connections screens. Every edge that reads a GMC number (TCS GmcDetails,
// gmc.doctors, doctorsForDB, exceptionLogs, connectionLogs, hiddenDiscrepancy, recommendation,
// GMC's SOAP answers, `reval evaluate`) turns it into a GmcNumber here, so one input gets one
// verdict whichever way it arrives.

declare const gmcNumberBrand: unique symbol;

/** A GMC reference number that may key a doctor: only `gmcNumberOf` makes one. */
export type GmcNumber = string & { readonly [gmcNumberBrand]: true };

export type GmcNumberProblem = 'missing' | 'placeholder' | 'non-breaking space';

export type GmcNumberVerdict =
  | { gmcNumber: GmcNumber; problem?: undefined }
  | { gmcNumber?: undefined; problem: GmcNumberProblem };

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
  if (raw === null || raw === undefined) return { problem: 'missing' };
  if (NON_BREAKING_SPACE.test(raw)) return { problem: 'non-breaking space' };
  const trimmed = raw.replace(ASCII_EDGE_WHITESPACE, '');
  if (trimmed === '') return { problem: 'missing' };
  if (PLACEHOLDER_GMC_NUMBERS.includes(trimmed.toLowerCase())) return { problem: 'placeholder' };
  return { gmcNumber: trimmed as GmcNumber };
}

/** Why a GMC reference number cannot key a doctor, or null when it can. */
export function gmcNumberProblem(raw: string | null | undefined): GmcNumberProblem | null {
  return gmcNumberOf(raw).problem ?? null;
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
