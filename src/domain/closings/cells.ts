import { Decimal } from 'decimal.js';
import { parseAmount, type Cents } from '../money.js';

/**
 * Cell readers: what a spreadsheet cell says, read the way the operator's sheet writes it. A CSV
 * cell is text; an xlsx cell may also be a number (its stored value, never its formula), a
 * boolean, a date, or an error value such as `#REF!`. Amounts become integer cents straight from
 * the digits of the text, never through a float.
 */

/** An xlsx error value (`#N/A`, `#REF!`, `#DIV/0!`). */
export interface CellError {
  error: string;
}

export type Cell = string | number | boolean | Date | CellError | null | undefined;

export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = (problem: string): Read<never> => ({ ok: false, problem });

const isCellError = (cell: Cell): cell is CellError => typeof cell === 'object' && cell !== null && !(cell instanceof Date);

/** Spaces a spreadsheet puts around values, the no-break kinds included. */
const SPACE = /[\s\u00a0\u2007\u202f]+/g;
/** String#trim removes every Unicode space separator (U+00A0, U+2007, U+202F included) and is far faster than a regex. */
const trimSpaces = (text: string) => text.trim();

/**
 * A number cell as the decimal the spreadsheet means. Excel keeps 15 significant digits, so a
 * formula's binary noise (0.1 + 0.2 stored as 0.30000000000000004) is read at that precision, by
 * `toPrecision`, which is exact decimal rounding of the binary value, not arithmetic on it.
 */
function numberText(value: number): string {
  return String(Number(value.toPrecision(15)));
}

/** The cell as text (trimmed), the way a CSV export would have written it. */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return trimSpaces(cell);
  if (typeof cell === 'number') return Number.isFinite(cell) ? numberText(cell) : String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return cell.error;
}

export const isBlank = (cell: Cell): boolean =>
  cell === null || cell === undefined || (typeof cell === 'string' ? cell.trim() === '' : !isCellError(cell) && cellText(cell) === '');

/** The raw cell as a message quotes it: shortened, so an error never echoes a pasted document. */
export function shownCell(cell: Cell): string {
  const text = typeof cell === 'string' ? cell : cellText(cell);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

export type DecimalMark = '.' | ',';

const MAX_CENTS = 10n ** 15n;

/**
 * Digits of an amount without sign or currency: plain (`5000`, `5000.5`) or grouped in thousands
 * (`5,000.50`; with a decimal comma `5.000,50` or `5 000,50`). Extra fraction digits are allowed
 * only as trailing zeros (`1,234.500`).
 */
function amountPattern(decimal: DecimalMark): RegExp {
  return decimal === '.'
    ? /^(?:(\d{1,3}(?:,\d{3})+)|(\d+))?(?:\.(\d+))?$/
    : /^(?:(\d{1,3}(?:[. ]\d{3})+)|(\d+))?(?:,(\d+))?$/;
}
const PATTERNS: Record<DecimalMark, RegExp> = { '.': amountPattern('.'), ',': amountPattern(',') };

function digitsToCents(negative: boolean, whole: string, fraction: string): Cents | null {
  const kept = fraction.replace(/0+$/, '');
  if (kept.length > 2) return null;
  const cents = BigInt(whole === '' ? '0' : whole) * 100n + BigInt(kept.padEnd(2, '0'));
  if (cents >= MAX_CENTS) return null;
  // Number(-0n) is 0: "-0.00" never becomes -0.
  return Number(negative ? -cents : cents);
}

/**
 * Text of an amount as spreadsheets write it: `" $5,000 "`, `$1,234.50`, `-$250.00`, `$-250.00`,
 * `(250.00)` and `($250.00)` for negatives, `$ -` (the accounting format's zero), and with a
 * decimal comma `5.000,50`. Null when it is not an amount with at most 2 decimals.
 */
export function amountTextToCents(text: string, decimal: DecimalMark = '.'): Cents | null {
  let rest = trimSpaces(text);
  let negative = false;
  const parenthesised = /^\((.*)\)$/.exec(rest);
  if (parenthesised) {
    negative = true;
    rest = trimSpaces(parenthesised[1]!);
  }
  // A sign and a currency symbol, in either order, each at most once: -$250, $-250, $ 250.
  const signed = /^([-+]?)\s*(\$?)\s*([-+]?)\s*(.*)$/.exec(rest)!;
  const [, signBefore = '', , signAfter = '', body = ''] = signed;
  if (signBefore !== '' && signAfter !== '') return null;
  const sign = signBefore || signAfter;
  if (sign !== '' && negative) return null;
  if (sign === '-') negative = true;
  // Spaces group thousands only beside a decimal comma (5 000,50); "5 000.50" is not taken.
  const digits = decimal === ',' ? trimSpaces(body).replace(SPACE, ' ') : trimSpaces(body);
  // The accounting format writes zero as a lone dash: "$ -", " -   ".
  if (digits === '' && sign === '-' && !parenthesised) return 0;
  const match = PATTERNS[decimal].exec(digits);
  if (!match || digits === '' || (match[1] === undefined && match[2] === undefined && match[3] === undefined)) return null;
  const whole = (match[1] ?? match[2] ?? '').replace(/[,. ]/g, '');
  if (whole === '' && (match[3] ?? '') === '') return null;
  return digitsToCents(negative, whole, match[3] ?? '');
}

/**
 * Binary noise of a formula over amounts: "fee − cost" as 1234567.89 − 1234554.06 is stored as
 * 13.829999999841675, which a currency-formatted cell shows as 13.83 and which 15 significant
 * digits do not hide. Such a value is read as its whole cent when it lies within a ten-thousandth
 * of a cent of it (noise of amounts below 10^8 is far smaller); a real third decimal (13.835) is
 * still refused. The cent is `toFixed(2)` of the stored value (exact decimal rounding of the binary
 * value); the product by 100 only measures how far the value is from it.
 */
const FORMULA_NOISE_CENTS = 1e-4;
function formulaCents(value: number): Cents | null {
  const hundredths = value * 100;
  const nearest = Math.round(hundredths);
  if (Math.abs(hundredths - nearest) >= FORMULA_NOISE_CENTS) return null;
  return parseAmount(Number(value.toFixed(2)));
}

/** An amount cell (gp, assignment_fee) in cents; blank cells are the caller's business. */
export function readAmount(cell: Cell, decimal: DecimalMark = '.'): Read<Cents> {
  if (isCellError(cell)) return fail(`the cell holds the error ${cell.error}`);
  if (typeof cell === 'number') {
    const cents = Number.isFinite(cell) ? (parseAmount(Number(numberText(cell))) ?? formulaCents(cell)) : null;
    return cents === null ? fail(`cannot read ${shownCell(cell)} as an amount (at most 2 decimals)`) : ok(cents);
  }
  if (typeof cell !== 'string') return fail(`cannot read ${shownCell(cell)} as an amount`);
  const cents = amountTextToCents(cell, decimal);
  return cents === null ? fail(`cannot read ${shownCell(cell)} as an amount`) : ok(cents);
}

/**
 * Nine digits, as a text cell may have them; a number cell may hold no more either (read at 15
 * significant digits, 2^53 would become another whole number).
 */
const MAX_COUNT = 999_999_999;

/** A whole number of 0 to 999,999,999 (transactions). */
export function readCount(cell: Cell): Read<number> {
  if (isCellError(cell)) return fail(`the cell holds the error ${cell.error}`);
  const text = cellText(cell);
  const value = typeof cell === 'number' ? Number(numberText(cell)) : /^\+?\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < 0) return fail(`cannot read ${shownCell(cell)} as a whole number of 0 or more`);
  if (value > MAX_COUNT) return fail(`${shownCell(cell)} is more than the ${MAX_COUNT} a count may be`);
  return ok(value);
}

/** YYYY-MM-DD of a real calendar date, or null. */
function isoDate(year: number, month: number, day: number): string | null {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Excel's rule for two-digit years: 00–29 are 20xx, 30–99 are 19xx. */
const fullYear = (yy: number) => (yy < 30 ? 2000 + yy : 1900 + yy);

/** A time of day after the date, as CRM exports add it ("2025-09-30 00:00:00", "9/30/25 4:05 PM"): ignored. */
const TIME = String.raw`(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?`;
const US_DATE = new RegExp(`^(\\d{1,2})/(\\d{1,2})/(\\d{2}|\\d{4})${TIME}$`);
const ISO_DATE = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})${TIME}$`);

/** A date as text: `9/30/25`, `09/30/2025` (month first, as US sheets write it) or `2025-09-30`. */
export function dateTextToIso(text: string): string | null {
  const trimmed = trimSpaces(text);
  const us = US_DATE.exec(trimmed);
  if (us) {
    const year = us[3]!.length === 2 ? fullYear(Number(us[3])) : Number(us[3]);
    return isoDate(year, Number(us[1]), Number(us[2]));
  }
  const iso = ISO_DATE.exec(trimmed);
  return iso ? isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) : null;
}

const DAY_MS = 86_400_000;

/**
 * An xlsx date serial (days, the fraction being the time of day) as YYYY-MM-DD. In the 1900 system
 * serial 1 is 1900-01-01 and 60 is Lotus's phantom 1900-02-29, so from 61 on the epoch is
 * 1899-12-30; in the 1904 system (old Mac workbooks) serial 0 is 1904-01-01.
 */
export function serialToIso(serial: number, date1904 = false): string | null {
  if (!Number.isFinite(serial) || serial < 0 || serial >= 2_958_466) return null;
  const days = Math.floor(serial);
  if (!date1904 && (days === 60 || days === 0)) return null;
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : days > 60 ? Date.UTC(1899, 11, 30) : Date.UTC(1899, 11, 31);
  return new Date(epoch + days * DAY_MS).toISOString().slice(0, 10);
}

/** A date cell: text in one of the forms above, an xlsx serial number, or a Date (its UTC day). */
export function readDate(cell: Cell, date1904 = false): Read<string> {
  if (isCellError(cell)) return fail(`the cell holds the error ${cell.error}`);
  let iso: string | null = null;
  if (typeof cell === 'string') iso = dateTextToIso(cell);
  else if (typeof cell === 'number') iso = serialToIso(cell, date1904);
  else if (cell instanceof Date && !Number.isNaN(cell.getTime())) iso = cell.toISOString().slice(0, 10);
  return iso === null ? fail(`cannot read ${shownCell(cell)} as a date (M/D/YY, MM/DD/YYYY or YYYY-MM-DD)`) : ok(iso);
}

/** Plain text (property, names, ids, markets): trimmed, inner runs of spaces kept as written. */
export function readText(cell: Cell): Read<string> {
  if (isCellError(cell)) return fail(`the cell holds the error ${cell.error}`);
  return ok(cellText(cell));
}

/**
 * A credit fraction: `0.5`, `.5`, `1` or a percentage `50%`, as an exact decimal string in 0..1
 * (percentages divided by 100 with decimal.js, so `33.3333%` stays 0.333333 exactly).
 */
export function readCredit(cell: Cell): Read<string> {
  if (isCellError(cell)) return fail(`the cell holds the error ${cell.error}`);
  const text = cellText(cell);
  const match = /^(\d*\.?\d+)\s*(%?)$/.exec(text);
  if (!match) return fail(`cannot read ${shownCell(cell)} as a credit (a fraction like 0.5 or a percentage like 50%)`);
  const value = match[2] === '%' ? new Decimal(match[1]!).div(100) : new Decimal(match[1]!);
  if (value.gt(1) || value.decimalPlaces() > 12) return fail(`cannot read ${shownCell(cell)} as a credit between 0 and 1 (at most 12 decimals)`);
  return ok(value.toFixed());
}

/**
 * An attribute without a values map: TRUE/FALSE (any case) as booleans, plain decimal numbers as
 * numbers (so a CSV's "5" and an xlsx number 5 agree), anything else as the trimmed text.
 */
export function readAttribute(cell: Cell): Read<boolean | number | string> {
  if (isCellError(cell)) return fail(`the cell holds the error ${cell.error}`);
  if (typeof cell === 'boolean') return ok(cell);
  const text = cellText(cell);
  if (/^(true|false)$/i.test(text)) return ok(text.toLowerCase() === 'true');
  if (/^-?\d{1,15}(\.\d{1,15})?$/.test(text) && Number.isFinite(Number(text)) && String(Number(text)) === text) return ok(Number(text));
  return ok(text);
}

/** The key a values map is looked up by: trimmed, inner spaces collapsed, case folded. */
export const valueKey = (text: string) => trimSpaces(text).replace(SPACE, ' ').toLowerCase();
