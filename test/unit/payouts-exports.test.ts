/**
 * The payout exports (issue 16): the CSV, the QuickBooks Online journal-entry import and the Xero
 * manual-journal import of a worked month, each figure worked out by hand below.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { AppError } from '../../src/domain/app-error.js';
import type { Adjustment, Closing } from '../../src/domain/closings/closing.js';
import { calculatePayouts, type Payout, type PayoutStatement } from '../../src/domain/payouts/calculate-payouts.js';
import { lastDayOf } from '../../src/domain/payouts/exports/journal-entries.js';
import { payoutCsv, PAYOUT_CSV_COLUMNS } from '../../src/domain/payouts/exports/payout-csv.js';
import { quickbooksJournal } from '../../src/domain/payouts/exports/quickbooks-journal.js';
import { xeroJournal } from '../../src/domain/payouts/exports/xero-journal.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import type { AccountingSettings } from '../../src/schemas/settings.js';
import { inForce } from './payouts-support.js';

const SETTINGS: AccountingSettings = {
  expense_account: 'Commission Expense',
  payable_account: 'Commissions Payable',
  expense_account_code: '6100',
  payable_account_code: '2100',
  tax_rate: 'Tax Exempt',
};

// The month, by hand:
// - Kyle Singer (acq): 70,000 GP graduated 50,000 × 10% + 20,000 × 8% = 6,600.00
// - Vincent Gnapi (dispo): 12,345.67 × 10% = 1,234.567 → 1,234.57 (half-up, once)
// - Maegan Grace (manager of both sides): team GP 70,000 + 12,345.67 = 82,345.67 × 1% = 823.4567 → 823.46
// - Pat Rowe (acq): 1,000 × 10% = 100.00, less a 400.00 clawback = -300.00 (owes it back)
// - Rita Rookie (adjustments only): 250.00 sprint
// Paid: 6,600.00 + 1,234.57 + 823.46 + 250.00 = 8,908.03 (the one payable credit).
// Pat's -300.00: expense credited 300.00, payable debited 300.00 with Pat as Name.
// Debits 8,908.03 + 300.00 = 9,208.03 = credits 8,908.03 + 300.00.
const CLOSINGS: Closing[] = [
  { id: 'D1', gp: 70000, sides: [{ role: 'acq', agent: 'Kyle Singer', manager: 'Maegan Grace' }, { role: 'dispo', agent: null }] },
  { id: 'D2', gp: 12345.67, sides: [{ role: 'acq', agent: null }, { role: 'dispo', agent: 'Vincent Gnapi', manager: 'Maegan Grace' }] },
  { id: 'D3', gp: 1000, sides: [{ role: 'acq', agent: 'Pat Rowe' }, { role: 'dispo', agent: null }] },
];
const ADJUSTMENTS: Adjustment[] = [
  { payee: 'Pat Rowe', amount: -400, reason: 'correction', note: 'D0 terminated after payment' },
  { payee: 'Rita Rookie', amount: 250, reason: 'sprint', note: 'Week 2 sprint winner' },
];
const PLANS: PlanDefinition[] = [
  { name: 'Acq reps', applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 50000, rate: 0.1 }, { up_to: null, rate: 0.08 }] } },
  { name: 'Dispo reps', applies_to: ['dispo'], basis: 'month', tiers: { measure: 'gp', mode: 'retroactive', brackets: [{ up_to: null, rate: 0.1 }] } },
  { name: 'Managers', applies_to: ['manager'], basis: 'month', components: [{ type: 'rate', measure: 'team_gp', rate: 0.01 }] },
];

const PAYOUT: Payout = calculatePayouts({ month: '2025-09', closings: CLOSINGS, adjustments: ADJUSTMENTS, plans: inForce(PLANS) });

const rows = (csv: string): string[][] => parse(csv, { relax_column_count: true }) as string[][];

const statement = (payee: string, total: number, roles: string[] = ['acq']): PayoutStatement => ({
  payee,
  roles,
  total,
  warnings: [],
  lines: [{ plan: 'Acq reps', plan_id: 'plan-1', plan_version: 1, component: 'tiers', label: 'Commission', base: 'GP', rate: '0.1', bracket: '1 of 1', amount: String(total) }],
});
const payoutOf = (statements: PayoutStatement[], month = '2025-09'): Payout => ({
  month,
  company_gp: 0,
  company_transactions: 0,
  total: 0,
  by_role: {},
  statements,
  uncovered: [],
  paid: [],
  draw_balances: [],
});

describe('the worked month', () => {
  it('is the month worked out by hand', () => {
    assert.deepEqual(
      Object.fromEntries(PAYOUT.statements.map((s) => [s.payee, s.total])),
      { 'Kyle Singer': 6600, 'Vincent Gnapi': 1234.57, 'Maegan Grace': 823.46, 'Pat Rowe': -300, 'Rita Rookie': 250 },
    );
  });
});

describe('QuickBooks Online journal', () => {
  it('is exactly the documented import: one debit per person paid, one credit to payable, a clawback reversed', () => {
    assert.equal(
      quickbooksJournal(PAYOUT, SETTINGS, 'approved'),
      [
        'Journal No.,Journal Date,Account Name,Debits,Credits,Description,Name',
        'COMM-2025-09,09/30/2025,Commission Expense,6600.00,,Commission 2025-09 Kyle Singer,Kyle Singer',
        'COMM-2025-09,09/30/2025,Commission Expense,823.46,,Commission 2025-09 Maegan Grace,Maegan Grace',
        'COMM-2025-09,09/30/2025,Commission Expense,,300.00,Commission clawback 2025-09 Pat Rowe (owed back),Pat Rowe',
        'COMM-2025-09,09/30/2025,Commissions Payable,300.00,,Commission clawback 2025-09 Pat Rowe (owed back),Pat Rowe',
        'COMM-2025-09,09/30/2025,Commission Expense,250.00,,Commission 2025-09 Rita Rookie,Rita Rookie',
        'COMM-2025-09,09/30/2025,Commission Expense,1234.57,,Commission 2025-09 Vincent Gnapi,Vincent Gnapi',
        'COMM-2025-09,09/30/2025,Commissions Payable,,8908.03,Commissions payable 2025-09 (4 people),',
        '',
      ].join('\r\n'),
    );
  });

  it('balances to the cent, never writes a negative amount, and fills exactly one of Debits and Credits', () => {
    const [header, ...data] = rows(quickbooksJournal(PAYOUT, SETTINGS, 'approved'));
    assert.deepEqual(header, ['Journal No.', 'Journal Date', 'Account Name', 'Debits', 'Credits', 'Description', 'Name']);
    let debits = 0;
    let credits = 0;
    for (const row of data) {
      const [debit = '', credit = ''] = [row[3], row[4]];
      assert.ok((debit === '') !== (credit === ''), `exactly one side: ${row.join(',')}`);
      for (const cell of [debit, credit].filter((c) => c !== '')) assert.match(cell, /^\d+\.\d\d$/);
      debits += debit === '' ? 0 : Math.round(Number(debit) * 100);
      credits += credit === '' ? 0 : Math.round(Number(credit) * 100);
    }
    assert.equal(debits, 920803);
    assert.equal(credits, 920803);
    const expenseDebits = data.filter((row) => row[2] === 'Commission Expense' && row[3] !== '');
    assert.deepEqual(expenseDebits.map((row) => row[6]).sort(), ['Kyle Singer', 'Maegan Grace', 'Rita Rookie', 'Vincent Gnapi']);
  });

  it('adds a Class column from the person’s primary role when the settings name classes', () => {
    const settings = { ...SETTINGS, classes: { manager: 'Management', acq: 'Acquisitions' } };
    const [header, ...data] = rows(quickbooksJournal(PAYOUT, settings, 'approved'));
    assert.deepEqual(header?.at(-1), 'Class');
    const classOf = Object.fromEntries(data.filter((row) => row[2] === 'Commission Expense').map((row) => [row[6], row[7]]));
    // Vincent is dispo (no class named), Rita has no role (other).
    assert.deepEqual(classOf, { 'Kyle Singer': 'Acquisitions', 'Maegan Grace': 'Management', 'Pat Rowe': 'Acquisitions', 'Rita Rookie': '', 'Vincent Gnapi': '' });
    assert.ok(data.filter((row) => row[2] === 'Commissions Payable').every((row) => row[7] === ''));
  });
});

describe('Xero manual journal', () => {
  it('is exactly the documented import: debits positive, credits negative, TaxRate by name', () => {
    assert.equal(
      xeroJournal(PAYOUT, SETTINGS, 'approved'),
      [
        'Narration,Date,Description,AccountCode,TaxRate,Amount',
        'Commissions 2025-09,30/09/2025,Commission 2025-09 Kyle Singer,6100,Tax Exempt,6600.00',
        'Commissions 2025-09,30/09/2025,Commission 2025-09 Maegan Grace,6100,Tax Exempt,823.46',
        'Commissions 2025-09,30/09/2025,Commission clawback 2025-09 Pat Rowe (owed back),6100,Tax Exempt,-300.00',
        'Commissions 2025-09,30/09/2025,Commission clawback 2025-09 Pat Rowe (owed back),2100,Tax Exempt,300.00',
        'Commissions 2025-09,30/09/2025,Commission 2025-09 Rita Rookie,6100,Tax Exempt,250.00',
        'Commissions 2025-09,30/09/2025,Commission 2025-09 Vincent Gnapi,6100,Tax Exempt,1234.57',
        'Commissions 2025-09,30/09/2025,Commissions payable 2025-09 (4 people),2100,Tax Exempt,-8908.03',
        '',
      ].join('\r\n'),
    );
  });

  it('sums to zero and adds tracking from the role when the settings name a category', () => {
    const settings = { ...SETTINGS, tracking: { name: 'Team', options: { dispo: 'Dispositions', manager: 'Leads' } } };
    const [header, ...data] = rows(xeroJournal(PAYOUT, settings, 'approved'));
    assert.deepEqual(header, ['Narration', 'Date', 'Description', 'AccountCode', 'TaxRate', 'Amount', 'TrackingName1', 'TrackingOption1']);
    assert.equal(data.reduce((sum, row) => sum + Math.round(Number(row[5]) * 100), 0), 0);
    const tracked = data.filter((row) => row[6] !== '').map((row) => [row[2], row[6], row[7]]);
    assert.deepEqual(tracked, [
      ['Commission 2025-09 Maegan Grace', 'Team', 'Leads'],
      ['Commission 2025-09 Vincent Gnapi', 'Team', 'Dispositions'],
    ]);
  });
});

describe('both journals', () => {
  it('say DRAFT in every narration and description of a draft month, under another journal number', () => {
    const [, ...qb] = rows(quickbooksJournal(PAYOUT, SETTINGS, 'draft'));
    assert.ok(qb.every((row) => row[0] === 'DRAFT-COMM-2025-09' && row[5]?.startsWith('DRAFT (not approved) - ')));
    const [, ...xero] = rows(xeroJournal(PAYOUT, SETTINGS, 'draft'));
    assert.ok(xero.every((row) => row[0] === 'DRAFT (not approved) - Commissions 2025-09' && row[2]?.startsWith('DRAFT (not approved) - ')));
    const [, ...approved] = rows(xeroJournal(PAYOUT, SETTINGS, 'approved'));
    assert.ok(approved.every((row) => !row.join(',').includes('DRAFT')));
  });

  it('are byte-identical for the same payout, whatever order its statements come in', () => {
    const shuffled: Payout = { ...PAYOUT, statements: [...PAYOUT.statements].reverse() };
    for (const write of [quickbooksJournal, xeroJournal]) {
      assert.equal(write(shuffled, SETTINGS, 'approved'), write(PAYOUT, SETTINGS, 'approved'));
    }
    assert.equal(payoutCsv(shuffled, 'approved'), payoutCsv(PAYOUT, 'approved'));
  });

  it('date the journal on the month’s last day', () => {
    assert.equal(lastDayOf('2024-02'), '2024-02-29');
    assert.equal(lastDayOf('2025-02'), '2025-02-28');
    assert.equal(lastDayOf('2025-12'), '2025-12-31');
    assert.match(quickbooksJournal(payoutOf([statement('A', 1)], '2024-02'), SETTINGS, 'approved'), /,02\/29\/2024,/);
    assert.match(xeroJournal(payoutOf([statement('A', 1)], '2024-02'), SETTINGS, 'approved'), /,29\/02\/2024,/);
  });

  it('answer 422 naming every missing setting', () => {
    const check = (run: () => unknown, missing: string[]) =>
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.kind, 'invalid');
        assert.deepEqual(error.errors?.map((e) => e.pointer), missing.map((key) => `/accounting/${key}`));
        for (const key of missing) assert.ok(error.message.includes(key), error.message);
        return true;
      });
    check(() => quickbooksJournal(PAYOUT, {}, 'approved'), ['expense_account', 'payable_account']);
    check(() => quickbooksJournal(PAYOUT, null, 'approved'), ['expense_account', 'payable_account']);
    check(() => quickbooksJournal(PAYOUT, { expense_account: 'Commission Expense' }, 'approved'), ['payable_account']);
    // The QuickBooks names do not make a Xero file.
    check(() => xeroJournal(PAYOUT, { expense_account: 'E', payable_account: 'P' }, 'approved'), ['expense_account_code', 'payable_account_code', 'tax_rate']);
    check(() => xeroJournal(PAYOUT, { ...SETTINGS, tax_rate: '  ' }, 'approved'), ['tax_rate']);
  });

  it('neutralise a name that would start a formula, and leave amounts numbers', () => {
    const payout = payoutOf([statement('=HYPERLINK("http://x","y")', 12.5), statement('@SUM(A1)', -3)]);
    const qb = rows(quickbooksJournal(payout, SETTINGS, 'approved'));
    assert.deepEqual(qb.slice(1).map((row) => row[6]), [`'=HYPERLINK("http://x","y")`, `'@SUM(A1)`, `'@SUM(A1)`, '']);
    const xero = rows(xeroJournal(payout, SETTINGS, 'approved'));
    assert.deepEqual(xero.slice(1).map((row) => row[5]), ['12.50', '-3.00', '3.00', '-12.50']);
  });

  it('balance for any month: one expense debit per person paid, no negative QuickBooks amount, Xero summing to 0', () => {
    const totals = fc.array(fc.integer({ min: -5_000_000, max: 50_000_000 }), { maxLength: 40 });
    fc.assert(
      fc.property(totals, (cents) => {
        const payout = payoutOf(cents.map((c, i) => statement(`Person ${String(i).padStart(2, '0')}`, c / 100)));
        const qb = rows(quickbooksJournal(payout, SETTINGS, 'approved')).slice(1);
        const toCents = (cell: string | undefined) => (cell ? Math.round(Number(cell) * 100) : 0);
        const debits = qb.reduce((sum, row) => sum + toCents(row[3]), 0);
        const credits = qb.reduce((sum, row) => sum + toCents(row[4]), 0);
        const positive = cents.filter((c) => c > 0);
        const negative = cents.filter((c) => c < 0);
        // Independently: debits = paid + |clawbacks| = credits.
        const expected = positive.reduce((a, b) => a + b, 0) - negative.reduce((a, b) => a + b, 0);
        assert.equal(debits, expected);
        assert.equal(credits, expected);
        assert.ok(qb.every((row) => !String(row[3]).startsWith('-') && !String(row[4]).startsWith('-')));
        assert.equal(qb.filter((row) => row[2] === 'Commission Expense' && row[3] !== '').length, positive.length);
        assert.equal(qb.filter((row) => row[2] === 'Commissions Payable' && row[4] !== '').length, positive.length > 0 ? 1 : 0);
        const xero = rows(xeroJournal(payout, SETTINGS, 'approved')).slice(1);
        assert.equal(xero.reduce((sum, row) => sum + toCents(row[5]), 0), 0);
        assert.equal(xero.length, qb.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('payout CSV', () => {
  it('has one row per payee and line, with the month and its state on every row', () => {
    const [header, ...data] = rows(payoutCsv(PAYOUT, 'draft'));
    assert.deepEqual(header, [...PAYOUT_CSV_COLUMNS]);
    const lineCount = PAYOUT.statements.reduce((n, s) => n + s.lines.length, 0);
    assert.equal(data.length, lineCount);
    assert.ok(data.every((row) => row[0] === '2025-09' && row[1] === 'draft'));
    const pat = data.filter((row) => row[2] === 'Pat Rowe');
    // Pat: the acq plan's line and the clawback, each with the statement's rounded total.
    assert.deepEqual(pat.map((row) => [row[4], row[5], row[8], row[13], row[14]]), [
      ['-300.00', '1', 'tiers', '100', ''],
      ['-300.00', '2', 'adjustment', '-400', 'correction'],
    ]);
    // Each statement's exact line amounts add up to its total (Vincent: 1234.567 → 1234.57).
    const vincent = data.filter((row) => row[2] === 'Vincent Gnapi');
    assert.deepEqual(vincent.map((row) => [row[11], row[13]]), [['0.1', '1234.567']]);
  });

  it('is formula-safe and keeps a payee without lines', () => {
    const empty: PayoutStatement = { payee: '-2+3', roles: [], total: 0, lines: [], warnings: [] };
    const data = rows(payoutCsv(payoutOf([empty, statement('+cmd', 1)]), 'approved')).slice(1);
    assert.deepEqual(data.map((row) => [row[2], row[5], row.length]), [
      ["'+cmd", '1', PAYOUT_CSV_COLUMNS.length],
      ["'-2+3", '', PAYOUT_CSV_COLUMNS.length],
    ]);
  });
});
