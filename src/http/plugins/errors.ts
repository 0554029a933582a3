import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type AppErrorKind } from '../../domain/app-error.js';
import { HttpProblem, titleFor, problemType, type ProblemBody } from '../problem.js';
import { fieldErrors, type ValidationIssue } from '../field-errors.js';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/** Fastify's own errors that are the client's fault, by code. */
const CLIENT_ERRORS: Record<string, { status: number; slug: string; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, slug: 'malformed-body', detail: 'The body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, slug: 'malformed-body', detail: 'The body is empty but declared as JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, slug: 'body-too-large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, slug: 'unsupported-media-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, slug: 'malformed-body' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, slug: 'unsupported-media-type' },
  FST_ERR_BAD_URL: { status: 400, slug: 'bad-url', detail: 'The URL has a malformed percent-encoding.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, slug: 'bad-url', detail: 'A path parameter is too long.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, slug: 'bad-request' },
};

/** Connection-level SQLSTATEs and socket errors: the database, not the request, is at fault. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);

/**
 * What pg says, with no code, when the connection is gone: the pool timed out waiting for one;
 * the server hung up; or the server went away between two queries of a transaction, so the next
 * one fails with "Client has encountered a connection error and is not queryable" (seen when
 * PostgreSQL restarts under load, test/integration/faults.test.ts).
 */
const UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Client was closed and is not queryable/;

/**
 * SQLSTATEs of a database that is overloaded rather than a request that is wrong: the same request
 * may succeed in a moment. Each answers 503 with Retry-After, never 500, as the one problem type
 * `unavailable` the API documents; the detail says which.
 */
interface Busy {
  detail: string;
  retryAfterSeconds: number;
}

const BUSY_CODES: Record<string, Busy> = {
  // withTenant has already re-run the transaction (src/db/tenant.ts); these are what persisted.
  '40001': { detail: 'Concurrent writes kept conflicting with this one; retry in a moment.', retryAfterSeconds: 1 },
  '40P01': { detail: 'Concurrent writes kept conflicting with this one; retry in a moment.', retryAfterSeconds: 1 },
  // statement_timeout (DB_STATEMENT_TIMEOUT_MS) cut the query: the database is too busy to answer in time.
  '57014': { detail: 'The database did not answer in time; retry in a few seconds.', retryAfterSeconds: 5 },
  '55P03': { detail: 'The data is locked by other work; retry in a few seconds.', retryAfterSeconds: 5 },
};

const UNAVAILABLE: Busy = { detail: 'The database is busy or unreachable; retry in a few seconds.', retryAfterSeconds: 5 };

/**
 * The pool gave up waiting for a connection, the server went away, or it is too busy: a 503 the
 * client may retry, not a 500. Undefined for any other error.
 */
function databaseBusy(error: { code?: string; message?: string }): Busy | undefined {
  if (typeof error.code === 'string' && Object.hasOwn(BUSY_CODES, error.code)) return BUSY_CODES[error.code];
  if ((typeof error.code === 'string' && UNAVAILABLE_CODES.has(error.code)) || UNAVAILABLE_MESSAGES.test(error.message ?? '')) return UNAVAILABLE;
  return undefined;
}

/** The one mapping of the application's error kinds to HTTP. */
const STATUS_OF_KIND: Record<AppErrorKind, number> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unsupported: 415,
  invalid: 422,
  unavailable: 503,
};

/** An AppError as the problem document and headers it is sent as. */
function problemOf(error: AppError, instance?: string): { body: ProblemBody; headers: Record<string, string> } {
  const status = STATUS_OF_KIND[error.kind];
  const retryAfter = error.retryAfterSeconds ?? (status === 503 ? 5 : undefined);
  return {
    body: {
      type: problemType(error.code),
      title: titleFor(status),
      status,
      detail: error.message,
      ...(instance ? { instance } : {}),
      ...error.details,
      ...(error.errors ? { errors: error.errors } : {}),
    },
    headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
  };
}

function send(reply: FastifyReply, body: ProblemBody, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(body.status).headers(headers).type(PROBLEM_JSON).send(body);
}

/**
 * Errors the router raises before any route or hook runs (a malformed percent-encoding, a path
 * parameter over maxParamLength): Fastify answers them with its own plain JSON unless given this
 * as the `frameworkErrors` server option. The error plugin is not registered yet at that point,
 * so this answers in the same problem+json shape on its own.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = (error.code ? CLIENT_ERRORS[error.code] : undefined) ?? { status: 400, slug: 'bad-request' };
  // The raw URL may be what is malformed; echo nothing of it.
  send(reply, { type: problemType(known.slug), title: titleFor(known.status), status: known.status, detail: known.detail ?? 'The request is malformed.' });
}

/**
 * One place that turns every failure into RFC 9457 problem+json: our HttpProblems, schema
 * validation (400 for path/query/headers, 422 for bodies, with a pointer per error), Fastify's
 * client errors (malformed JSON, size, media type) and, for anything else, a 500 that says nothing
 * about the internals (the details go to the log with the request id).
 */
async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    const instance = request.url.split('?')[0];
    if (error instanceof HttpProblem) {
      if (error.status >= 500) request.log.warn({ err: error }, error.message);
      return send(reply, error.toBody(instance), error.headers);
    }
    if (error instanceof AppError) {
      const { body, headers } = problemOf(error, instance);
      if (body.status >= 500) request.log.warn({ err: error }, error.message);
      return send(reply, body, headers);
    }
    if (error.validation) {
      const context = error.validationContext ?? 'body';
      const errors = fieldErrors(error.validation as ValidationIssue[], context);
      const status = context === 'body' ? 422 : 400;
      return send(reply, {
        type: problemType('validation'),
        title: titleFor(status),
        status,
        detail: `The request ${context} is invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}.`,
        instance,
        errors,
      });
    }
    const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
    if (known) {
      return send(reply, {
        type: problemType(known.slug),
        title: titleFor(known.status),
        status: known.status,
        detail: known.detail ?? error.message,
        instance,
      });
    }
    const busy = databaseBusy(error);
    if (busy) {
      request.log.warn({ err: error }, 'database unavailable');
      return send(
        reply,
        { type: problemType('unavailable'), title: titleFor(503), status: 503, detail: busy.detail, instance },
        { 'retry-after': String(busy.retryAfterSeconds) },
      );
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'unhandled error');
      return send(reply, {
        type: problemType('internal'),
        title: titleFor(500),
        status: 500,
        detail: `Something went wrong on our side. Quote request id ${request.id} when reporting it.`,
        instance,
      });
    }
    return send(reply, { type: problemType('bad-request'), title: titleFor(status), status, detail: error.message, instance });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, {
      type: problemType('not-found'),
      title: titleFor(404),
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}.`,
      instance: request.url.split('?')[0],
    }),
  );
}

export default fp(errorsPlugin, { name: 'errors' });
