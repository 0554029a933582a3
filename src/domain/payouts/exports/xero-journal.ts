/**
 * The month's journal as a Xero manual-journal import (Accounting > Manual journals > Import):
 * the columns Narration, Date (DD/MM/YYYY), Description, AccountCode, TaxRate, Amount; an amount
 * is a debit when positive and a credit when negative; rows sharing a narration and date are one
 * journal, which must balance. TaxRate is the tax rate's name as in the organisation's tax
 * settings ("Tax Exempt"), on every line, as Xero requires one per line. TrackingName1 and
 * TrackingOption1 are added when the settings name a tracking category (the option by the
 * person's role, on expense lines). Xero has no Name column: the person is in the Description.
 * Text cells are formula-safe as every export (imports/csv.ts); a credit's -250.00 stays a number.
 *
 * Xero imports at most 300 lines per template file (help.xero.com, "Enter multiple manual journals
 * using an import template"). A month with more lines is written as parts (xeroJournalParts): each
 * file at most 300 rows counting its header, each part one balanced journal of whole statements with
 * its own payable credit, its narration saying "part i of n".
 */
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../../imports/csv.js';
import type { AccountingSettings } from '../../../schemas/settings.js';
import type { Payout } from '../calculate-payouts.js';
import { amountText, buildJournal, inPayeeOrder, requireSettings, statementCents, type Journal, type MonthState } from './journal-entries.js';

const XERO_COLUMNS = ['Narration', 'Date', 'Description', 'AccountCode', 'TaxRate', 'Amount'] as const;

/** 2025-09-30 → 30/09/2025. */
const dayMonthYear = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** Rows per file Xero imports, counting the header row too (the conservative reading). */
export const XERO_MAX_ROWS = 300;

type Statements = Pick<Payout, 'month' | 'statements'>;

export function xeroJournal(payout: Statements, settings: AccountingSettings | null | undefined, state: MonthState): string {
  return xeroFile(buildJournal(payout, state), settings);
}

/**
 * The month as Xero files of at most XERO_MAX_ROWS rows: one file (the same bytes as xeroJournal)
 * when it fits, else parts of whole statements in payee order, each a balanced journal.
 */
export function xeroJournalParts(payout: Statements, settings: AccountingSettings | null | undefined, state: MonthState): string[] {
  const whole = buildJournal(payout, state);
  requireSettings(settings, ['expense_account_code', 'payable_account_code', 'tax_rate'], 'Xero');
  if (whole.lines.length + 1 <= XERO_MAX_ROWS) return [xeroFile(whole, settings)];
  // A paid person is one line, a clawback two; each part keeps a row for its payable credit.
  const room = XERO_MAX_ROWS - 2;
  const groups: (typeof payout.statements)[] = [[]];
  let used = 0;
  for (const statement of inPayeeOrder(payout.statements)) {
    const cents = statementCents(statement);
    const lines = cents === 0 ? 0 : cents > 0 ? 1 : 2;
    if (used + lines > room) {
      groups.push([]);
      used = 0;
    }
    groups.at(-1)!.push(statement);
    used += lines;
  }
  return groups.map((statements, index) => {
    const journal = buildJournal({ month: payout.month, statements }, state);
    return xeroFile({ ...journal, narration: `${journal.narration} (part ${index + 1} of ${groups.length})` }, settings);
  });
}

function xeroFile(journal: Journal, settings: AccountingSettings | null | undefined): string {
  const codes = requireSettings(settings, ['expense_account_code', 'payable_account_code', 'tax_rate'], 'Xero');
  const tracking = settings?.tracking;
  const rows: string[][] = [tracking ? [...XERO_COLUMNS, 'TrackingName1', 'TrackingOption1'] : [...XERO_COLUMNS]];
  for (const line of journal.lines) {
    const row = [
      neutraliseCell(journal.narration),
      dayMonthYear(journal.date),
      neutraliseCell(line.description),
      neutraliseCell(line.account === 'expense' ? codes.expense_account_code : codes.payable_account_code),
      neutraliseCell(codes.tax_rate),
      amountText(line.side === 'debit' ? line.cents : -line.cents),
    ];
    if (tracking) {
      const option = line.account === 'expense' && line.role ? tracking.options[line.role] : undefined;
      row.push(option === undefined ? '' : neutraliseCell(tracking.name), neutraliseCell(option ?? ''));
    }
    rows.push(row);
  }
  return stringify(rows, { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true });
}
