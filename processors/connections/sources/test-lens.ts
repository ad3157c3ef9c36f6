// For golden tests about row content: the change without its source position and source
// point, which position.test.ts covers on their own; and the two sides of the edge's Result, each failing the
// test with what it holds when the result is the other one.
import type { Refusal, Result } from '../../platform/result';
import type { Change } from './changes';

export function withoutPosition<T>(change: T): T {
  if (change === null || typeof change !== 'object') return change;
  const {
    position: _position,
    sourcePosition: _sourcePosition,
    sourceTime: _sourceTime,
    ...rest
  } = change as T & { position?: number; sourcePosition?: string; sourceTime?: string };
  return rest as T;
}

/** The change, without its position and source point; a refusal fails the test with its reason. */
export function changeOf(result: Result<Change, Refusal>): Change {
  if (!result.ok) throw new Error(`expected a change, refused: ${result.error.reason}`);
  return withoutPosition(result.value);
}

/** The refusal; a change fails the test. */
export function refusalOf<T>(result: Result<T, Refusal>): Refusal {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}
