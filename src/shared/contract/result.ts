/** Expected failures travel as values; a thrown error is a bug. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Wraps a value as a successful Result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps a user-facing reason as a failed Result. */
export function fail<T = never>(error: string): Result<T> {
  return { ok: false, error };
}
