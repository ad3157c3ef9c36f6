// The one shape of "this worked, or here is why not" across the project. Pure: the rules,
// the Debezium edge, the GMC client and the sinks all answer with it, so a reader learns one
// test (`result.ok`) instead of three (`'error' in x`, `x.ok`, `x.tombstone`).
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E = string> = Ok<T> | Err<E>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}
