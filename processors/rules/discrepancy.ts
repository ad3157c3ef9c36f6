// Where TIS and GMC disagree about the doctor's designated body (docs/rules.md §4.6): the
// action an administrator takes in GMC Connect to bring GMC in line with TIS.
import type { Discrepancy } from './types';

export function discrepancy(
  tcsDesignatedBody: string | null,
  designatedBody: string | null,
): Discrepancy | null {
  if (tcsDesignatedBody !== null && designatedBody === null) return 'READY_FOR_CONNECTION';
  if (tcsDesignatedBody === null && designatedBody !== null) return 'READY_FOR_DISCONNECTION';
  if (
    tcsDesignatedBody !== null &&
    designatedBody !== null &&
    tcsDesignatedBody !== designatedBody
  ) {
    return 'DESIGNATED_BODY_MISMATCH';
  }
  return null;
}
