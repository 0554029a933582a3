/**
 * The month's journal as a QuickBooks Online journal-entry import (Settings > Import data >
 * Journal entries): the columns Journal No., Journal Date (MM/DD/YYYY), Account Name, Debits,
 * Credits, Description, Name; each amount in the Debits or the Credits column, the other empty,
 * never negative; all rows share one Journal No., so they import as one balanced entry. A Class
 * column is added when the settings name classes by role (QuickBooks imports it once class
 * tracking is on). Accounts are names, as QuickBooks matches them (a sub-account as "Parent:Sub").
 * Text cells are formula-safe as every export (imports/csv.ts), amounts plain numbers.
 */
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../../imports/csv.js';
import type { AccountingSettings } from '../../../schemas/settings.js';
import type { Payout } from '../calculate-payouts.js';
import { amountText, buildJournal, requireSettings, type MonthState } from './journal-entries.js';

const QUICKBOOKS_COLUMNS = ['Journal No.', 'Journal Date', 'Account Name', 'Debits', 'Credits', 'Description', 'Name'] as const;

/** 2025-09-30 → 09/30/2025. */
const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

export function quickbooksJournal(payout: Pick<Payout, 'month' | 'statements'>, settings: AccountingSettings | null | undefined, state: MonthState): string {
  const accounts = requireSettings(settings, ['expense_account', 'payable_account'], 'QuickBooks');
  const classes = settings?.classes;
  const withClass = classes !== undefined && Object.values(classes).some((name) => name !== undefined);
  const journal = buildJournal(payout, state);
  const rows: string[][] = [withClass ? [...QUICKBOOKS_COLUMNS, 'Class'] : [...QUICKBOOKS_COLUMNS]];
  for (const line of journal.lines) {
    const amount = amountText(line.cents);
    const row = [
      neutraliseCell(journal.number),
      usDate(journal.date),
      neutraliseCell(line.account === 'expense' ? accounts.expense_account : accounts.payable_account),
      line.side === 'debit' ? amount : '',
      line.side === 'credit' ? amount : '',
      neutraliseCell(line.description),
      neutraliseCell(line.payee ?? ''),
    ];
    if (withClass) row.push(neutraliseCell(line.account === 'expense' && line.role ? (classes[line.role] ?? '') : ''));
    rows.push(row);
  }
  return stringify(rows, { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true });
}
