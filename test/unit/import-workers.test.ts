import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImportWorkers } from '../../src/http/import-workers/import-workers.js';
import { AppError } from '../../src/domain/app-error.js';
import { documentHash } from '../../src/services/commissions/import-month.js';
import { smallMonth } from '../helpers/fixtures.js';

const body = (text: string, format: 'json' | 'csv' = 'json') => ({
  bytes: Buffer.from(text),
  format,
  contentType: format === 'csv' ? 'text/csv' : 'application/json',
  month: undefined,
  jsonMaxDepth: 32,
  terminationThreshold: 0.15,
  today: '2025-10-15T12:00:00.000Z',
});

test('an import body is read, checked and made into rows on a worker thread; its refusals come back as the AppErrors they were', async (t) => {
  const workers = createImportWorkers({ imports: { total: 4, perTenant: 2 }, threads: 1 });
  t.after(() => workers.close());
  const month = smallMonth('2025-08');
  const prepared = await workers.preparePayees(body(JSON.stringify(month)), 'tenant-a');
  assert.equal(prepared.month, '2025-08');
  assert.deepEqual(prepared.errors, []);
  assert.equal(prepared.hash, documentHash(month));
  // The rows come back as JSON text for PostgreSQL, not as objects.
  assert.equal(typeof prepared.rows!.dealsJson, 'string');
  assert.equal((JSON.parse(prepared.rows!.dealsJson) as unknown[]).length, month.deals!.length);
  assert.equal((JSON.parse(prepared.rows!.payeesJson) as unknown[]).length, month.agents.length + (month.managers?.length ?? 0));

  const refusal = async (text: string, format: 'json' | 'csv' = 'json') => {
    const error = await workers.preparePayees(body(text, format), 'tenant-a').then(() => null, (reason: unknown) => reason);
    assert.ok(error instanceof AppError, String(error));
    return { kind: error.kind, code: error.code, pointers: (error.errors ?? []).map((item) => item.pointer) };
  };
  assert.deepEqual(await refusal('['.repeat(100) + ']'.repeat(100)), { kind: 'bad-request', code: 'json-too-deep', pointers: [''] });
  assert.deepEqual(await refusal('{"month":'), { kind: 'bad-request', code: 'malformed-body', pointers: [] });
  assert.deepEqual(await refusal('{"__proto__":{"x":1}}'), { kind: 'bad-request', code: 'malformed-body', pointers: [] });
  assert.deepEqual(await refusal(JSON.stringify({ ...month, agents: [{ ...month.agents[0], name: 'a\u0000b' }] })), {
    kind: 'invalid',
    code: 'validation',
    pointers: ['/agents/0/name'],
  });
  assert.deepEqual((await refusal(JSON.stringify({ month: '2025-08' }))).pointers, ['/agents']);
  // A month whose values fail the month's checks is prepared with its errors and no rows.
  const invalid = await workers.preparePayees(body(JSON.stringify({ ...month, agents: [{ ...month.agents[0], gp: 1.234 }] })), 'tenant-a');
  assert.equal(invalid.rows, null);
  assert.ok(invalid.errors.length > 0);
});
