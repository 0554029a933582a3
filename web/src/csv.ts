/** CSV text of a table (RFC 4180 quoting) and saving a file the page made. */
import { neutraliseCell } from '../../src/domain/formula-cell.js';

export type Cell = string | number | null;

/** A plain decimal number written as text ('-250.00'): a spreadsheet reads it as the number, never a formula. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * Text cells are formula-safe as the server's exports are (one rule, src/domain/formula-cell.ts);
 * numbers, and plain numbers as text, stay numbers: a clawback's -250.00 is not neutralised.
 */
export function csvCell(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number' || PLAIN_NUMBER.test(cell)) return String(cell);
  return neutraliseCell(cell);
}

function quote(cell: Cell): string {
  const text = csvCell(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}

/** Saves a Blob under a name through a temporary link (no inline script, so the CSP allows it). */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveCsv(name: string, header: string[], rows: Cell[][]): void {
  saveFile(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }), name);
}
