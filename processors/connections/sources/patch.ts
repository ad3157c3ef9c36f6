// How a MongoDB patch (an update without its full document) becomes a row: merged into the
// row the consumer already holds. Kept beside the edge so the merge rules live in one place.
import { refuse, type Refusal, type Result } from '../../platform/result';
import { type MongoSourceName, type Patch, type RowsBySource } from './changes';
import { parseRow } from './rows';

/**
 * The row after the patch: set fields replace, unset fields become null, and the result is
 * validated again (unsetting a required field such as an exception log's timestamp is an
 * error). Without a current row there is nothing to patch: the caller should dead-letter the
 * record and replay it once the full document has arrived.
 */
export function applyPatch<S extends MongoSourceName>(
  current: RowsBySource[S] | undefined,
  patch: Patch<S>,
): Result<RowsBySource[S], Refusal> {
  if (current === undefined) {
    return refuse(
      `${patch.source} ${patch.key}: update without the full document for a document not seen yet`,
    );
  }
  const merged: Record<string, unknown> = { ...current, ...patch.set };
  for (const field of patch.unset) merged[field as string] = null;
  const result = parseRow(patch.source as S, merged);
  return result.ok ? result : refuse(`${patch.key}: ${result.error.reason}`);
}
