/**
 * The mapping check (src/domain/closings/mapping-check.ts) rule by rule: each value a values map may
 * give each kind of field, each bound at its edge, and every error's pointer and message, since the
 * web app shows them beside the mapping the user is editing.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { validateMapping } from '../../src/domain/closings/mapping-check.js';
import type { FieldError } from '../../src/domain/field-error.js';

const errorsOf = (input: unknown): FieldError[] => {
  const check = validateMapping(input);
  return check.ok ? [] : check.errors;
};

/** The errors of one values map for one field, mapped to a column beside GP. */
function valueErrors(field: string, value: unknown): string[] {
  const columns: Record<string, string> = { gp: 'GP' };
  if (field !== 'gp' && field !== 'agents') columns[field] = 'The column';
  return errorsOf({ columns, values: { [field]: { 'the cell': value } } }).map((error) => {
    assert.equal(error.pointer, `/values/${field}/the cell`);
    return error.message;
  });
}

const NAME = 'must be a name or null (null is the house, no payee)';
const long = (length: number) => 'x'.repeat(length);

test('what a values map may turn a cell into, field by field', () => {
  const cases: Array<[field: string, accepted: unknown[], refused: unknown[], message: string]> = [
    ['agents', [null, 'Steve', long(200)], ['', '   ', long(201), 5, false], NAME],
    ['sides.acq.agent', [null, 'Steve'], ['', 5, true], NAME],
    ['sides.dispo.manager', [null, 'Maegan'], [' ', 0], NAME],
    ['attributes.flat_fee', [null, true, false, 0, -2.5, 'assignment'], ['', Number.POSITIVE_INFINITY, Number.NaN, {}, []], 'must be a boolean, a number, a string or null'],
    ['sides.acq.credit', [0, 1, 0.5, '0.5', '.5', '1', '0'], [1.5, -0.1, '1.5', '5.', '-0.5', '50%', 'half', '', null, true], 'must be a credit between 0 and 1'],
    ['gp', [0, 10, 10.25, -5], [10.255, '10', null, Number.NaN], 'must be an amount with at most 2 decimals'],
    ['assignment_fee', [6000], [0.001, '6000'], 'must be an amount with at most 2 decimals'],
    ['transactions', [0, 3], [-1, 1.5, '2', null, 2 ** 53], 'must be a whole number of 0 or more'],
    ['status', ['closed', 'terminated', null], ['Closed', 'open', '', 1], 'must be "closed", "terminated" or null'],
    ['date', [null, '2025-09-30', '2024-02-29'], ['9/30/25', '2025-02-30', '2025-9-30', '', 20250930], 'must be a date YYYY-MM-DD or null'],
    ['market', [null, 'Phoenix, AZ'], ['', 5], 'must be a string or null'],
    ['id', [null, 'D-1'], [7], 'must be a string or null'],
  ];
  for (const [field, accepted, refused, message] of cases) {
    for (const value of accepted) assert.deepEqual(valueErrors(field, value), [], `${field} ← ${JSON.stringify(value)}`);
    for (const value of refused) assert.deepEqual(valueErrors(field, value), [message], `${field} ← ${String(value)}`);
  }
});

test('columns: an object of known fields to headers of 1 to 200 characters, each header once, GP required', () => {
  for (const columns of [undefined, null, [], 'GP']) {
    assert.deepEqual(errorsOf({ columns }), [{ pointer: '/columns', message: 'must be an object of field → column header' }]);
  }
  assert.deepEqual(errorsOf({ columns: { market: 'Market' } }), [{ pointer: '/columns/gp', message: 'is required: every closing needs its gross profit' }]);
  assert.deepEqual(errorsOf({ columns: { gp: long(200) } }), []);
  for (const header of ['', '  ', long(201), 5, null]) {
    assert.deepEqual(errorsOf({ columns: { gp: 'GP', market: header } }), [{ pointer: '/columns/market', message: 'must be a column header (1 to 200 characters)' }]);
  }
  assert.deepEqual(errorsOf({ columns: { gp: 'GP', [`sides.acq.${long(70)}`]: 'X' } }), [
    {
      pointer: `/columns/sides.acq.${long(70)}`,
      message: `"sides.acq.${long(50)}" is not a field: use id, date, property, market, gp, assignment_fee, transactions, status, sides.<acq|dispo>.<agent|manager|credit> or attributes.<name>`,
    },
  ]);
  // Headers match trimmed and in any case: one column cannot feed two fields.
  assert.deepEqual(errorsOf({ columns: { gp: 'GP', assignment_fee: ' gp ' } }), [{ pointer: '/columns/assignment_fee', message: 'column " gp " already feeds gp' }]);
  // RFC 6901 pointers: "~" and "/" in a key are escaped.
  assert.deepEqual(errorsOf({ columns: { gp: 'GP', 'attributes.a/b~c': '' } }).map((error) => error.pointer), ['/columns/attributes.a~1b~0c']);
});

test('at most 200 fields are checked, and saying so is an error of its own', () => {
  const columns = (count: number) => Object.fromEntries([['gp', 'GP'], ...Array.from({ length: count - 1 }, (_, i) => [`attributes.a${i}`, `A${i}`])]);
  assert.deepEqual(errorsOf({ columns: columns(200) }), []);
  assert.deepEqual(errorsOf({ columns: columns(201) }), [{ pointer: '/columns', message: 'has 201 fields; at most 200' }]);
  // Past the 200th, fields are not read at all (a bad one there adds nothing).
  assert.deepEqual(errorsOf({ columns: { ...columns(200), bogus: 'B' } }), [{ pointer: '/columns', message: 'has 201 fields; at most 200' }]);
});

test('values: an object of mapped fields (or agents, managers) to cell texts, at most 1,000 a field, texts of at most 200', () => {
  const base = { columns: { gp: 'GP', 'attributes.flat_fee': 'Flat Fee' } };
  for (const values of [null, [], 'YES']) {
    assert.deepEqual(errorsOf({ ...base, values }), [{ pointer: '/values', message: 'must be an object of field → {cell text → value}' }]);
  }
  assert.deepEqual(errorsOf({ ...base, values: { market: { x: 'y' } } }), [{ pointer: '/values/market', message: 'no column feeds market: map it in columns first' }]);
  assert.deepEqual(errorsOf({ ...base, values: { people: { x: null } } }), [{ pointer: '/values/people', message: '"people" is not a mapped field, "agents" or "managers"' }]);
  assert.deepEqual(errorsOf({ ...base, values: { managers: ['House'] } }), [{ pointer: '/values/managers', message: 'must be an object of cell text → value' }]);
  assert.deepEqual(errorsOf({ ...base, values: { managers: { House: null, 'N/A': null } } }), []);

  const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`v${i}`, true]));
  assert.deepEqual(errorsOf({ ...base, values: { 'attributes.flat_fee': many(1000) } }), []);
  assert.deepEqual(errorsOf({ ...base, values: { 'attributes.flat_fee': { ...many(1000), bad: {} } } }), [{ pointer: '/values/attributes.flat_fee', message: 'has 1001 values; at most 1000' }]);

  assert.deepEqual(errorsOf({ ...base, values: { 'attributes.flat_fee': { [long(200)]: true } } }), []);
  assert.deepEqual(errorsOf({ ...base, values: { 'attributes.flat_fee': { [long(201)]: {} } } }), [{ pointer: `/values/attributes.flat_fee/${long(201)}`, message: 'a cell text is at most 200 characters' }]);
  // Two texts that match the same cells (trimmed, any case), and a bad value: both said.
  assert.deepEqual(errorsOf({ ...base, values: { 'attributes.flat_fee': { YES: true, ' yes ': {}, 'a/b': true } } }), [
    { pointer: '/values/attributes.flat_fee/ yes ', message: 'matches the same cells as "YES" (texts match trimmed and case-insensitively)' },
    { pointer: '/values/attributes.flat_fee/ yes ', message: 'must be a boolean, a number, a string or null' },
  ]);
});

test('the mapping itself: an object of known members; a sheet name as Excel allows; the separators that can be told apart', () => {
  for (const input of [null, [], 'mapping', 3]) {
    assert.deepEqual(errorsOf(input), [{ pointer: '', message: 'a mapping is an object {sheet?, delimiter?, decimal?, columns, values?}' }]);
  }
  const columns = { gp: 'GP' };
  assert.deepEqual(errorsOf({ columns, colums: {}, 'a/b': 1 }), [
    { pointer: '/colums', message: 'is not a mapping member (sheet, delimiter, decimal, columns, values)' },
    { pointer: '/a~1b', message: 'is not a mapping member (sheet, delimiter, decimal, columns, values)' },
  ]);
  assert.deepEqual(errorsOf({ columns, sheet: long(31) }), []);
  for (const sheet of [long(32), '', ' ', 1]) assert.deepEqual(errorsOf({ columns, sheet }), [{ pointer: '/sheet', message: 'must be a sheet name (1 to 31 characters, as Excel allows)' }]);
  for (const delimiter of [',', ';', '\t']) assert.deepEqual(errorsOf({ columns, delimiter }), []);
  for (const delimiter of ['|', '', ' ', 0]) assert.deepEqual(errorsOf({ columns, delimiter }), [{ pointer: '/delimiter', message: 'must be ",", ";" or a tab' }]);
  for (const decimal of ['.', ',']) assert.deepEqual(errorsOf({ columns, delimiter: ';', decimal }), []);
  assert.deepEqual(errorsOf({ columns, delimiter: '\t', decimal: ',' }), []);
  assert.deepEqual(errorsOf({ columns, decimal: '.' }), []);
  for (const decimal of ['', ' ', 'x', 1]) assert.deepEqual(errorsOf({ columns, delimiter: ';', decimal }), [{ pointer: '/decimal', message: 'must be "." or ","' }]);
  const comma = { pointer: '/decimal', message: 'a decimal comma needs another field separator: "delimiter": ";" (or a tab)' };
  assert.deepEqual(errorsOf({ columns, decimal: ',' }), [comma]);
  assert.deepEqual(errorsOf({ columns, delimiter: ',', decimal: ',' }), [comma]);

  const mapping = { sheet: 'Closings', delimiter: ';', decimal: ',', columns, values: {} };
  assert.deepEqual(validateMapping(mapping), { ok: true, mapping });
});
