/**
 * The CSV form of commission months (RFC 4180, CRLF), for accounting software and for import.
 * One row per payee:
 *
 *   month         YYYY-MM; may be blank on import when the caller names the month
 *   payee_type    agent | manager
 *   name          the payee
 *   agent_type    acq | dispo for agents, empty for managers
 *   manager       the agent's manager (agents only)
 *   market        the agent's market (agents only)
 *   team          a manager's team, joined with `;` (managers only); a `;` or `\` inside a member's
 *                 name is written `\;` or `\\` so any name survives the round trip
 *   gp            amount, 2 decimals; required for agents, optional for managers
 *   deals         whole number (agents only, required)
 *   terminations  whole number (agents only, optional)
 *   commission    amount, 2 decimals, required
 *
 * Empty means absent. Deals and metadata are not carried: the CSV is a payout sheet, the JSON export
 * is the full record.
 *
 * Spreadsheet formula injection (OWASP "CSV Injection"): a text cell beginning with = + - @ tab CR or
 * LF (or a full-width = + - @), also after leading white space, gets a leading `'` (../formula-cell.ts). Amount cells are never touched: a clawback's -250.00 must stay a number for
 * the accountant. Import removes exactly the quote export added, so export → import is lossless.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { formatAmount, parseAmount, parseAmountText, toAmount } from '../money.js';
import { isValidMonth, type FieldError } from './check.js';
import { CSV_LINE_ENDS, decodeText, type Charset } from './text-encoding.js';
import { unsafeTextProblem } from '../text-safety.js';
import { neutraliseCell, restoreCell } from '../formula-cell.js';
import type { AgentType, CommissionMonth, ImportAgent, ImportManager } from './format.js';

export const CSV_COLUMNS = [
  'month',
  'payee_type',
  'name',
  'agent_type',
  'manager',
  'market',
  'team',
  'gp',
  'deals',
  'terminations',
  'commission',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Beyond this many data rows an import is refused (a month has tens of payees, not millions). */
export const MAX_CSV_ROWS = 100_000;

export interface CsvImport {
  /** Empty whenever `errors` is not: a partly read file is never imported. */
  months: CommissionMonth[];
  errors: FieldError[];
}

type Row = Record<CsvColumn, string>;

/** Enough errors to fix a file by; a garbage upload should not echo itself back a thousand-fold. */
const MAX_ERRORS = 1000;

/** A cell echoed in a message, shortened so an error never carries a whole pasted document. */
function shown(cell: string): string {
  return `'${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}'`;
}

function capped(errors: FieldError[]): FieldError[] {
  if (errors.length <= MAX_ERRORS) return errors;
  const rest = errors.length - MAX_ERRORS;
  return [...errors.slice(0, MAX_ERRORS), { pointer: '', message: `…and ${rest} more ${rest === 1 ? 'error' : 'errors'}` }];
}

export { neutraliseCell, restoreCell };

function joinTeam(team: readonly string[]): string {
  return team.map((member) => member.replace(/[\\;]/g, (c) => `\\${c}`)).join(';');
}

/** Splits on unescaped `;`; members are trimmed and blanks dropped, as people type "A; B". */
function splitTeam(cell: string): string[] {
  const members: string[] = [];
  let current = '';
  for (let i = 0; i < cell.length; i += 1) {
    const c = cell[i];
    if (c === '\\' && i + 1 < cell.length) {
      current += cell[i + 1];
      i += 1;
    } else if (c === ';') {
      members.push(current);
      current = '';
    } else current += c;
  }
  members.push(current);
  return members.map((m) => m.trim()).filter((m) => m !== '');
}

function amountCell(value: number | undefined): string {
  if (value === undefined) return '';
  // Stored amounts always have 2 decimals; rounding is only a fallback so export never fails.
  return formatAmount(parseAmount(value) ?? Math.round(value * 100));
}

function agentRow(month: string, agent: ImportAgent): string[] {
  return [
    neutraliseCell(month),
    'agent',
    neutraliseCell(agent.name),
    agent.type,
    neutraliseCell(agent.manager ?? ''),
    neutraliseCell(agent.market ?? ''),
    '',
    amountCell(agent.gp),
    String(agent.deals),
    agent.terminations === undefined ? '' : String(agent.terminations),
    amountCell(agent.commission),
  ];
}

function managerRow(month: string, manager: ImportManager): string[] {
  return [
    neutraliseCell(month),
    'manager',
    neutraliseCell(manager.name),
    '',
    '',
    '',
    neutraliseCell(joinTeam(manager.team ?? [])),
    amountCell(manager.gp),
    '',
    '',
    amountCell(manager.commission),
  ];
}

/** Header plus one row per payee (agents, then managers, month by month), CRLF-terminated. */
export function toCsv(months: readonly CommissionMonth[]): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const month of months) {
    for (const agent of month.agents) rows.push(agentRow(month.month, agent));
    for (const manager of month.managers ?? []) rows.push(managerRow(month.month, manager));
  }
  // An explicit record delimiter turns off quoting of lone CR/LF inside cells unless asked for.
  return stringify(rows, { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true });
}

// ---------------------------------------------------------------------------------------------
// Import

function readRecords(text: string): { records: string[][] } | { error: FieldError } {
  try {
    const records: unknown = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: CSV_LINE_ENDS,
      // One record past the cap is enough to know the file is too long.
      to: MAX_CSV_ROWS + 2,
    });
    if (!Array.isArray(records)) return { error: { pointer: '/header', message: 'Not a CSV file' } };
    return { records: records as string[][] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const records = error instanceof Error && 'records' in error && typeof error.records === 'number' ? error.records : 0;
    // `records` counts the header, so the row that failed is the next data row.
    return { error: { pointer: records === 0 ? '/header' : `/rows/${records}`, message: `Unreadable CSV: ${message.slice(0, 200)}` } };
  }
}

/** Maps each expected column to its position; columns may come in any order. */
function readHeader(header: readonly string[] | undefined, errors: FieldError[]): Map<CsvColumn, number> | null {
  if (!header) {
    errors.push({ pointer: '/header', message: `The file is empty; expected the header ${CSV_COLUMNS.join(',')}` });
    return null;
  }
  const positions = new Map<CsvColumn, number>();
  const known = new Set<string>(CSV_COLUMNS);
  header.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!known.has(name)) errors.push({ pointer: '/header', message: `Unknown column ${shown(raw)}` });
    else if (positions.has(name as CsvColumn)) errors.push({ pointer: '/header', message: `Duplicate column ${shown(raw)}` });
    else positions.set(name as CsvColumn, i);
  });
  for (const column of CSV_COLUMNS) {
    if (!positions.has(column)) errors.push({ pointer: '/header', message: `Missing column '${column}'` });
  }
  return errors.length === 0 ? positions : null;
}

/** Reads and checks one row; errors carry `/rows/N/column`. */
class RowReader {
  constructor(
    private readonly row: Row,
    private readonly at: string,
    private readonly errors: FieldError[],
  ) {}

  fail(column: CsvColumn, message: string): void {
    this.errors.push({ pointer: `${this.at}/${column}`, message });
  }

  text(column: 'name' | 'manager' | 'market' | 'team'): string {
    return restoreCell(this.row[column]);
  }

  amount(column: 'gp' | 'commission', required: boolean): number | undefined {
    const cell = this.row[column];
    if (cell.trim() === '') {
      if (required) this.fail(column, 'is required');
      return undefined;
    }
    const cents = parseAmountText(cell);
    if (cents === null) {
      this.fail(column, `${shown(cell)} is not an amount (digits, optional '-', at most 2 decimals, no separators)`);
      return undefined;
    }
    return toAmount(cents);
  }

  count(column: 'deals' | 'terminations', required: boolean): number | undefined {
    const cell = this.row[column].trim();
    if (cell === '') {
      if (required) this.fail(column, 'is required');
      return undefined;
    }
    const value = /^\d{1,15}$/.test(cell) ? Number(cell) : NaN;
    if (!Number.isSafeInteger(value)) {
      this.fail(column, `${shown(cell)} is not a whole number`);
      return undefined;
    }
    return value;
  }

  /** Cells that mean nothing for this payee type must be empty rather than silently dropped. */
  mustBeEmpty(columns: readonly CsvColumn[], payee: 'agent' | 'manager'): void {
    for (const column of columns) {
      if (this.row[column] !== '') this.fail(column, `must be empty for ${payee === 'agent' ? 'an agent' : 'a manager'}`);
    }
  }
}

type Payee = { kind: 'agent'; agent: ImportAgent } | { kind: 'manager'; manager: ImportManager };

function readAgent(read: RowReader, row: Row, name: string): Payee | null {
  read.mustBeEmpty(['team'], 'agent');
  const type = row.agent_type.trim();
  if (type !== 'acq' && type !== 'dispo') read.fail('agent_type', `${shown(row.agent_type)} must be acq or dispo`);
  const gp = read.amount('gp', true);
  const commission = read.amount('commission', true);
  const deals = read.count('deals', true);
  const terminations = read.count('terminations', false);
  if (gp === undefined || commission === undefined || deals === undefined || (type !== 'acq' && type !== 'dispo')) {
    return null;
  }
  const agent: ImportAgent = { name, type: type satisfies AgentType, gp, deals, commission };
  if (terminations !== undefined) agent.terminations = terminations;
  const market = read.text('market');
  if (market !== '') agent.market = market;
  const manager = read.text('manager');
  if (manager !== '') agent.manager = manager;
  return { kind: 'agent', agent };
}

function readManager(read: RowReader, name: string): Payee | null {
  read.mustBeEmpty(['agent_type', 'manager', 'market', 'deals', 'terminations'], 'manager');
  const gp = read.amount('gp', false);
  const commission = read.amount('commission', true);
  if (commission === undefined) return null;
  const manager: ImportManager = { name, commission };
  if (gp !== undefined) manager.gp = gp;
  const team = splitTeam(read.text('team'));
  if (team.length > 0) manager.team = team;
  return { kind: 'manager', manager };
}

function readRow(row: Row, n: number, month: string | undefined, errors: FieldError[]): { month: string; payee: Payee } | null {
  const at = `/rows/${n}`;
  const before = errors.length;
  const read = new RowReader(row, at, errors);

  const cellMonth = row.month.trim();
  let rowMonth = cellMonth;
  if (cellMonth === '') {
    if (month === undefined) read.fail('month', 'is required');
    else rowMonth = month;
  } else if (!isValidMonth(cellMonth)) read.fail('month', `${shown(row.month)} is not a real month (YYYY-MM)`);
  else if (month !== undefined && cellMonth !== month) read.fail('month', `${cellMonth} is not the month being imported (${month})`);

  const name = read.text('name');
  if (name.trim() === '') read.fail('name', 'is required');

  const payeeType = row.payee_type.trim();
  let payee: Payee | null = null;
  if (payeeType === 'agent') payee = readAgent(read, row, name);
  else if (payeeType === 'manager') payee = readManager(read, name);
  else read.fail('payee_type', `${shown(row.payee_type)} must be agent or manager`);

  return errors.length === before && payee ? { month: rowMonth, payee } : null;
}

/**
 * `fromCsv` over a file's bytes, decoded strictly: UTF-8 (BOM or not), or Windows-1252 when the
 * caller declares it. Bytes that are neither throw a 415 AppError naming the first bad byte's row,
 * rather than reaching the database as replacement characters.
 */
export function fromCsvBytes(bytes: Uint8Array, options: { month?: string | undefined; charset?: Charset } = {}): CsvImport {
  return fromCsv(decodeText(bytes, options.charset), options.month);
}

function monthProblem(month: string | undefined): CsvImport | null {
  if (month === undefined || isValidMonth(month)) return null;
  return { months: [], errors: [{ pointer: '/month', message: `'${month}' is not a real month (YYYY-MM)` }] };
}

/**
 * Reads payees back into months (in order of first appearance; agents then managers, in file order).
 * Never throws: anything wrong, down to a file that is not CSV at all, comes back as errors.
 */
export function fromCsv(text: string, month?: string): CsvImport {
  const wrongMonth = monthProblem(month);
  if (wrongMonth) return wrongMonth;
  const read = readRecords(text);
  if ('error' in read) return { months: [], errors: [read.error] };
  return fromRecords(read.records, month);
}

/**
 * Payee rows already split into cells (a CSV's records, an xlsx sheet's rows as text), the header
 * first, read and checked as the CSV import reads them: errors carry `/rows/N/column`.
 */
export function fromRecords(records: readonly string[][], month?: string): CsvImport {
  const wrongMonth = monthProblem(month);
  if (wrongMonth) return wrongMonth;
  const errors: FieldError[] = [];
  const [header, ...data] = records;
  const positions = readHeader(header, errors);
  if (!positions) return { months: [], errors: capped(errors) };
  if (data.length > MAX_CSV_ROWS) {
    return { months: [], errors: [{ pointer: '/rows', message: `Too many rows: at most ${MAX_CSV_ROWS} are accepted` }] };
  }

  const byMonth = new Map<string, { agents: ImportAgent[]; managers: ImportManager[] }>();
  data.forEach((cells, i) => {
    const n = i + 1;
    if (cells.length !== CSV_COLUMNS.length) {
      errors.push({ pointer: `/rows/${n}`, message: `Expected ${CSV_COLUMNS.length} cells, found ${cells.length}` });
      return;
    }
    const row = Object.fromEntries(CSV_COLUMNS.map((column) => [column, cells[positions.get(column) ?? -1] ?? ''])) as Row;
    const unsafe = CSV_COLUMNS.flatMap((column) => {
      const problem = unsafeTextProblem(row[column]);
      return problem ? [{ pointer: `/rows/${n}/${column}`, message: problem }] : [];
    });
    if (unsafe.length > 0) {
      errors.push(...unsafe);
      return;
    }
    const result = readRow(row, n, month, errors);
    if (!result) return;
    const group = byMonth.get(result.month) ?? { agents: [], managers: [] };
    if (result.payee.kind === 'agent') group.agents.push(result.payee.agent);
    else group.managers.push(result.payee.manager);
    byMonth.set(result.month, group);
  });

  if (errors.length > 0) return { months: [], errors: capped(errors) };
  return { months: [...byMonth].map(([m, group]) => ({ month: m, agents: group.agents, managers: group.managers })), errors };
}
