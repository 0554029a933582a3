/**
 * Bad input, swept: every route of the OpenAPI document (but the endless event stream) is sent
 * malformed JSON, wrong types, huge strings, unknown and `__proto__` fields, bad path parameters
 * and bad query parameters, with a valid admin token of a tenant that has data. Every answer must
 * be a 4xx application/problem+json: bad input is the client's fault, never a 500.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];
/** The endless event stream, and readiness, whose 503 reports the database whatever the input. */
const SKIP = new Set(['/api/v1/events', '/readyz']);

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: { examples?: unknown[]; required?: string[] }; examples?: Record<string, { value?: unknown }> }> };
}

const HUGE = 'x'.repeat(1024 * 1024);
const LONG = 'a'.repeat(5000);
// Well-formed but out of range for PostgreSQL or the calendar, next to the plainly malformed.
const BAD_PATH_VALUES = ['0000-01', '9999-12', 'not-a-uuid', '2025-13', '0000-00', '%00', '%00abc', '..%2F..%2Fetc', LONG, '%E0%A4%A', '1e9999', '-1', '__proto__', 'constructor'];
const BAD_QUERY_VALUES = ['0000-01', '0000', '0000-Q1', '0000-01-01', '9999-12', '9999-12-31', '2025-02-30', '2025-Q5', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '', 'x', '-1', '1e9999', 'NaN', '2025-13', '%00', LONG, '[object Object]', 'true'];

/** Bodies that are wrong in every way a client can get them wrong. */
function badBodies(): { label: string; payload: string; contentType: string }[] {
  const json = (value: unknown) => JSON.stringify(value);
  const valid = smallMonth('2025-05') as unknown as Record<string, unknown>;
  return [
    { label: 'malformed JSON', payload: '{"month": "2025-05", ', contentType: 'application/json' },
    { label: 'empty JSON', payload: '', contentType: 'application/json' },
    { label: 'JSON null', payload: 'null', contentType: 'application/json' },
    { label: 'JSON number', payload: '42', contentType: 'application/json' },
    { label: 'JSON string', payload: '"hello"', contentType: 'application/json' },
    { label: 'JSON array', payload: '[1,2,3]', contentType: 'application/json' },
    { label: 'empty object', payload: '{}', contentType: 'application/json' },
    { label: 'wrong types', payload: json({ month: 202505, agents: 'many', name: 7, plan: [], from: true, to: null, active: 'yes', type: 3, termination_threshold: 'high', logo_url: 5, effective_from: {} }), contentType: 'application/json' },
    { label: 'huge strings', payload: json({ month: HUGE, name: HUGE, plan: { name: HUGE }, market: HUGE, logo_url: HUGE }), contentType: 'application/json' },
    { label: 'unknown fields', payload: json({ ...valid, surprise: true, nested: { deeper: [1, 2, 3] } }), contentType: 'application/json' },
    { label: '__proto__ key', payload: '{"__proto__": {"admin": true}, "month": "2025-05", "agents": []}', contentType: 'application/json' },
    { label: 'constructor.prototype key', payload: '{"constructor": {"prototype": {"admin": true}}}', contentType: 'application/json' },
    { label: 'nested __proto__', payload: '{"plan": {"__proto__": {"x": 1}}, "agents": [{"__proto__": {}}]}', contentType: 'application/json' },
    { label: 'deep nesting', payload: '['.repeat(5000) + ']'.repeat(5000), contentType: 'application/json' },
    { label: 'NUL bytes', payload: json({ month: '2025-05\u0000', name: 'a\u0000b', agents: [{ name: '\u0000', type: 'acq', gp: 1, deals: 1, commission: 1 }] }), contentType: 'application/json' },
    { label: 'lone surrogates', payload: '{"name": "\\ud800", "month": "\\udfff"}', contentType: 'application/json' },
    { label: 'huge numbers', payload: '{"month": "2025-05", "agents": [{"name": "A", "type": "acq", "gp": 1e308, "deals": 1e308, "commission": -1e308}], "termination_threshold": 1e308}', contentType: 'application/json' },
    { label: 'CSV garbage', payload: '"unterminated,\n\u0000,,,\n', contentType: 'text/csv' },
    { label: 'unknown media type', payload: '<xml/>', contentType: 'application/xml' },
    { label: 'form body', payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
  ];
}

/** Month- and date-shaped strings replaced by values a schema pattern lets through but a calendar does not. */
const EDGE_STRINGS: [RegExp, string[]][] = [
  [/^\d{4}-\d{2}$/, ['0000-01', '9999-12']],
  [/^\d{4}-\d{2}-\d{2}$/, ['0000-01-01', '2025-02-30']],
  [/^\d{4}-\d{2}-\d{2}T/, ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999Z']],
];
const EDGE_NUMBERS = [1e12, -1e12, 0, 1e-9, 0.1 + 0.2];

/** Variants of a valid example with one value at a time pushed to an edge the schema allows. */
function edgeVariants(example: unknown): unknown[] {
  const variants: unknown[] = [];
  const walk = (value: unknown, replace: (next: unknown) => unknown) => {
    if (typeof value === 'string') {
      for (const [shape, edges] of EDGE_STRINGS) if (shape.test(value)) for (const edge of edges) variants.push(replace(edge));
    } else if (typeof value === 'number') {
      for (const edge of EDGE_NUMBERS) variants.push(replace(edge));
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, (next) => replace(value.map((other, at) => (at === index ? next : other)))));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, (next) => replace({ ...value, [key]: next }));
    }
  };
  walk(example, (next) => next);
  return variants;
}

/** What is wrong with an answer to bad input, or undefined when it is a proper 4xx problem. */
function problemWith(response: { statusCode: number; headers: Record<string, unknown>; body: string }): string | undefined {
  if (response.statusCode < 400 || response.statusCode >= 500) return `${response.statusCode} ${response.body.slice(0, 200)}`;
  const type = String(response.headers['content-type'] ?? '');
  if (!/^application\/problem\+json/.test(type)) return `${response.statusCode} with content-type ${type}`;
  let body: { status?: unknown; type?: unknown };
  try {
    body = JSON.parse(response.body) as typeof body;
  } catch {
    return `${response.statusCode}: body is not JSON`;
  }
  if (body.status !== response.statusCode) return `${response.statusCode}: problem status ${String(body.status)}`;
  if (typeof body.type !== 'string') return `${response.statusCode}: problem without type`;
  // Nothing of the internals: no stack frames, no SQL.
  if (/\bat .+\.(ts|js):\d+|node_modules|SELECT |INSERT INTO|syntax error at/i.test(response.body)) return `${response.statusCode}: leaks internals`;
  return undefined;
}

test('every route answers bad input with a 4xx problem+json, never a 5xx', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const admin = bearer(await tokenFor({ orgId: uniqueOrg('sweep'), role: 'admin', sub: randomUUID() }));
  const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: smallMonth('2025-08') });
  assert.equal(imported.statusCode, 201, imported.body);

  const document = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> };
  const bodies = badBodies();
  let sent = 0;
  const failures: string[] = [];
  const assertProblem = (label: string, response: Parameters<typeof problemWith>[0]) => {
    const wrong = problemWith(response);
    if (wrong) failures.push(`${label} → ${wrong}`);
  };

  for (const [path, operations] of Object.entries(document.paths)) {
    if (SKIP.has(path)) continue;
    for (const method of METHODS) {
      const operation = operations[method];
      if (!operation) continue;
      const verb = method.toUpperCase() as 'GET';
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
      const goodPath = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'month' ? '2025-01' : randomUUID()));
      const queryNames = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);

      // Bad path parameters.
      for (const name of pathParams) {
        for (const value of BAD_PATH_VALUES) {
          const url = path.replace(/\{(\w+)\}/g, (_, other: string) => (other === name ? value : other === 'month' ? '2025-08' : randomUUID()));
          const response = await app.inject({ method: verb, url, headers: admin, ...(method === 'get' || method === 'delete' ? {} : { payload: {} }) });
          sent += 1;
          assertProblem(`${verb} ${url.slice(0, 120)}`, response);
        }
      }

      // Bad query parameters: each known one, unknown ones, repeated ones.
      for (const name of [...queryNames, 'unknown_param']) {
        for (const value of BAD_QUERY_VALUES) {
          const url = `${goodPath}?${new URLSearchParams({ [name]: value })}`;
          const response = await app.inject({ method: verb, url, headers: admin, ...(method === 'get' || method === 'delete' ? {} : { payload: {} }) });
          sent += 1;
          // An unknown or ignored query parameter may be accepted; what is refused must be a problem.
          if (response.statusCode < 400) continue;
          assertProblem(`${verb} ${url.slice(0, 120)}`, response);
        }
      }
      const repeated = `${goodPath}?${queryNames.map((name) => `${name}=a&${name}=b`).join('&')}&%00=%00`;
      const repeatedResponse = await app.inject({ method: verb, url: repeated, headers: admin });
      sent += 1;
      if (repeatedResponse.statusCode >= 400) assertProblem(`${verb} ${repeated.slice(0, 120)}`, repeatedResponse);
      else if (repeatedResponse.statusCode >= 500) failures.push(`${verb} ${repeated.slice(0, 120)} → ${repeatedResponse.statusCode}`);

      // Bad bodies, on every route that may carry one (a GET with a body must not break either).
      for (const body of bodies) {
        const response = await app.inject({ method: verb, url: goodPath, headers: { ...admin, 'content-type': body.contentType }, payload: body.payload });
        sent += 1;
        const label = `${verb} ${goodPath} with ${body.label}`;
        if (!operation.requestBody && response.statusCode < 400) continue; // a route without a body may ignore one
        // `{}` is a valid body where every field is optional (POST /reports: the latest month).
        const required = operation.requestBody?.content?.['application/json']?.schema?.required ?? [];
        if (body.label === 'empty object' && required.length === 0 && response.statusCode < 400) continue;
        assertProblem(label, response);
      }

      // Valid examples with one value pushed to an edge: success or a problem, never a 5xx.
      const content = operation.requestBody?.content?.['application/json'];
      const examples = [...(content?.schema?.examples ?? []), ...Object.values(content?.examples ?? {}).map((example) => example.value)];
      for (const example of examples) {
        for (const variant of edgeVariants(example)) {
          const response = await app.inject({ method: verb, url: goodPath, headers: admin, payload: variant as object });
          sent += 1;
          if (response.statusCode >= 500) failures.push(`${verb} ${goodPath} with ${JSON.stringify(variant).slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`);
          else if (response.statusCode >= 400) assertProblem(`${verb} ${goodPath} with an edge variant`, response);
        }
      }
    }
  }
  assert.ok(sent > 300, `only ${sent} requests sent`);
  assert.deepEqual(failures, [], `${failures.length} of ${sent} answers were not 4xx problem+json`);

  // The tenant's data survived the sweep's DELETEs with bad ids (a month-shaped bad value aside).
  const month = await app.inject({ url: '/api/v1/commissions/2025-08', headers: admin });
  assert.equal(month.statusCode, 200);
});
