import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as XLSX from '@e965/xlsx';
import { fromCsv } from '../../src/domain/imports/csv.js';
import { PAYEE_TEMPLATE, payeeTemplateCsv, payeeTemplateXlsx } from '../../src/domain/imports/template.js';
import { fromXlsxBytes } from '../../src/domain/imports/xlsx.js';

const committed = (name: string) => readFileSync(new URL(`../../docs/templates/${name}`, import.meta.url));

test('the payee template reads back, as CSV and as xlsx, to its example month exactly', () => {
  assert.deepEqual(fromCsv(payeeTemplateCsv()), { months: [PAYEE_TEMPLATE], errors: [] });
  assert.deepEqual(fromXlsxBytes(payeeTemplateXlsx()), { months: [PAYEE_TEMPLATE], errors: [] });
});

test('the templates the README links (docs/templates) are the ones the API serves', () => {
  assert.equal(committed('payee-month-template.csv').toString('utf8'), payeeTemplateCsv(), 'regenerate docs/templates from src/domain/imports/template.ts');
  assert.deepEqual(fromXlsxBytes(committed('payee-month-template.xlsx')), { months: [PAYEE_TEMPLATE], errors: [] });
});

function workbook(rows: unknown[][]): Buffer {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Sheet1');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

const HEADER = ['month', 'payee_type', 'name', 'agent_type', 'manager', 'market', 'team', 'gp', 'deals', 'terminations', 'commission'];

test('an xlsx payee sheet: a month Excel made a date, numbers as amounts, short rows and blank rows', () => {
  // 45901 is 2025-09-01 as Excel stores a typed "2025-09"; the agent row stops after its last cell.
  const read = fromXlsxBytes(workbook([HEADER, [], [45901, 'agent', 'Ana', 'acq', null, null, null, 1234.5, 3, null, 99.99], ['2025-09', 'manager', 'Mo', null, null, null, 'Ana', null, null, null, 10]]));
  assert.deepEqual(read.errors, []);
  assert.deepEqual(read.months, [{ month: '2025-09', agents: [{ name: 'Ana', type: 'acq', gp: 1234.5, deals: 3, commission: 99.99 }], managers: [{ name: 'Mo', commission: 10, team: ['Ana'] }] }]);
});

test('an xlsx payee sheet is checked as the CSV is: the same pointers for the same mistakes', () => {
  const rows = [HEADER, ['2025-09', 'agent', 'Ana', 'acq', '', '', '', '12.345', '3', '', '1']];
  const csv = fromCsv(rows.map((row) => row.join(',')).join('\n'));
  const xlsx = fromXlsxBytes(workbook(rows));
  assert.deepEqual(xlsx, csv);
  assert.deepEqual(xlsx.errors.map((e) => e.pointer), ['/rows/1/gp']);
  assert.deepEqual(fromXlsxBytes(workbook([['month', 'name']])).errors[0], { pointer: '/header', message: "Missing column 'payee_type'" });
});
