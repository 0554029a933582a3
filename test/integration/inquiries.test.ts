/**
 * Inquiries through the API: a payee questions a line of their own approved statement, an admin
 * answers and resolves it (open → resolved with a note), both sides see the same thread, every
 * step is in the audit trail; a payee never asks about, reads or answers another person's; bad
 * input is a 4xx with nothing written; tenants never see each other's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, tokenFor, uniqueOrg } from '../helpers/env.js';
import { call, ok, payeeTenant } from '../helpers/payee-tenant.js';
import { MONTH } from '../helpers/payouts-month.js';

const url = `/api/v1/payouts/${MONTH}/inquiries`;

test('a payee questions a line, an admin replies and resolves; both see the thread; audited', async (t) => {
  const tenant = await payeeTenant(t, { approve: true });
  const { app, admin, member } = tenant;
  const ana = await tenant.payee({ name: 'Ana Acq' });
  const statement = (await ok(app, ana, 'GET', `/api/v1/me/statements/${MONTH}`)).json().statement;
  assert.ok(statement.lines.length >= 2, 'her statement has a plan line and the correction');

  const asked = (await ok(app, ana, 'POST', url, { line: { payee: 'Ana Acq', index: 0 }, message: 'Why bracket 3?' }, 201)).json();
  assert.equal(asked.status, 'open');
  assert.equal(asked.payee, 'Ana Acq');
  assert.deepEqual(asked.line, statement.lines[0], 'the line is copied as it stood');
  assert.deepEqual(asked.messages.map((m: { seq: number; from: string; message: string }) => [m.seq, m.from, m.message]), [[1, 'payee', 'Why bracket 3?']]);

  const replied = (await ok(app, admin, 'POST', `${url}/${asked.id}/replies`, { message: 'Promotion agreed on 1 September.' }, 201)).json();
  const again = (await ok(app, ana, 'POST', `${url}/${asked.id}/replies`, { message: 'Thanks, understood.' }, 201)).json();
  assert.deepEqual(again.messages.map((m: { seq: number; from: string }) => [m.seq, m.from]), [[1, 'payee'], [2, 'admin'], [3, 'payee']]);
  assert.equal(replied.messages.length, 2);

  assert.equal((await call(app, ana, 'POST', `${url}/${asked.id}/resolve`, { note: 'self-resolved' })).statusCode, 403, 'payees do not resolve');
  assert.equal((await call(app, member, 'POST', `${url}/${asked.id}/resolve`, { note: 'x' })).statusCode, 403, 'nor members');
  assert.equal((await call(app, member, 'POST', `${url}/${asked.id}/replies`, { message: 'x' })).statusCode, 403, 'members only read');
  const resolved = (await ok(app, admin, 'POST', `${url}/${asked.id}/resolve`, { note: '  Correct as paid.  ' })).json();
  assert.equal(resolved.status, 'resolved');
  assert.equal(resolved.resolution_note, 'Correct as paid.');
  assert.ok(resolved.resolved_at);
  const twice = await call(app, admin, 'POST', `${url}/${asked.id}/resolve`, { note: 'again' });
  assert.equal(twice.statusCode, 409);
  assert.equal(twice.json().type, '/problems/inquiry-resolved');
  assert.equal((await call(app, ana, 'POST', `${url}/${asked.id}/replies`, { message: 'one more' })).statusCode, 409, 'a resolved thread takes no reply');

  // Both sides read the same thread; members read it too.
  const seenByAna = (await ok(app, ana, 'GET', url)).json();
  const seenByAdmin = (await ok(app, admin, 'GET', url)).json();
  assert.deepEqual(seenByAna, seenByAdmin);
  assert.deepEqual((await ok(app, member, 'GET', `${url}/${asked.id}`)).json(), seenByAdmin.items[0]);
  assert.equal(seenByAdmin.items[0].messages.length, 3);

  // Audited: every step, by route and inquiry id.
  await app.auditWriter.flush();
  const audit = (await ok(app, admin, 'GET', '/api/v1/audit?limit=200')).json();
  const actions = (audit.items as { action: string; resource: Record<string, string>; status: number }[]).filter((entry) => entry.action.includes('/inquiries'));
  const wrote = actions.filter((entry) => entry.action.startsWith('POST') && entry.status < 300).map((entry) => entry.action);
  assert.deepEqual(wrote.sort(), [
    'POST /api/v1/payouts/:month/inquiries',
    'POST /api/v1/payouts/:month/inquiries/:id/replies',
    'POST /api/v1/payouts/:month/inquiries/:id/replies',
    'POST /api/v1/payouts/:month/inquiries/:id/resolve',
  ]);
  assert.ok(actions.some((entry) => entry.resource.id === asked.id));
});

test("a payee never asks about, reads or answers another person's inquiry; bad input is a 4xx with nothing written", async (t) => {
  const tenant = await payeeTenant(t, { approve: true });
  const { app, admin } = tenant;
  const ana = await tenant.payee({ name: 'Ana Acq' });
  const ben = await tenant.payee({ name: 'Ben Acq' });
  const bens = (await ok(app, admin, 'POST', url, { line: { payee: 'Ben Acq', index: 0 }, message: 'Asked for Ben by an admin' }, 201)).json();
  const anas = (await ok(app, ana, 'POST', url, { line: { payee: 'Ana Acq', index: 1 }, message: 'The correction?' }, 201)).json();

  const asOther = await call(app, ana, 'POST', url, { line: { payee: 'Ben Acq', index: 0 }, message: "Ben's pay" });
  assert.equal(asOther.statusCode, 403, asOther.body);
  assert.deepEqual((await ok(app, ana, 'GET', url)).json().items.map((item: { id: string }) => item.id), [anas.id], 'her own only');
  assert.deepEqual((await ok(app, ben, 'GET', url)).json().items.map((item: { id: string }) => item.id), [bens.id]);
  assert.equal((await call(app, ana, 'GET', `${url}/${bens.id}`)).statusCode, 404);
  assert.equal((await call(app, ana, 'POST', `${url}/${bens.id}/replies`, { message: 'sneaky' })).statusCode, 404);
  assert.equal((await ok(app, admin, 'GET', `${url}/${bens.id}`)).json().messages.length, 1, "Ben's thread is untouched");

  // Across months (GET /inquiries): an admin's list of what waits for an answer; a payee's own only.
  const everywhere = (headers: Record<string, string>, query = '') => ok(app, headers, 'GET', `/api/v1/inquiries${query}`).then((r) => r.json().items.map((item: { id: string }) => item.id));
  // (Both asked at the test clock's one instant: the order is then by id, so compared as sets.)
  assert.deepEqual((await everywhere(admin, '?status=open')).sort(), [bens.id, anas.id].sort());
  assert.deepEqual(await everywhere(ana), [anas.id]);
  assert.deepEqual(await everywhere(ana, '?status=open'), [anas.id]);
  assert.deepEqual(await everywhere(ben), [bens.id]);
  await ok(app, admin, 'POST', `${url}/${bens.id}/resolve`, { note: 'Explained to Ben.' });
  assert.deepEqual(await everywhere(admin, '?status=open'), [anas.id]);
  assert.deepEqual(await everywhere(admin, '?status=resolved'), [bens.id]);
  assert.deepEqual(await everywhere(ana, '?status=resolved'), [], "Ben's resolved one is not hers");
  assert.equal((await call(app, admin, 'GET', '/api/v1/inquiries?status=closed')).statusCode, 400, 'a query the schema refuses');

  const refused: [unknown, number, string?][] = [
    [{ line: { payee: 'Ana Acq', index: 99 }, message: 'x' }, 422, '/line/index'],
    [{ line: { payee: 'Ana Acq', index: -1 }, message: 'x' }, 422],
    [{ line: { payee: 'Ana Acq', index: 0 }, message: '' }, 422],
    [{ line: { payee: 'Ana Acq', index: 0 }, message: '   ' }, 422],
    [{ line: { payee: 'Ana Acq', index: 0 }, message: 'x'.repeat(4001) }, 422],
    [{ line: { payee: 'Ana Acq' }, message: 'x' }, 422],
    [{ line: { payee: 'Ana Acq', index: 0 }, message: 'x', extra: 1 }, 422],
    [{ line: { payee: 'Ana Acq', index: 0 }, message: 'nul \u0000 here' }, 422],
  ];
  for (const [body, status, pointer] of refused) {
    const response = await call(app, ana, 'POST', url, body);
    assert.equal(response.statusCode, status, `${JSON.stringify(body)}: ${response.body}`);
    if (pointer) assert.equal(response.json().errors[0].pointer, pointer);
  }
  assert.equal((await call(app, ana, 'POST', '/api/v1/payouts/2025-08/inquiries', { line: { payee: 'Ana Acq', index: 0 }, message: 'x' })).statusCode, 404, 'a month without her statement');
  assert.equal((await call(app, admin, 'POST', url, { line: { payee: 'Nobody', index: 0 }, message: 'x' })).statusCode, 404);
  assert.equal((await call(app, admin, 'POST', `${url}/${randomUUID()}/resolve`, { note: 'x' })).statusCode, 404);
  assert.equal((await ok(app, admin, 'GET', url)).json().items.length, 2, 'nothing half-written');

  // Another tenant's admin sees none of them and reaches none.
  const other = bearer(await tokenFor({ orgId: uniqueOrg('other'), role: 'admin', sub: randomUUID() }));
  const response = await call(app, other, 'GET', url);
  assert.ok([402, 404].includes(response.statusCode), response.body);
  const theirs = await call(app, other, 'GET', '/api/v1/inquiries');
  assert.ok(theirs.statusCode === 402 || (theirs.statusCode === 200 && theirs.json().items.length === 0), theirs.body);
  assert.ok([402, 404].includes((await call(app, other, 'POST', `${url}/${anas.id}/resolve`, { note: 'x' })).statusCode));
});

test('a payee asks about a draft only when the tenant lets payees see drafts', async (t) => {
  const tenant = await payeeTenant(t);
  const dora = await tenant.payee({ name: 'Dora Dispo' });
  assert.equal((await call(tenant.app, dora, 'POST', url, { line: { payee: 'Dora Dispo', index: 0 }, message: 'x' })).statusCode, 404);
  await ok(tenant.app, tenant.admin, 'PUT', '/api/v1/settings', { payees_see_drafts: true });
  await ok(tenant.app, dora, 'POST', url, { line: { payee: 'Dora Dispo', index: 0 }, message: 'x' }, 201);
});
