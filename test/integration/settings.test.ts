/**
 * Accounting settings on PUT /api/v1/settings (issue 16): stored beside the termination threshold,
 * each changed without touching the other, checked strictly, read back by members.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { ACCOUNTING as JOURNAL_ACCOUNTS } from '../helpers/payouts-api.js';

const ACCOUNTING = {
  ...JOURNAL_ACCOUNTS,
  classes: { manager: 'Management', acq: 'Acquisitions' },
  tracking: { name: 'Team', options: { dispo: 'Dispositions' } },
};

test('accounting settings: stored and read back, independent of the threshold, admins only', async (t) => {
  const app = await testApp(t);
  const org = uniqueOrg('settings');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  const put = (headers: Record<string, string>, payload: unknown) => app.inject({ method: 'PUT', url: '/api/v1/settings', headers, payload: payload as object });
  const read = async () => (await app.inject({ url: '/api/v1/settings', headers: member })).json();

  assert.deepEqual(await read(), { termination_threshold: 0.15, accounting: {}, payees_see_drafts: false });
  assert.equal((await put(member, { accounting: ACCOUNTING })).statusCode, 403);

  // A first write of accounting alone keeps the default threshold.
  const first = await put(admin, { accounting: { ...ACCOUNTING, expense_account: '  Commission Expense ' } });
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual(first.json(), { termination_threshold: 0.15, accounting: ACCOUNTING, payees_see_drafts: false }, 'names are stored trimmed');
  assert.deepEqual(await read(), { termination_threshold: 0.15, accounting: ACCOUNTING, payees_see_drafts: false });

  // The threshold alone (as the web app sends it) leaves accounting as it was, and the other way round.
  assert.equal((await put(admin, { termination_threshold: 0.2 })).statusCode, 200);
  assert.deepEqual(await read(), { termination_threshold: 0.2, accounting: ACCOUNTING, payees_see_drafts: false });
  const names = { expense_account: 'Commission Expense', payable_account: 'Commissions Payable' };
  assert.equal((await put(admin, { accounting: names })).statusCode, 200);
  assert.deepEqual(await read(), { termination_threshold: 0.2, accounting: names, payees_see_drafts: false }, 'accounting is replaced whole');
  // Payees' drafts (default off) alone leaves the rest as it was.
  assert.equal((await put(member, { payees_see_drafts: true })).statusCode, 403);
  assert.equal((await put(admin, { payees_see_drafts: true })).statusCode, 200);
  assert.deepEqual(await read(), { termination_threshold: 0.2, accounting: names, payees_see_drafts: true });
  assert.equal((await put(admin, { payees_see_drafts: 'yes' })).statusCode, 422);
});

test('accounting settings: strict shape, named errors, nothing written', async (t) => {
  const app = await testApp(t);
  const admin = bearer(await tokenFor({ orgId: uniqueOrg('settings'), role: 'admin', sub: randomUUID() }));
  const put = (payload: unknown) => app.inject({ method: 'PUT', url: '/api/v1/settings', headers: admin, payload: payload as object });
  const refused = [
    {},
    { accounting: { expense_account: 'E', unknown: 'x' } },
    { accounting: { classes: { ceo: 'Board' } } },
    { accounting: { tracking: { options: {} } } },
    { accounting: { expense_account_code: '12345678901' } },
    { accounting: { tax_rate: 'Tax\nExempt' } },
    { accounting: { expense_account: '' } },
    { accounting: 'Commission Expense' },
  ];
  for (const payload of refused) {
    const response = await put(payload);
    assert.ok(response.statusCode === 400 || response.statusCode === 422, `${JSON.stringify(payload)}: ${response.statusCode} ${response.body}`);
  }
  const formula = await put({ accounting: { expense_account: '=cmd', payable_account: ' ', tracking: { name: 'Team', options: { acq: '@x' } } } });
  assert.equal(formula.statusCode, 422, formula.body);
  assert.deepEqual(
    formula.json().errors.map((e: { pointer: string }) => e.pointer),
    ['/accounting/expense_account', '/accounting/payable_account', '/accounting/tracking/options/acq'],
  );
  const read = await app.inject({ url: '/api/v1/settings', headers: admin });
  assert.deepEqual(read.json(), { termination_threshold: 0.15, accounting: {}, payees_see_drafts: false }, 'nothing was written');
});
