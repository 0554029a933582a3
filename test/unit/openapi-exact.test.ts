/**
 * Every success response in the published OpenAPI document says what it holds, so a typed client
 * can be generated from it: no open object (`additionalProperties: true` without properties) and
 * no schema that admits anything, at any depth. The few documents that are open on purpose are
 * listed below with their reason; a new one fails here until it gets a schema or a reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openapiDocument } from '../../scripts/openapi-document.js';

type Schema = Record<string, unknown>;

/** `METHOD path status pointer` of the parts that are open on purpose, with why. */
const OPEN_ON_PURPOSE: Record<string, string> = {
  'GET /api/v1/tenant/export 200 ': "the GDPR export: every table of the tenant's as stored, for the person who asked, not for a client",
  'POST /api/v1/closings/preview 200 /rows/[]/closing': 'a row as the spreadsheet gave it, shown even when it is not a valid closing (its errors are listed)',
};

const COMBINERS = ['anyOf', 'oneOf', 'allOf'] as const;

/** Pointers of the open parts of a schema. */
export function openParts(schema: unknown, pointer = ''): string[] {
  if (!schema || typeof schema !== 'object') return [pointer];
  const s = schema as Schema;
  if (s.$ref !== undefined || s.enum !== undefined || s.const !== undefined) return [];
  const open: string[] = [];
  const typed = s.type !== undefined || COMBINERS.some((key) => s[key] !== undefined);
  if (!typed) open.push(pointer);
  if (s.type === 'object' && s.additionalProperties === true && Object.keys((s.properties ?? {}) as object).length === 0) open.push(pointer);
  for (const [name, property] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) open.push(...openParts(property, `${pointer}/${name}`));
  if (s.items !== undefined) open.push(...openParts(s.items, `${pointer}/[]`));
  if (s.additionalProperties && typeof s.additionalProperties === 'object') open.push(...openParts(s.additionalProperties, `${pointer}/{}`));
  if (s.patternProperties) for (const value of Object.values(s.patternProperties as Record<string, unknown>)) open.push(...openParts(value, `${pointer}/{}`));
  for (const key of COMBINERS) for (const [index, part] of ((s[key] ?? []) as unknown[]).entries()) open.push(...openParts(part, `${pointer}|${index}`));
  return open;
}

test('openParts finds open objects and untyped schemas at any depth, and accepts closed ones', () => {
  assert.deepEqual(openParts({ type: 'object', additionalProperties: true }), ['']);
  assert.deepEqual(openParts({}), ['']);
  assert.deepEqual(openParts({ type: 'object', properties: {}, additionalProperties: true }), [''], 'Type.Object({}, { additionalProperties: true }) is as open');
  assert.deepEqual(openParts({ type: 'object', properties: { a: { type: 'array', items: { type: 'object', properties: { b: {} } } } } }), ['/a/[]/b']);
  assert.deepEqual(openParts({ type: 'object', patternProperties: { '^(.*)$': { type: 'object', additionalProperties: true } } }), ['/{}']);
  assert.deepEqual(openParts({ anyOf: [{ type: 'number' }, { description: 'anything' }] }), ['|1']);
  assert.deepEqual(openParts({ type: 'object', properties: { a: { type: 'string' }, b: { anyOf: [{ type: 'number' }, { type: 'null' }] } }, additionalProperties: false }), []);
});

test('every success response of the OpenAPI document is closed, but for the documents open on purpose', async () => {
  const document = await openapiDocument();
  const found: string[] = [];
  let checked = 0;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!status.startsWith('2')) continue;
        for (const [mediaType, content] of Object.entries(response.content ?? {})) {
          checked += 1;
          if (!mediaType.includes('json')) {
            assert.ok(content.schema, `${method.toUpperCase()} ${path} ${status} ${mediaType} has no schema`);
            continue;
          }
          for (const pointer of openParts(content.schema)) found.push(`${method.toUpperCase()} ${path} ${status} ${pointer}`);
        }
      }
    }
  }
  assert.ok(checked > 50, `only ${checked} success responses in the document`);
  const unexplained = found.filter((entry) => !(entry in OPEN_ON_PURPOSE));
  assert.deepEqual(unexplained, [], 'open success responses: give each a schema (src/schemas) or a reason in OPEN_ON_PURPOSE');
  const stale = Object.keys(OPEN_ON_PURPOSE).filter((entry) => !found.includes(entry));
  assert.deepEqual(stale, [], 'OPEN_ON_PURPOSE lists parts that are closed now: remove them');
});
