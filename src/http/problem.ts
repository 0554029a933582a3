import type { FieldError } from '../domain/field-error.js';

export type { FieldError };

/**
 * RFC 9457 problem details. Handlers and domain code throw `HttpProblem`s (or domain errors the error
 * plugin maps); nothing formats an error response by hand.
 */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}


const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** `type` URIs are relative references documented in the OpenAPI description. */
export function problemType(slug: string): string {
  return `/problems/${slug}`;
}

export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly slug: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  toBody(instance?: string): ProblemBody {
    return {
      type: problemType(this.slug),
      title: titleFor(this.status),
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const unauthorized = (reason: string) =>
  new HttpProblem(401, 'unauthorized', reason, {}, { 'www-authenticate': 'Bearer error="invalid_token"' });
export const forbidden = (detail: string) => new HttpProblem(403, 'forbidden', detail);
export const notFound = (detail: string) => new HttpProblem(404, 'not-found', detail);
export const serviceUnavailable = (detail: string) =>
  new HttpProblem(503, 'unavailable', detail, {}, { 'retry-after': '5' });
