// Checking `Authorization: Bearer <token>` against the configured token in constant time:
// both sides are hashed first, so neither the comparison nor an early length mismatch tells
// a caller how much of a guess was right.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Whether the Authorization header carries exactly `token` as a bearer token. */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  // Compared even when absent, so a missing header costs the same as a wrong one.
  const equal = timingSafeEqual(digest(given), digest(token));
  return match !== null && equal;
}
