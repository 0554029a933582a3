/**
 * Issue 20, item 7: a write's audit row is written in the write's own transaction, so it exists if
 * and only if the write committed — when the client hangs up before the answer (the import still
 * commits, and now its row is there), and when the write fails after it began (no row claims it).
 * The import is held at its last statement (the tenant's cache generation row, locked by the test
 * as the owner) so the client can go away, or the write be made to fail, at a known point.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { bearer, ownerClient, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { smallMonth } from '../helpers/fixtures.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';

async function auditRows(owner: pg.Client, requestId: string) {
  const { rows } = await owner.query<{ status: number; action: string }>('SELECT status, action FROM audit_log WHERE request_id = $1', [requestId]);
  return rows;
}

async function monthStored(owner: pg.Client, tenantId: string, month: string): Promise<boolean> {
  const { rowCount } = await owner.query('SELECT 1 FROM commission_months WHERE tenant_id = $1 AND month = $2', [tenantId, `${month}-01`]);
  return (rowCount ?? 0) > 0;
}

/** Holds the tenant's cache generation row (the write's last statement waits on it) until `release`. */
async function holdGenerationRow(t: TestContext, tenantId: string) {
  const holder = await ownerClient(t);
  await holder.query('BEGIN');
  const locked = await holder.query('SELECT 1 FROM tenant_cache_generations WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
  assert.equal(locked.rowCount, 1, 'the tenant has its generation row');
  return { release: () => holder.query('ROLLBACK') };
}

/** The import's backend once it waits for the held row. */
async function waitingImport(owner: pg.Client): Promise<number> {
  let pid = 0;
  await eventually('the import to wait on the generation row', async () => {
    const { rows } = await owner.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%tenant_cache_generations%' AND usename = 'cip_app'`,
    );
    pid = rows[0]?.pid ?? 0;
    return pid !== 0;
  });
  return pid;
}

async function setUp(t: TestContext) {
  const app = await testApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const orgId = uniqueOrg('audit-tx');
  const headers = bearer(await tokenFor({ orgId, role: 'admin', sub: randomUUID() }));
  const tenantId = tenantIdForOrg(orgId);
  const owner = await ownerClient(t);
  // A first import, answered and audited as usual: it also gives the tenant its generation row.
  const first = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...headers, 'x-request-id': `first-${randomUUID()}` }, payload: smallMonth('2025-07') });
  assert.equal(first.statusCode, 201, first.body);
  return { app, port, headers, tenantId, owner };
}

/** Sends an import over a real socket; resolves with the request, whose socket the test may destroy. */
function sendImport(port: number, headers: Record<string, string>, requestId: string, month: string) {
  const body = JSON.stringify(smallMonth(month));
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/v1/commissions/import',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId },
  });
  const answered = new Promise<number | 'hung up'>((resolve) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve('hung up'));
  });
  request.end(body);
  return { request, answered };
}

test('the client hangs up before the answer: the import commits, and so does its audit row (one, 201)', async (t) => {
  const { port, headers, tenantId, owner } = await setUp(t);
  const held = await holdGenerationRow(t, tenantId);
  const requestId = `hangup-${randomUUID()}`;
  const { request, answered } = sendImport(port, headers, requestId, '2025-08');
  await waitingImport(owner);
  request.destroy(); // the client goes away while the write is still in its transaction
  assert.equal(await answered, 'hung up');
  await held.release();

  await eventually('the import to commit', () => monthStored(owner, tenantId, '2025-08'));
  // Longer than the after-answer writer's flush interval (250 ms): a second row would have come by now.
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.deepEqual(await auditRows(owner, requestId), [{ status: 201, action: 'POST /api/v1/commissions/import' }]);
});

test('a write that fails inside its transaction leaves no row claiming it; its failure is audited with its status', async (t) => {
  const { port, headers, tenantId, owner } = await setUp(t);
  const held = await holdGenerationRow(t, tenantId);
  const requestId = `failed-${randomUUID()}`;
  const { answered } = sendImport(port, headers, requestId, '2025-09');
  const pid = await waitingImport(owner);
  await owner.query('SELECT pg_terminate_backend($1)', [pid]); // the write fails before COMMIT
  const status = await answered;
  await held.release();
  assert.ok(typeof status === 'number' && status >= 500, `answered ${status}`);

  assert.equal(await monthStored(owner, tenantId, '2025-09'), false, 'nothing of the import was committed');
  await eventually('the failed request to be audited', async () => (await auditRows(owner, requestId)).length > 0);
  assert.deepEqual(await auditRows(owner, requestId), [{ status, action: 'POST /api/v1/commissions/import' }], 'one row, with the failure, none with 201');
});

test('an answered write has exactly one audit row; a replay (no write) is audited after its answer', async (t) => {
  const { app, headers, owner } = await setUp(t);
  const key = randomUUID();
  const send = (requestId: string) =>
    app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...headers, 'x-request-id': requestId, 'idempotency-key': key }, payload: smallMonth('2025-10') });
  const [written, replay] = [`written-${randomUUID()}`, `replay-${randomUUID()}`];
  assert.equal((await send(written)).statusCode, 201);
  assert.deepEqual(await auditRows(owner, written), [{ status: 201, action: 'POST /api/v1/commissions/import' }], 'in the database as soon as answered');
  assert.equal((await send(replay)).statusCode, 201);
  await app.auditWriter.flush();
  assert.equal((await auditRows(owner, replay)).length, 1);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal((await auditRows(owner, written)).length, 1, 'no second row after the answer');
});
