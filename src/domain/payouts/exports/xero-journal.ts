/**
 * The month's journal as a Xero manual-journal import (Accounting > Manual journals > Import):
 * the columns Narration, Date (DD/MM/YYYY), Description, AccountCode, TaxRate, Amount; an amount
 * is a debit when positive and a credit when negative; rows sharing a narration and date are one
 * journal, which must balance. TaxRate is the tax rate's name as in the organisation's tax
 * settings ("Tax Exempt"), on every line, as Xero requires one per line. TrackingName1 and
 * TrackingOption1 are added when the settings name a tracking category (the option by the
 * person's role, on expense lines). Xero has no Name column: the person is in the Description.
 * Text cells are formula-safe as every export (imports/csv.ts); a credit's -250.00 stays a number.
 */
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../../imports/csv.js';
import type { AccountingSettings } from '../../../schemas/settings.js';
import type { Payout } from '../calculate-payouts.js';
import { amountText, buildJournal, requireSettings, type MonthState } from './journal-entries.js';

export const XERO_COLUMNS = ['Narration', 'Date', 'Description', 'AccountCode', 'TaxRate', 'Amount'] as const;

/** 2025-09-30 → 30/09/2025. */
export const dayMonthYear = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export function xeroJournal(payout: Payout, settings: AccountingSettings | null | undefined, state: MonthState): string {
  const codes = requireSettings(settings, ['expense_account_code', 'payable_account_code', 'tax_rate'], 'Xero');
  const tracking = settings?.tracking;
  const journal = buildJournal(payout, state);
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
