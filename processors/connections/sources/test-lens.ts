// For golden tests about row content: the change without its source position, which
// position.test.ts covers on its own.
export function withoutPosition<T>(change: T): T {
  if (change === null || typeof change !== 'object' || !('position' in change)) return change;
  const { position: _position, ...rest } = change as T & { position?: number };
  return rest as T;
}
