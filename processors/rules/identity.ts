// Who is a doctor here (DOMAIN.md section 3). TIS holds placeholder values where a GMC
// number is not known and dummy person records for testing and rota gaps; neither may ever
// become a doctor on the Connections screens.

const PLACEHOLDER_GMC_NUMBERS = ['unknown', 'na', 'n/a'];
const NON_BREAKING_SPACE = '\u00a0';

export type GmcNumberProblem = 'missing' | 'placeholder' | 'non-breaking space';

/** Why a GMC reference number cannot key a doctor, or null when it can. */
export function gmcNumberProblem(gmcNumber: string | null | undefined): GmcNumberProblem | null {
  if (gmcNumber === null || gmcNumber === undefined || gmcNumber.trim() === '') return 'missing';
  // A non-breaking space is how a copy-pasted number betrays itself: the "same" number would
  // key a second doctor that matches nothing in GMC.
  if (gmcNumber.includes(NON_BREAKING_SPACE)) return 'non-breaking space';
  if (PLACEHOLDER_GMC_NUMBERS.includes(gmcNumber.trim().toLowerCase())) return 'placeholder';
  return null;
}

export function isValidGmcNumber(gmcNumber: string | null | undefined): gmcNumber is string {
  return gmcNumberProblem(gmcNumber) === null;
}

/** Person.role is a free-text list of roles; any dummy or placeholder role disqualifies. */
export function isDummyOrPlaceholderRole(role: string | null | undefined): boolean {
  if (role === null || role === undefined) return false;
  const lower = role.toLowerCase();
  return lower.includes('dummy') || lower.includes('placeholder');
}
