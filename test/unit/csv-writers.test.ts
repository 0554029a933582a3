/**
 * Every CSV the platform writes (grep `csv-stringify` and `saveCsv`) neutralises a formula after
 * leading white space of any kind, through the one rule in src/domain/formula-cell.ts: the
 * commission export, the monthly statements, the payout CSV, the QuickBooks and Xero journals and
 * the web app's saved tables. Each leading character is tried in each writer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { toCsv as commissionCsv } from '../../src/domain/imports/csv.js';
import type { Payout, PayoutStatement } from '../../src/domain/payouts/calculate-payouts.js';
import { payoutCsv } from '../../src/domain/payouts/exports/payout-csv.js';
import { quickbooksJournal } from '../../src/domain/payouts/exports/quickbooks-journal.js';
import { xeroJournal } from '../../src/domain/payouts/exports/xero-journal.js';
import { statementsCsv } from '../../src/domain/reports/statements.js';
import { csvCell, toCsv as webCsv } from '../../web/src/csv.js';

/** Space, tab, NBSP, zero-width space / non-joiner / joiner, word joiner, Mongolian vowel separator, ideographic (full-width) space, BOM, en space, line separator. */
const LEADING = [' ', '\t', '\u00A0', '\u200B', '\u200C', '\u200D', '\u2060', '\u180E', '\u3000', '\uFEFF', '\u2002', '\u2028', ' \u00A0\u200B\u3000'];
const STARTS = ['=', '+', '-', '@', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];
const hostileNames = LEADING.flatMap((space) => STARTS.map((start) => `${space}${start}HYPERLINK("http://x","y")`));

const cells = (csv: string): string[] => (parse(csv, { relax_column_count: true }) as string[][]).flat();

/** The CSV holds the name with one quote before it, and never the bare name as a cell. */
function assertNeutralised(csv: string, name: string, writer: string) {
  const all = cells(csv);
  assert.ok(all.includes(`'${name}`), `${writer}: ${JSON.stringify(name)} is neutralised`);
  assert.ok(!all.includes(name), `${writer}: ${JSON.stringify(name)} is never written bare`);
}

const statement = (payee: string): PayoutStatement => ({
  payee,
  roles: ['acq'],
  total: 12.5,
  warnings: [],
  lines: [{ plan: 'Acq reps', plan_id: 'plan-1', plan_version: 1, component: 'tiers', label: payee, base: 'GP', rate: '0.1', bracket: '1 of 1', amount: '12.5' }],
});
const payoutOf = (payee: string): Payout => ({
  month: '2025-09',
  company_gp: 0,
  company_transactions: 0,
  total: 0,
  by_role: {},
  statements: [statement(payee)],
  uncovered: [],
  paid: [],
  draw_balances: [],
});
const SETTINGS = { expense_account: 'Commission Expense', payable_account: 'Commissions Payable', expense_account_code: '6100', payable_account_code: '2100', tax_rate: 'Tax Exempt' };

test('every CSV writer neutralises a formula after each kind of leading white space', () => {
  assert.equal(hostileNames.length, LEADING.length * STARTS.length);
  for (const name of hostileNames) {
    assertNeutralised(
      commissionCsv([{ month: '2025-09', agents: [{ name, type: 'acq', gp: 1000, deals: 1, commission: 100, market: name }], managers: [] }] as never),
      name,
      'commission export',
    );
    assertNeutralised(
      statementsCsv('2025-09', [{ payee_type: 'agent', name, agent_type: 'acq', manager: name, market: null, gp: 1000, deals: 1, terminations: 0, commission: 100, commission_pct: 10 }]),
      name,
      'statements',
    );
    assertNeutralised(payoutCsv(payoutOf(name), 'approved'), name, 'payout CSV');
    assertNeutralised(quickbooksJournal(payoutOf(name), SETTINGS, 'approved'), name, 'QuickBooks journal');
    // Xero puts the payee inside the description ("Commission 2025-09 <name>"), never first: its text
    // cells that can start with one are the settings' (refused on input too), tried here as written.
    assertNeutralised(xeroJournal(payoutOf('Pat Rowe'), { ...SETTINGS, tax_rate: name, tracking: { name, options: { acq: name } } }, 'approved'), name, 'Xero journal');
    assertNeutralised(webCsv(['payee', 'gp'], [[name, 1000]]), name, 'web app table');
  }
});

test('amounts stay numbers in every writer, and plain names after a space stay as they are', () => {
  assert.equal(csvCell(-250), '-250');
  assert.equal(csvCell('-250.00'), '-250.00', 'a clawback written as text in a template stays a number');
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('\u00A0Ada Quill'), '\u00A0Ada Quill');
  assert.equal(csvCell(null), '');
  const web = cells(webCsv(['payee', 'amount'], [['=1+1', -300], ['Pat Rowe', '-300.00']]));
  assert.deepEqual(web, ['payee', 'amount', "'=1+1", '-300', 'Pat Rowe', '-300.00']);
});
