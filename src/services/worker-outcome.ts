import { AppError, type AppErrorKind } from '../domain/app-error.js';
import type { FieldError } from '../domain/field-error.js';

/**
 * A worker thread's answer, or the AppError it refused with, as plain data: an error crossing the
 * thread boundary keeps only its message. Plan workers (plans/) and import workers (imports/) use it.
 */
export type EngineOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { kind: AppErrorKind; code: string; message: string; errors: FieldError[] | undefined; details: Record<string, unknown> } };

/** In the worker: the value `compute` gives, or its AppError as data (any other error is thrown). */
export async function outcome<T>(compute: () => T | Promise<T>): Promise<EngineOutcome<T>> {
  try {
    return { ok: true, value: await compute() };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, error: { kind: error.kind, code: error.code, message: error.message, errors: error.errors, details: error.details } };
  }
}

/** On the posting thread: the value, or the AppError it was. */
export function unwrap<T>(answer: EngineOutcome<T>): T {
  if (answer.ok) return answer.value;
  const { kind, code, message, errors, details } = answer.error;
  throw new AppError(kind, code, message, { ...(errors ? { errors } : {}), details });
}
