/**
 * A month's payouts as CSV (RFC 4180, CRLF): one row per payee and line, every row with the month
 * and its state (draft or approved), so a sheet cut out of the file still says what it is.
 *
 *   month, state, payee, roles (joined with ;), statement_total (2 decimals, the rounded total),
 *   line (1-based within the statement), plan, plan_version, component, label, base, rate,
 *   bracket, amount (the line's exact amount: a statement's lines add up exactly to its unrounded
 *   total), reason
 *
 * A statement without lines still gets one row (line and its cells empty). Payees in code-point
 * order, lines as on the statement. Text cells are formula-safe (imports/csv.ts); amounts and
 * rates are plain numbers (a clawback's -250.00 stays a number).
 */
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../../imports/csv.js';
import { formatAmount } from '../../money.js';
import type { Payout, PayoutLine } from '../calculate-payouts.js';
import { inPayeeOrder, statementCents, type MonthState } from './journal-entries.js';

export const PAYOUT_CSV_COLUMNS = [
  'month',
  'state',
  'payee',
  'roles',
  'statement_total',
  'line',
  'plan',
  'plan_version',
  'component',
  'label',
  'base',
  'rate',
  'bracket',
  'amount',
  'reason',
] as const;

const text = (value: string | null | undefined) => neutraliseCell(value ?? '');

function lineCells(line: PayoutLine, index: number): string[] {
  return [
    String(index + 1),
    text(line.plan),
    line.plan_version === null ? '' : String(line.plan_version),
    text(line.component),
    text(line.label),
    text(line.base),
    line.rate ?? '',
    text(line.bracket),
    line.amount,
    text(line.reason),
  ];
}

export function payoutCsv(payout: Pick<Payout, 'month' | 'statements'>, state: MonthState): string {
  const rows: string[][] = [[...PAYOUT_CSV_COLUMNS]];
  for (const statement of inPayeeOrder(payout.statements)) {
    const head = [text(payout.month), state, text(statement.payee), text(statement.roles.join(';')), formatAmount(statementCents(statement))];
    if (statement.lines.length === 0) rows.push([...head, ...PAYOUT_CSV_COLUMNS.slice(head.length).map(() => '')]);
    statement.lines.forEach((line, index) => rows.push([...head, ...lineCells(line, index)]));
  }
  return stringify(rows, { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true });
}
