/**
 * Xero imports at most 300 lines per manual-journal template file (help.xero.com, "Enter multiple
 * manual journals using an import template"): a month with more lines is written as parts, each
 * file at most 300 rows counting its header, each part a balanced journal of whole statements.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { PayoutStatement } from '../../src/domain/payouts/calculate-payouts.js';
import { parseAmountText } from '../../src/domain/money.js';
import { XERO_MAX_ROWS, xeroJournal, xeroJournalParts } from '../../src/domain/payouts/exports/xero-journal.js';
import type { AccountingSettings } from '../../src/schemas/settings.js';

const SETTINGS: AccountingSettings = { expense_account_code: '6100', payable_account_code: '2100', tax_rate: 'Tax Exempt' };

const statement = (payee: string, total: number): PayoutStatement => ({ payee, roles: ['acq'], total, warnings: [], lines: [] });
const rows = (csv: string) => parse(csv) as string[][];
const cents = (text: string) => parseAmountText(text)!;
const people = (count: number, total: (index: number) => number) =>
  Array.from({ length: count }, (_, index) => statement(`Rep ${String(index).padStart(4, '0')}`, total(index)));

describe('xeroJournalParts', () => {
  it('is the single file of xeroJournal while the month fits 300 rows', () => {
    // 298 people paid + 1 payable credit + the header = 300 rows.
    const payout = { month: '2025-09', statements: people(298, () => 10) };
    const parts = xeroJournalParts(payout, SETTINGS, 'approved');
    assert.equal(parts.length, 1);
    assert.equal(parts[0], xeroJournal(payout, SETTINGS, 'approved'));
    assert.equal(rows(parts[0]!).length, XERO_MAX_ROWS);
  });

  it('splits a larger month into balanced parts of whole statements, every person once, at most 300 rows each', () => {
    // 700 people at 1.01 each, every 50th a clawback of -5.00 (two lines: expense credit, payable
    // debit), four at 0 (no line). Paid: 700 - 14 clawbacks - 4 zeros = 682 people × 1.01 = 688.82;
    // clawbacks 14 × 5.00 = 70.00. Lines: 682 + 28 + credits; the split is into 3 parts.
    const total = (index: number) => (index % 50 === 0 ? -5 : index % 175 === 1 ? 0 : 1.01);
    const payout = { month: '2025-09', statements: people(700, total).reverse() };
    const parts = xeroJournalParts(payout, SETTINGS, 'draft');
    assert.equal(parts.length, 3);
    const seen: string[] = [];
    let paidCents = 0;
    parts.forEach((file, index) => {
      const [header, ...data] = rows(file);
      assert.equal(header![0], 'Narration');
      assert.ok(data.length + 1 <= XERO_MAX_ROWS, `part ${index + 1} has ${data.length + 1} rows`);
      assert.equal(data.reduce((sum, row) => sum + cents(row[5]!), 0), 0, `part ${index + 1} balances`);
      assert.ok(data.every((row) => row[0] === `DRAFT (not approved) - Commissions 2025-09 (part ${index + 1} of 3)`));
      for (const row of data) {
        if (row[3] === '6100') seen.push(row[2]!.replace(/.* (Rep \d+).*/, '$1'));
        if (row[3] === '2100' && cents(row[5]!) < 0) paidCents -= cents(row[5]!);
      }
    });
    const expected = people(700, total).filter((entry) => entry.total !== 0).map((entry) => entry.payee);
    assert.deepEqual(seen, expected, 'every person with a line once, in payee order, a statement never split');
    assert.equal(paidCents, 68_882, 'the payable credits add up to 688.82');
  });
});
