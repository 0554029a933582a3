import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { fieldErrors, type ValidationIssue } from '../field-errors.js';
import type { FieldError } from '../problem.js';

function makeAjv(coerceTypes: false | 'array'): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes, removeAdditional: false, useDefaults: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Bodies are validated strictly: "92000" is not a number and a lone object is not an array.
 * Path, query and headers arrive as text, so there types are coerced.
 */
const bodyAjv = makeAjv(false);
const textAjv = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);

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
