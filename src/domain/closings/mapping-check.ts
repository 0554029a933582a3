import { Decimal } from 'decimal.js';
import type { FieldError } from '../field-error.js';
import { parseAmount } from '../money.js';
import { dateTextToIso, valueKey } from './cells.js';
import { headerKey, parseFieldKey, type FieldKey, type ImportMapping } from './mapping.js';

/**
 * Checks a mapping as a user sends it (`PUT /api/v1/import-mappings/{name}`): every problem at
 * once, each with a JSON pointer into the mapping (`/columns/sides.acq.agent`,
 * `/values/attributes.flat_fee/YES`).
 */

export type MappingCheck = { ok: true; mapping: ImportMapping } | { ok: false; errors: FieldError[] };

const MAX_COLUMNS = 200;
const MAX_VALUES = 1000;
const MAX_TEXT = 200;

/** RFC 6901: `~` and `/` inside a key are escaped. */
export const pointerPart = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, max = MAX_TEXT): value is string => typeof value === 'string' && value.trim() !== '' && value.length <= max;

/** What a values map may translate a cell into, for the field it feeds. */
function valueProblem(target: FieldKey | 'people', value: unknown): string | null {
  if (target === 'people') return value === null || isText(value) ? null : 'must be a name or null (null is the house, no payee)';
  if (target.kind === 'attribute') {
    return value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || isText(value)
      ? null
      : 'must be a boolean, a number, a string or null';
  }
  if (target.kind === 'side') {
    if (target.part !== 'credit') return value === null || isText(value) ? null : 'must be a name or null (null is the house, no payee)';
    const fraction = typeof value === 'number' || (typeof value === 'string' && /^\d*\.?\d+$/.test(value)) ? new Decimal(value) : null;
    return fraction && fraction.gte(0) && fraction.lte(1) ? null : 'must be a credit between 0 and 1';
  }
  switch (target.field) {
    case 'gp':
    case 'assignment_fee':
      return typeof value === 'number' && parseAmount(value) !== null ? null : 'must be an amount with at most 2 decimals';
    case 'transactions':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? null : 'must be a whole number of 0 or more';
    case 'status':
      return value === 'closed' || value === 'terminated' || value === null ? null : 'must be "closed", "terminated" or null';
    case 'date':
      return value === null || (typeof value === 'string' && dateTextToIso(value) === value) ? null : 'must be a date YYYY-MM-DD or null';
    default:
      return value === null || isText(value) ? null : 'must be a string or null';
  }
}

function checkColumns(columns: unknown, errors: FieldError[]): Map<string, FieldKey> {
  const fields = new Map<string, FieldKey>();
  if (!isRecord(columns)) {
    errors.push({ pointer: '/columns', message: 'must be an object of field → column header' });
    return fields;
  }
  const entries = Object.entries(columns);
  if (entries.length > MAX_COLUMNS) errors.push({ pointer: '/columns', message: `has ${entries.length} fields; at most ${MAX_COLUMNS}` });
  const headers = new Map<string, string>();
  for (const [key, header] of entries.slice(0, MAX_COLUMNS)) {
    const at = `/columns/${pointerPart(key)}`;
    const field = parseFieldKey(key);
    if (!field) {
      errors.push({
        pointer: at,
        message: `"${key.slice(0, 60)}" is not a field: use id, date, property, market, gp, assignment_fee, transactions, status, sides.<acq|dispo>.<agent|manager|credit> or attributes.<name>`,
      });
      continue;
    }
    if (!isText(header)) {
      errors.push({ pointer: at, message: `must be a column header (1 to ${MAX_TEXT} characters)` });
      continue;
    }
    const earlier = headers.get(headerKey(header));
    if (earlier !== undefined) errors.push({ pointer: at, message: `column "${header}" already feeds ${earlier}` });
    else headers.set(headerKey(header), key);
    fields.set(key, field);
  }
  if (!('gp' in columns)) errors.push({ pointer: '/columns/gp', message: 'is required: every closing needs its gross profit' });
  return fields;
}

function checkValues(values: unknown, fields: Map<string, FieldKey>, errors: FieldError[]): void {
  if (values === undefined) return;
  if (!isRecord(values)) {
    errors.push({ pointer: '/values', message: 'must be an object of field → {cell text → value}' });
    return;
  }
  for (const [key, map] of Object.entries(values)) {
    const at = `/values/${pointerPart(key)}`;
    const target = key === 'agents' || key === 'managers' ? 'people' : fields.get(key);
    if (!target) {
      errors.push({ pointer: at, message: parseFieldKey(key) ? `no column feeds ${key}: map it in columns first` : `"${key.slice(0, 60)}" is not a mapped field, "agents" or "managers"` });
      continue;
    }
    if (!isRecord(map)) {
      errors.push({ pointer: at, message: 'must be an object of cell text → value' });
      continue;
    }
    const entries = Object.entries(map);
    if (entries.length > MAX_VALUES) errors.push({ pointer: at, message: `has ${entries.length} values; at most ${MAX_VALUES}` });
    const seen = new Map<string, string>();
    for (const [text, value] of entries.slice(0, MAX_VALUES)) {
      const valueAt = `${at}/${pointerPart(text)}`;
      if (text.length > MAX_TEXT) {
        errors.push({ pointer: valueAt, message: `a cell text is at most ${MAX_TEXT} characters` });
        continue;
      }
      const folded = valueKey(text);
      const twin = seen.get(folded);
      if (twin !== undefined) errors.push({ pointer: valueAt, message: `matches the same cells as "${twin}" (texts match trimmed and case-insensitively)` });
      seen.set(folded, text);
      const problem = valueProblem(target, value);
      if (problem) errors.push({ pointer: valueAt, message: problem });
    }
  }
}

const KNOWN = new Set(['sheet', 'delimiter', 'decimal', 'columns', 'values']);

export function validateMapping(input: unknown): MappingCheck {
  const errors: FieldError[] = [];
  if (!isRecord(input)) return { ok: false, errors: [{ pointer: '', message: 'a mapping is an object {sheet?, delimiter?, decimal?, columns, values?}' }] };
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) errors.push({ pointer: `/${pointerPart(key)}`, message: 'is not a mapping member (sheet, delimiter, decimal, columns, values)' });
  }
  const { sheet, delimiter, decimal } = input;
  if (sheet !== undefined && !(isText(sheet, 31))) errors.push({ pointer: '/sheet', message: 'must be a sheet name (1 to 31 characters, as Excel allows)' });
  if (delimiter !== undefined && delimiter !== ',' && delimiter !== ';' && delimiter !== '\t') errors.push({ pointer: '/delimiter', message: 'must be ",", ";" or a tab' });
  if (decimal !== undefined && decimal !== '.' && decimal !== ',') errors.push({ pointer: '/decimal', message: 'must be "." or ","' });
  if (decimal === ',' && (delimiter === undefined || delimiter === ',')) {
    errors.push({ pointer: '/decimal', message: 'a decimal comma needs another field separator: "delimiter": ";" (or a tab)' });
  }
  const fields = checkColumns(input.columns, errors);
  checkValues(input.values, fields, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, mapping: input as unknown as ImportMapping };
}
