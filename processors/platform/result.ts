// The one shape of "this worked, or here is why not" across the project. Pure: the rules,
// the Debezium edge, the GMC client and the sinks all answer with it, so a reader learns one
// test (`result.ok`) instead of three (`'error' in x`, `x.ok`, `x.tombstone`).
import type { GmcNumberProblem } from '../rules/identity';

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E = string> = Ok<T> | Err<E>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/**
 * Why an input record is refused: it goes to the dead-letter topic with `reason`. Every
 * reader of an input topic (the Debezium edge, gmc.doctors, reval.connections) answers
 * `Result<T, Refusal>`.
 */
export interface Refusal {
  reason: string;
  /** Set when the reason is the GMC number the record names: counted in a metric. */
  gmcNumberProblem?: GmcNumberProblem;
}

/** The refusal as a failed Result. */
export function refuse(reason: string, gmcNumberProblem?: GmcNumberProblem): Err<Refusal> {
  return err(gmcNumberProblem === undefined ? { reason } : { reason, gmcNumberProblem });
}
