import type { FieldError } from '../field-error.js';
import { toAmount } from '../money.js';
import {
  cellText,
  isBlank,
  readAmount,
  readAttribute,
  readCount,
  readCredit,
  readDate,
  readText,
  shownCell,
  valueKey,
  type Cell,
  type DecimalMark,
  type Read,
} from './cells.js';
import type { AttributeValue, Closing, ClosingSide, ClosingsMonth, SideRole } from './closing.js';
import { SIDE_ROLES } from './closing.js';
import { headerKey, parseFieldKey, PEOPLE_VALUE_KEYS, type FieldKey, type ImportMapping } from './mapping.js';
import { pointerPart } from './mapping-check.js';
import { columnLetter, type Sheet, type SheetRow } from './sheet.js';
import { unsafeTextProblem } from '../text-safety.js';

/**
 * A sheet read through a (validated) mapping into a month of closings, the JSON document the
 * closings import takes. Errors name the spreadsheet row, the column header and the raw text
 * (`row 7, column "Gross Profit": cannot read "12O0" as an amount`, pointer
 * `/rows/7/Gross Profit`); all of them come at once. Rows without errors still come back, for the
 * preview; an import takes the document only when there are no errors.
 */

export interface SheetRowClosing {
  /** The row number the spreadsheet shows. */
  row: number;
  closing: Closing;
}

export interface SheetClosings {
  document: ClosingsMonth;
  rows: SheetRowClosing[];
  warnings: string[];
  errors: FieldError[];
  /** The row the headers were found on. */
  headerRow: number;
}

const MAX_ERRORS = 1000;
/** Title lines above the headers ("September closings") are common; the headers are looked for this far down. */
const HEADER_SEARCH_ROWS = 10;

type Mapped = { key: string; field: FieldKey; header: string; column: number };
type Lookup = Map<string, AttributeValue | null>;

/** A values map, keyed as cells are matched; `*` kept as is. */
function lookupOf(map: Record<string, string | number | boolean | null> | undefined): Lookup | undefined {
  if (!map) return undefined;
  return new Map(Object.entries(map).map(([text, value]) => [text === '*' ? '*' : valueKey(text), value]));
}

function findHeaderRow(rows: readonly SheetRow[], wanted: readonly string[]): SheetRow | undefined {
  const candidates = rows.slice(0, HEADER_SEARCH_ROWS);
  const complete = candidates.find((row) => {
    const keys = new Set(row.cells.map((cell) => headerKey(cellText(cell))));
    return wanted.every((header) => keys.has(headerKey(header)));
  });
  return complete ?? candidates.find((row) => row.cells.some((cell) => !isBlank(cell)));
}

function escapeRowPointer(row: number, header: string): string {
  return `/rows/${row}/${pointerPart(header)}`;
}

/** Which column feeds each mapped field; missing or ambiguous headers are errors of the mapping. */
function placeColumns(mapping: ImportMapping, header: SheetRow, errors: FieldError[]): Mapped[] {
  const positions = new Map<string, number[]>();
  header.cells.forEach((cell, column) => {
    const key = headerKey(cellText(cell));
    if (key !== '') positions.set(key, [...(positions.get(key) ?? []), column]);
  });
  const shownHeaders = header.cells.map(cellText).filter((text) => text !== '');
  const mapped: Mapped[] = [];
  for (const [key, wanted] of Object.entries(mapping.columns)) {
    const field = parseFieldKey(key);
    if (!field) continue;
    const at = positions.get(headerKey(wanted)) ?? [];
    if (at.length === 0) {
      errors.push({
        pointer: `/columns/${pointerPart(key)}`,
        message: `column "${wanted}" (for ${key}) is not in the sheet; its headers are ${shownHeaders.map((h) => `"${h}"`).join(', ') || 'empty'}`,
      });
    } else if (at.length > 1) {
      errors.push({
        pointer: `/columns/${pointerPart(key)}`,
        message: `column "${wanted}" (for ${key}) appears ${at.length} times in the sheet (columns ${at.map(columnLetter).join(', ')})`,
      });
    } else mapped.push({ key, field, header: cellText(header.cells[at[0]!]), column: at[0]! });
  }
  return mapped;
}

/** The words of a skipped row's warning, consecutive blank rows told as one range. */
function blankRange(first: number, last: number): string {
  return first === last ? `row ${first} skipped: blank` : `rows ${first}–${last} skipped: blank`;
}

class RowReader {
  readonly errors: FieldError[] = [];
  constructor(
    private readonly row: SheetRow,
    private readonly decimal: DecimalMark,
    private readonly date1904: boolean,
  ) {}

  cell(column: Mapped): Cell {
    return this.row.cells[column.column];
  }

  fail(column: Mapped, problem: string): void {
    this.errors.push({ pointer: escapeRowPointer(this.row.row, column.header), message: `row ${this.row.row}, column "${column.header}": ${problem}` });
  }

  take<T>(column: Mapped, read: Read<T>): T | undefined {
    if (read.ok) return read.value;
    this.fail(column, read.problem);
    return undefined;
  }

  amount(column: Mapped) {
    return this.take(column, readAmount(this.cell(column), this.decimal));
  }
  date(column: Mapped) {
    return this.take(column, readDate(this.cell(column), this.date1904));
  }
}

interface Translation {
  found: boolean;
  value?: AttributeValue | null;
}
const NOT_FOUND: Translation = Object.freeze({ found: false });

export function closingsFromSheet(sheet: Sheet, mapping: ImportMapping, month: string): SheetClosings {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const decimal: DecimalMark = mapping.decimal ?? '.';
  const empty = (headerRow: number): SheetClosings => ({ document: { month, closings: [] }, rows: [], warnings, errors, headerRow });

  const header = findHeaderRow(sheet.rows, Object.values(mapping.columns));
  if (!header) {
    errors.push({ pointer: '/rows', message: 'the sheet is empty: no header row' });
    return empty(0);
  }
  // Header texts are quoted back in warnings and errors (and a replayed import's stored response).
  header.cells.forEach((cell, column) => {
    const problem = typeof cell === 'string' ? unsafeTextProblem(cell) : null;
    if (problem) errors.push({ pointer: `/rows/${header.row}/${columnLetter(column)}`, message: `row ${header.row}, column ${columnLetter(column)} (a header): ${problem}` });
  });
  if (errors.length > 0) return empty(header.row);
  const columns = placeColumns(mapping, header, errors);
  if (errors.length > 0) return empty(header.row);

  const used = new Set(columns.map((column) => column.column));
  const unmapped = header.cells.map(cellText).filter((text, column) => text !== '' && !used.has(column));
  if (unmapped.length > 0) warnings.push(`columns not imported (no field maps them): ${unmapped.map((h) => `"${h}"`).join(', ')}`);

  const lookups = new Map<string, Lookup | undefined>();
  for (const column of columns) lookups.set(column.key, lookupOf(mapping.values?.[column.key]));
  const people = { agent: lookupOf(mapping.values?.[PEOPLE_VALUE_KEYS.agent]), manager: lookupOf(mapping.values?.[PEOPLE_VALUE_KEYS.manager]) };

  // Per column, its values maps: the field's own first, then `agents`/`managers` for people columns.
  const mapsOf = new Map<string, Lookup[]>();
  for (const column of columns) {
    const personPart = column.field.kind === 'side' && column.field.part !== 'credit' ? column.field.part : undefined;
    mapsOf.set(column.key, [lookups.get(column.key), personPart ? people[personPart] : undefined].filter((map): map is Lookup => map !== undefined));
  }
  const translate = (column: Mapped, cell: Cell): Translation => {
    const maps = mapsOf.get(column.key)!;
    if (maps.length === 0) return NOT_FOUND;
    const isPerson = column.field.kind === 'side' && column.field.part !== 'credit';
    if (isPerson && isBlank(cell)) return NOT_FOUND;
    const key = valueKey(cellText(cell));
    for (const map of maps) if (map.has(key)) return { found: true, value: map.get(key) ?? null };
    // `*` answers any other cell, a blank one included, except in people columns (blank is no one).
    for (const map of maps) if (map.has('*')) return { found: true, value: map.get('*') ?? null };
    return NOT_FOUND;
  };

  const textColumns = columns.filter((c) => (c.field.kind === 'scalar' && c.field.field === 'property') || (c.field.kind === 'side' && c.field.part !== 'credit'));
  const rows: SheetRowClosing[] = [];
  let blankFrom: number | null = null;
  let blankTo = 0;
  const flushBlanks = () => {
    if (blankFrom !== null) warnings.push(blankRange(blankFrom, blankTo));
    blankFrom = null;
  };

  for (const row of sheet.rows) {
    if (row.row <= header.row) continue;
    if (errors.length >= MAX_ERRORS) break;
    if (row.cells.every(isBlank)) {
      blankFrom ??= row.row;
      blankTo = row.row;
      continue;
    }
    flushBlanks();
    if (textColumns.every((column) => isBlank(row.cells[column.column]))) {
      warnings.push(`row ${row.row} skipped: no property or agent (a totals line?)`);
      continue;
    }
    const read = new RowReader(row, decimal, sheet.date1904 ?? false);
    for (const column of columns) {
      const cell = row.cells[column.column];
      const problem = typeof cell === 'string' ? unsafeTextProblem(cell) : null;
      if (problem) read.fail(column, problem);
    }
    const closing = read.errors.length > 0 ? undefined : readClosing(read, columns, translate);
    if (read.errors.length > 0) errors.push(...read.errors);
    else if (closing) rows.push({ row: row.row, closing });
  }
  flushBlanks();
  if (errors.length > MAX_ERRORS) errors.splice(MAX_ERRORS, errors.length - MAX_ERRORS, { pointer: '/rows', message: `…and more errors; fix these first` });
  else if (errors.length === MAX_ERRORS) errors.push({ pointer: '/rows', message: `stopped after ${MAX_ERRORS} errors; fix these first` });
  return { document: { month, closings: rows.map((r) => r.closing) }, rows, warnings, errors, headerRow: header.row };
}

type Translate = (column: Mapped, cell: Cell) => Translation;

function readClosing(read: RowReader, columns: readonly Mapped[], translate: Translate): Closing | undefined {
  const closing: Partial<Closing> & { sides: ClosingSide[] } = { sides: [] };
  const sides = new Map<SideRole, { agent?: string | null; manager?: string | null; credit?: string; named: boolean }>();
  const attributes: Record<string, AttributeValue> = {};
  let gpSeen = false;
  let transactions: number | undefined;
  let status: Closing['status'];

  for (const column of columns) {
    const cell = read.cell(column);
    const mapped = translate(column, cell);
    const { field } = column;
    if (field.kind === 'side') {
      const side = sides.get(field.role) ?? { named: false };
      sides.set(field.role, side);
      if (field.part === 'credit') {
        if (mapped.found) side.credit = String(mapped.value);
        else if (!isBlank(cell)) side.credit = read.take(column, readCredit(cell));
        continue;
      }
      // A name mapped to null is the house on that side; a blank cell names no one.
      const name = mapped.found ? (mapped.value === null ? null : String(mapped.value)) : isBlank(cell) ? undefined : read.take(column, readText(cell));
      if (mapped.found || !isBlank(cell)) side.named = true;
      if (name !== undefined) side[field.part] = name;
      continue;
    }
    if (field.kind === 'attribute') {
      if (mapped.found) {
        if (mapped.value !== null && mapped.value !== undefined) attributes[field.name] = mapped.value;
      } else if (!isBlank(cell)) {
        const value = read.take(column, readAttribute(cell));
        if (value !== undefined) attributes[field.name] = value;
      }
      continue;
    }
    switch (field.field) {
      case 'gp':
        gpSeen = true;
        if (mapped.found) closing.gp = mapped.value as number;
        else if (isBlank(cell)) read.fail(column, 'is empty; every closing needs its gross profit');
        else {
          const cents = read.amount(column);
          if (cents !== undefined) closing.gp = toAmount(cents);
        }
        break;
      case 'assignment_fee':
        if (mapped.found) {
          if (mapped.value !== null) closing.assignment_fee = mapped.value as number;
        } else if (!isBlank(cell)) {
          const cents = read.amount(column);
          if (cents !== undefined) closing.assignment_fee = toAmount(cents);
        }
        break;
      case 'transactions':
        if (mapped.found) transactions = mapped.value as number;
        else if (!isBlank(cell)) transactions = read.take(column, readCount(cell));
        break;
      case 'status':
        if (mapped.found) status = (mapped.value ?? undefined) as Closing['status'];
        else if (!isBlank(cell)) {
          const text = cellText(cell).toLowerCase();
          if (text === 'closed' || text === 'terminated') status = text;
          else read.fail(column, `cannot read ${shownCell(cell)} as a status (closed or terminated; translate other words in values.status)`);
        }
        break;
      case 'date':
        if (mapped.found) {
          if (mapped.value !== null) closing.date = String(mapped.value);
        } else if (!isBlank(cell)) closing.date = read.date(column);
        break;
      default: {
        const value = mapped.found ? mapped.value : isBlank(cell) ? null : read.take(column, readText(cell));
        if (value !== null && value !== undefined) closing[field.field] = String(value);
      }
    }
  }
  if (!gpSeen) return undefined;
  for (const role of SIDE_ROLES) {
    const side = sides.get(role);
    // A role with nothing in its columns is not a side of this deal (an acq-only closing).
    if (!side || (!side.named && side.credit === undefined)) continue;
    const built: ClosingSide = { role, agent: side.agent ?? null };
    if (side.manager !== undefined) built.manager = side.manager;
    if (side.credit !== undefined) built.credit = side.credit;
    closing.sides.push(built);
  }
  // Built in one fixed key order, so every row's closing shares one object shape (and the JSON reads the same).
  const result = {} as Closing;
  if (closing.id !== undefined) result.id = closing.id;
  if (closing.date !== undefined) result.date = closing.date;
  if (closing.property !== undefined) result.property = closing.property;
  if (closing.market !== undefined) result.market = closing.market;
  result.gp = closing.gp ?? 0;
  if (closing.assignment_fee !== undefined) result.assignment_fee = closing.assignment_fee;
  result.transactions = transactions ?? 1;
  result.status = status ?? 'closed';
  for (const _name in attributes) {
    result.attributes = attributes;
    break;
  }
  result.sides = closing.sides;
  return result;
}
