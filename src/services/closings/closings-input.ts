import { createHash } from 'node:crypto';
import type { ClosingsMonth } from '../../domain/closings/closing.js';
import type { FieldError } from '../../domain/field-error.js';

/** What the closings import and preview take, whatever the source (JSON body, CLI file, spreadsheet reader). */
export interface ClosingsInput {
  document: ClosingsMonth;
  /** The month the caller meant (`?month=`); the document must be for it. */
  expectedMonth?: string | undefined;
  /** Warnings of whoever made the document (a spreadsheet reader's skipped lines), listed first. */
  sourceWarnings?: readonly string[] | undefined;
  /** The source row of each closing, named in errors and warnings. */
  rowNumbers?: readonly number[] | undefined;
  /** Errors of whoever made the document (a spreadsheet's unreadable cells), listed first: the month is not imported while there are any. */
  sourceErrors?: readonly FieldError[] | undefined;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hash of the document whatever its key order, prefixed so a key reused across the two imports never matches. */
export function closingsHash(document: ClosingsMonth): string {
  return createHash('sha256').update('closings\n').update(canonicalJson(document)).digest('hex');
}
