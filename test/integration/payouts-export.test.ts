/**
 * GET /payouts/{month}/export through the API on the worked month (test/helpers/payouts-month.ts,
 * statements worked by hand, total 19,920.77): CSV and both journals with their content type and
 * file name, balanced to the cent with one debit line per paid person; a draft that says DRAFT
 * everywhere; an approved month that is the same bytes on every download, a plan change
 * included; 404 before a calculation and 422 naming the accounting settings still missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { ACCOUNTING, call, ok, setup, workedMonth } from '../helpers/payouts-api.js';
import { EXPECTED, EXPECTED_TOTAL, MONTH } from '../helpers/payouts-month.js';
import { parseAmountText } from '../../src/domain/money.js';

const rows = (body: string) => parse(body, { bom: false }) as string[][];
const cents = (text: string) => {
  const value = parseAmountText(text);
  assert.notEqual(value, null, `not an amount: ${text}`);
  return value!;
};
const exportUrl = (format: string, extra = '') => `/api/v1/payouts/${MONTH}/export?format=${format}${extra}`;
// 19,920.77 as cents, the sum of the hand-worked statements.
const TOTAL_CENTS = 1_992_077;
const PAID = Object.keys(EXPECTED).sort((a, b) => (a < b ? -1 : 1));

test('exports of the worked month: CSV and balanced QuickBooks and Xero journals, DRAFT while a draft, settings named when missing', async (t) => {
  const { app, admin, member } = await setup(t);
  await workedMonth(app, admin);
  const missing = await call(app, member, 'GET', exportUrl('csv'));
  assert.equal(missing.statusCode, 404, 'nothing to export before the first calculation');
  const payout = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).json();

  // CSV, as a member (exports are for everyone who reads payouts): one row per payee and line.
  const csv = await ok(app, member, 'GET', exportUrl('csv'));
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(csv.headers['content-disposition'], `attachment; filename="payouts-${MONTH}-draft.csv"`);
  const [csvHeader, ...csvRows] = rows(csv.body);
  assert.equal(csvHeader![0], 'month');
  const lines = payout.statements.reduce((sum: number, statement: { lines: unknown[] }) => sum + statement.lines.length, 0);
  assert.equal(csvRows.length, lines);
  assert.ok(csvRows.every((row) => row[0] === MONTH && row[1] === 'draft'));
  assert.equal((await ok(app, member, 'GET', `/api/v1/payouts/${MONTH}/export`)).body, csv.body, 'csv is the default format');

  // The journals need their accounts: 422 naming every one that is missing.
  const qbMissing = await call(app, member, 'GET', exportUrl('quickbooks'));
  assert.equal(qbMissing.statusCode, 422, qbMissing.body);
  assert.equal(qbMissing.json().type, '/problems/accounting-settings-missing');
  assert.deepEqual(qbMissing.json().missing, ['accounting.expense_account', 'accounting.payable_account']);
  const xeroMissing = await call(app, member, 'GET', exportUrl('xero'));
  assert.equal(xeroMissing.statusCode, 422);
  assert.deepEqual(xeroMissing.json().missing, ['accounting.expense_account_code', 'accounting.payable_account_code', 'accounting.tax_rate']);
  assert.deepEqual(xeroMissing.json().errors.map((error: { pointer: string }) => error.pointer), ['/accounting/expense_account_code', '/accounting/payable_account_code', '/accounting/tax_rate']);
  await ok(app, admin, 'PUT', '/api/v1/settings', { accounting: ACCOUNTING });

  // QuickBooks: one debit per paid person (all eleven are paid), one credit of the total.
  const qb = await ok(app, member, 'GET', exportUrl('quickbooks'));
  assert.equal(qb.headers['content-disposition'], `attachment; filename="payouts-${MONTH}-draft-quickbooks.csv"`);
  const [qbHeader, ...qbRows] = rows(qb.body);
  assert.deepEqual(qbHeader, ['Journal No.', 'Journal Date', 'Account Name', 'Debits', 'Credits', 'Description', 'Name']);
  const debits = qbRows.filter((row) => row[3] !== '');
  const credits = qbRows.filter((row) => row[4] !== '');
  assert.deepEqual(debits.map((row) => row[6]), PAID, 'one debit line per paid person, the person as Name');
  assert.ok(debits.every((row) => row[2] === 'Commission Expense' && row[4] === ''));
  for (const row of debits) assert.equal(cents(row[3]!), Math.round(EXPECTED[row[6]!]! * 100), row[6]);
  assert.deepEqual(credits.map((row) => [row[2], row[4], row[6]]), [['Commissions Payable', '19920.77', '']]);
  assert.equal(debits.reduce((sum, row) => sum + cents(row[3]!), 0), TOTAL_CENTS, 'debits are the hand-worked total to the cent');
  assert.ok(qbRows.every((row) => row[0] === `DRAFT-COMM-${MONTH}` && row[1] === '09/30/2025' && row[5]!.startsWith('DRAFT')));
  assert.ok(qbRows.every((row) => !row[3]!.startsWith('-') && !row[4]!.startsWith('-')), 'no negative amounts in QuickBooks');

  // Xero: debits positive, the credit negative, the lines add up to 0.00.
  const xero = await ok(app, member, 'GET', exportUrl('xero'));
  assert.equal(xero.headers['content-disposition'], `attachment; filename="payouts-${MONTH}-draft-xero.csv"`);
  const [xeroHeader, ...xeroRows] = rows(xero.body);
  assert.deepEqual(xeroHeader, ['Narration', 'Date', 'Description', 'AccountCode', 'TaxRate', 'Amount']);
  const positive = xeroRows.filter((row) => cents(row[5]!) > 0);
  assert.equal(positive.length, PAID.length);
  assert.ok(positive.every((row) => row[3] === '6100' && row[4] === 'Tax Exempt'));
  assert.deepEqual(xeroRows.filter((row) => cents(row[5]!) < 0).map((row) => [row[3], row[5]]), [['2100', '-19920.77']]);
  assert.equal(xeroRows.reduce((sum, row) => sum + cents(row[5]!), 0), 0, 'the journal balances to the cent');
  assert.ok(xeroRows.every((row) => row[0]!.startsWith('DRAFT') && row[2]!.startsWith('DRAFT') && row[1] === '30/09/2025'));
  for (const payee of PAID) assert.equal(positive.filter((row) => row[2]!.endsWith(` ${payee}`)).length, 1, `${payee} in one Description`);
  assert.equal(EXPECTED_TOTAL, 19920.77);

  // One file: part 1 is the file, part 2 does not exist; csv has no parts.
  assert.equal((await ok(app, member, 'GET', exportUrl('xero', '&part=1'))).body, xero.body);
  for (const url of [exportUrl('xero', '&part=2'), exportUrl('csv', '&part=2')]) {
    const refused = await call(app, member, 'GET', url);
    assert.equal(refused.statusCode, 422, url);
    assert.equal(refused.json().errors[0].pointer, '/part');
  }
  const unknown = await call(app, member, 'GET', exportUrl('sage'));
  assert.equal(unknown.statusCode, 400, unknown.body);
});

test('an approved month exports the same bytes on every download, after a plan change too, and without DRAFT', async (t) => {
  const { app, admin, member } = await setup(t);
  const { plans } = await workedMonth(app, admin);
  await ok(app, admin, 'PUT', '/api/v1/settings', { accounting: ACCOUNTING });
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  const download = async () => {
    const files: Record<string, string> = {};
    for (const format of ['csv', 'quickbooks', 'xero']) {
      const response = await ok(app, member, 'GET', exportUrl(format));
      files[format] = `${response.headers['content-disposition']}\n${response.body}`;
    }
    return files;
  };
  const first = await download();
  assert.match(first.csv!, /filename="payouts-2025-09\.csv"/);
  assert.match(first.quickbooks!, /filename="payouts-2025-09-quickbooks\.csv"/);
  assert.match(first.xero!, /filename="payouts-2025-09-xero\.csv"/);
  for (const file of Object.values(first)) assert.doesNotMatch(file, /DRAFT/);
  assert.ok(rows(first.csv!.split('\n').slice(1).join('\n')).slice(1).every((row) => row[1] === 'approved'));
  assert.match(first.quickbooks!, /\r\nCOMM-2025-09,09\/30\/2025,Commissions Payable,,19920\.77,/);
  assert.deepEqual(await download(), first, 'a second download is byte-identical');

  // The acq rep plan pays double from September on: the approved month's files do not move.
  const acq = plans.find((plan) => plan.definition.name === 'Acq reps')!;
  const doubled = structuredClone(acq.definition) as unknown as { tiers: { brackets: { from: number; rate: number }[] } };
  doubled.tiers.brackets = doubled.tiers.brackets.map((bracket) => ({ ...bracket, rate: bracket.rate * 2 }));
  await ok(app, admin, 'PUT', `/api/v1/plans/${acq.id}`, { ...doubled, name: 'Acq reps (doubled)', effective_from: MONTH });
  assert.deepEqual(await download(), first, 'byte-identical after a plan change');
});

test('an approved month keeps the accounting settings of its approval: new accounts reach its journals only through a new approval', async (t) => {
  const { app, admin, member } = await setup(t);
  await workedMonth(app, admin);
  await ok(app, admin, 'PUT', '/api/v1/settings', { accounting: ACCOUNTING });
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  const journals = async () => ({
    quickbooks: (await ok(app, member, 'GET', exportUrl('quickbooks'))).body,
    xero: (await ok(app, member, 'GET', exportUrl('xero'))).body,
  });
  const approved = await journals();
  assert.match(approved.quickbooks, /,Commission Expense,/);
  assert.match(approved.xero, /,6100,Tax Exempt,/);

  // The bookkeeper renames the accounts and renumbers the codes: the approved month's files stay byte for byte.
  const renamed = { expense_account: 'Sales Commissions', payable_account: 'Accrued Commissions', expense_account_code: '6150', payable_account_code: '2150', tax_rate: 'No VAT' };
  await ok(app, admin, 'PUT', '/api/v1/settings', { accounting: renamed });
  assert.deepEqual(await journals(), approved, 'byte-identical after the accounts changed');
  // Removing them altogether changes nothing either.
  await ok(app, admin, 'PUT', '/api/v1/settings', { accounting: {} });
  assert.deepEqual(await journals(), approved, 'byte-identical with no accounts set today');
  await ok(app, admin, 'PUT', '/api/v1/settings', { accounting: renamed });

  // Reopened, the month is a draft: it exports with today's accounts (and says DRAFT).
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/reopen`, { reason: 'new chart of accounts' });
  const draft = await journals();
  assert.match(draft.quickbooks, /^DRAFT-COMM-2025-09,09\/30\/2025,Sales Commissions,/m);
  assert.doesNotMatch(draft.quickbooks, /Commission Expense/);
  // Approved again: the renamed accounts, every other byte as before (19,920.77 credited to the new payable account).
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  const again = await journals();
  const rename = (text: string) =>
    text
      .replaceAll('Commission Expense', 'Sales Commissions')
      .replaceAll('Commissions Payable', 'Accrued Commissions')
      .replaceAll(',6100,Tax Exempt,', ',6150,No VAT,')
      .replaceAll(',2100,Tax Exempt,', ',2150,No VAT,');
  assert.equal(again.quickbooks, rename(approved.quickbooks));
  assert.equal(again.xero, rename(approved.xero));
  assert.match(again.quickbooks, /\r\nCOMM-2025-09,09\/30\/2025,Accrued Commissions,,19920\.77,/);
  await ok(app, admin, 'PUT', '/api/v1/settings', { accounting: ACCOUNTING });
  assert.deepEqual(await journals(), again, 'the new approval keeps its own settings in turn');
});

test('a month approved before its accounts were set: its journals answer 409 until it is approved again', async (t) => {
  const { app, admin, member } = await setup(t);
  await workedMonth(app, admin);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  const before = await call(app, member, 'GET', exportUrl('quickbooks'));
  assert.equal(before.statusCode, 409, before.body);
  await ok(app, admin, 'PUT', '/api/v1/settings', { accounting: ACCOUNTING });
  const after = await call(app, member, 'GET', exportUrl('xero'));
  assert.equal(after.statusCode, 409, after.body);
  assert.equal(after.json().type, '/problems/approved-without-accounting');
  assert.deepEqual(after.json().missing, ['accounting.expense_account_code', 'accounting.payable_account_code', 'accounting.tax_rate']);
  assert.match(after.json().detail, /reopen the month and approve it again/);
  // The CSV needs no accounts: it exports all along.
  await ok(app, member, 'GET', exportUrl('csv'));
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/reopen`, { reason: 'accounts set' });
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  assert.match((await ok(app, member, 'GET', exportUrl('xero'))).body, /,6100,Tax Exempt,/);
});
