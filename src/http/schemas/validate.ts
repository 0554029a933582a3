import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError } from '../../domain/app-error.js';
import type { TSchema } from 'typebox';
import { fieldErrors, type ValidationIssue } from '../field-errors.js';
import type { FieldError } from '../problem.js';

/**
 * `date` and `date-time` as ajv-formats has them, minus year 0000: ISO 8601 allows it, PostgreSQL
 * does not ("date/time field value out of range"), so without this a schema-valid value would be
 * a 500 from the database instead of a 400/422 here.
 */
function withoutYearZero(format: 'date' | 'date-time') {
  const { validate, compare } = fullFormats[format] as { validate: (text: string) => boolean; compare: (a: string, b: string) => number | undefined };
  return { type: 'string' as const, validate: (text: string) => !text.startsWith('0000') && validate(text), compare };
}

function makeAjv(coerceTypes: false | 'array'): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes, removeAdditional: false, useDefaults: true, strict: false });
  addFormats.default(ajv);
  ajv.addFormat('date', withoutYearZero('date'));
  ajv.addFormat('date-time', withoutYearZero('date-time'));
  return ajv;
}

/**
 * Bodies are validated strictly: "92000" is not a number and a lone object is not an array.
 * Path, query and headers arrive as text, so there types are coerced.
 */
const bodyAjv = makeAjv(false);
const textAjv = makeAjv('array');

/**
 * A body schema for a file media type (CSV, xlsx, given per content type in `body.content`)
 * documents the file in the OpenAPI description; the bytes are read and checked by the use case
 * (which names rows and columns), so the schema does not validate them.
 */
const FILE_MEDIA_TYPE = /^(text\/csv|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet)$/;
const acceptFile = () => true;

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart, contentType }) => {
  if (httpPart === 'body' && contentType && FILE_MEDIA_TYPE.test(contentType)) return acceptFile;
  return (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
};

/**
 * For routes whose body is read off the event loop (imports, src/services/imports/): the body
 * schema documents it, and the import worker validates it with validateBody; the rest of the
 * request is validated as everywhere.
 */
export const validatorCompilerWithoutBody: FastifySchemaCompiler<TSchema> = (route) => (route.httpPart === 'body' ? acceptFile : validatorCompiler(route));

/** The 422 a body that fails its schema gets, as the error plugin answers Fastify's own validation. */
export function bodyValidationError(errors: FieldError[]): AppError {
  return new AppError('invalid', 'validation', `The request body is invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}.`, { errors });
}

const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Validates a document against a body schema outside of a request (CSV bodies, the bulk importer). */
export function validateBody<T>(schema: TSchema, value: unknown): { ok: true; value: T } | { ok: false; errors: FieldError[] } {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = bodyAjv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return { ok: true, value: value as T };
  return { ok: false, errors: fieldErrors((validate.errors ?? []) as ValidationIssue[], 'body') };
}
