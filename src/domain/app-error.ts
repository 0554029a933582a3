import type { FieldError } from './field-error.js';

/**
 * What went wrong, in the application's words. Each kind has one HTTP status, given by the error
 * plugin (src/http/plugins/errors.ts), the only place that knows HTTP; the CLI and jobs read the
 * kind and the field errors as they are.
 */
export type AppErrorKind =
  | 'bad-request' // the request as a whole cannot be taken (400)
  | 'forbidden' // the principal may not do this (403)
  | 'not-found' // the thing named does not exist for this tenant (404)
  | 'conflict' // the state of the data forbids it now: a locked month, a last admin (409)
  | 'too-large' // the input is bigger than allowed (413)
  | 'unsupported' // the input's media type or encoding is not one we read (415)
  | 'invalid' // the input has invalid values, each named in `errors` (422)
  | 'unavailable'; // a resource is busy or unreachable; retry later (503)

export interface AppErrorOptions {
  /** One entry per invalid value, addressed by JSON pointer. */
  errors?: FieldError[];
  /** Further members of the problem document (plain JSON values). */
  details?: Record<string, unknown>;
  /** For `unavailable`: when a retry makes sense, in seconds. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly errors: FieldError[] | undefined;
  readonly details: Record<string, unknown>;
  readonly retryAfterSeconds: number | undefined;

  /** `code` is a stable slug that names the problem (`validation`, `month-approved`, ...). */
  constructor(
    readonly kind: AppErrorKind,
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.errors = options.errors;
    this.details = options.details ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Input with invalid values: all of them at once, nothing written. */
export const invalidInput = (message: string, errors: FieldError[]) => new AppError('invalid', 'validation', message, { errors });

/** `invalidInput` with the usual message: "The month has 3 invalid values." */
export const invalidValues = (what: string, errors: FieldError[]) =>
  invalidInput(`${what} has ${plural(errors.length, 'invalid value')}.`, errors);

export const notFoundError = (message: string) => new AppError('not-found', 'not-found', message);
export const forbiddenError = (message: string) => new AppError('forbidden', 'forbidden', message);
export const badRequest = (message: string, errors?: FieldError[]) =>
  new AppError('bad-request', 'bad-request', message, errors ? { errors } : {});
