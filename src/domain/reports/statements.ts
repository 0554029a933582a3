/**
 * A monthly report's pay statements: one line per payee of the closed month, as it was paid
 * (the imported figures), with commission as a share of GP. Pure: rows in, rows and CSV out.
 */
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../imports/csv.js';
import { formatAmount, percentOf, type Cents } from '../money.js';

export interface PayeeLine {
  payeeType: 'agent' | 'manager';
  name: string;
  agentType: 'acq' | 'dispo' | null;
  manager: string | null;
  market: string | null;
  gp: Cents | null;
  deals: number | null;
  terminations: number | null;
  commission: Cents;
}

/** What a report stores and the API returns: amounts as numbers with two decimals. */
export interface Statement {
  payee_type: 'agent' | 'manager';
  name: string;
  agent_type: 'acq' | 'dispo' | null;
  manager: string | null;
  market: string | null;
  gp: number | null;
  deals: number | null;
  terminations: number | null;
  commission: number;
  /** Commission over GP, percent with one decimal; null without GP. */
  commission_pct: number | null;
}

const amount = (cents: Cents) => Number(formatAmount(cents));

export function statementsOf(lines: readonly PayeeLine[]): Statement[] {
  return lines.map((line) => ({
    payee_type: line.payeeType,
    name: line.name,
    agent_type: line.agentType,
    manager: line.manager,
    market: line.market,
    gp: line.gp === null ? null : amount(line.gp),
    deals: line.deals,
    terminations: line.terminations,
    commission: amount(line.commission),
    commission_pct: line.gp === null ? null : percentOf(line.commission, line.gp, 1),
  }));
}

const STATEMENT_CSV_COLUMNS = [
  'month',
  'payee_type',
  'name',
  'agent_type',
  'manager',
  'market',
  'gp',
  'deals',
  'terminations',
  'commission',
  'commission_pct',
] as const;

const text = (value: string | null) => (value === null ? '' : neutraliseCell(value));
const number = (value: number | null, decimals: number) => (value === null ? '' : value.toFixed(decimals));

/**
 * RFC 4180, CRLF, one header: amounts as plain numbers with two decimals, text cells that could
 * start a spreadsheet formula neutralised (as the commission export does).
 */
export function statementsCsv(month: string, statements: readonly Statement[]): string {
  const rows: string[][] = [[...STATEMENT_CSV_COLUMNS]];
  for (const s of statements) {
    rows.push([
      month,
      s.payee_type,
      text(s.name),
      s.agent_type ?? '',
      text(s.manager),
      text(s.market),
      number(s.gp, 2),
      s.deals === null ? '' : String(s.deals),
      s.terminations === null ? '' : String(s.terminations),
      number(s.commission, 2),
      number(s.commission_pct, 1),
    ]);
  }
  return stringify(rows, { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true });
}
