/** The xlsx guard: macros, zip bombs, too many parts, too many rows, files that are no xlsx. */
import assert from 'node:assert/strict';
import test from 'node:test';
import * as XLSX from '@e965/xlsx';
import { AppError } from '../../src/domain/app-error.js';
import { MAX_SHEET_ROWS } from '../../src/domain/closings/sheet.js';
import { XLSX_SHEET_LIMITS, xlsxSheet } from '../../src/domain/closings/xlsx-sheet.js';
import { zipEntries } from '../../src/domain/closings/zip-guard.js';
import { zipOf } from '../helpers/zip.js';

const CONTENT_TYPES =
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>';

const refusedAs = (kind: AppError['kind'], code: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof AppError && error.kind === kind && error.code === code && (!pattern || pattern.test(error.message));

function workbook(rows: unknown[][], name = 'Sheet1'): XLSX.WorkBook {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name);
  return book;
}

test('the directory reader lists what SheetJS wrote', () => {
  const bytes = XLSX.write(workbook([['a']]), { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  const names = zipEntries(bytes).map((entry) => entry.name);
  assert.ok(names.includes('[Content_Types].xml') && names.includes('xl/workbook.xml') && names.includes('xl/worksheets/sheet1.xml'));
});

test('a macro-enabled workbook (vbaProject.bin) is refused with a 415', () => {
  const book = workbook([['Property', 'GP']]);
  // SheetJS writes the VBA blob it is given as xl/vbaProject.bin, as Excel does for .xlsm.
  (book as XLSX.WorkBook & { vbaraw: Buffer }).vbaraw = Buffer.from('not really VBA');
  const xlsm = XLSX.write(book, { type: 'buffer', bookType: 'xlsm', bookVBA: true }) as Buffer;
  assert.ok(zipEntries(xlsm).some((entry) => entry.name === 'xl/vbaProject.bin'));
  assert.throws(() => xlsxSheet(xlsm), refusedAs('unsupported', 'xlsx-macros', /macros/));
  // A macro-enabled content type without the part is refused as well.
  const typed = zipOf([{ name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES.replace('spreadsheetml.sheet.main+xml', 'sheet.macroEnabled.main+xml').replace('openxmlformats-officedocument', 'ms-excel')) }]);
  assert.throws(() => xlsxSheet(typed), refusedAs('unsupported', 'xlsx-macros'));
});

test('a zip bomb is refused before the library inflates it: by the declared total, and by a part that lies about its size', () => {
  // 101 MB of zeros deflate to about 100 KB: honest about its size, refused on the 100 MB cap.
  const bomb = zipOf([{ name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(101 * 1024 * 1024) }]);
  assert.ok(bomb.length < 200 * 1024);
  assert.throws(() => xlsxSheet(bomb), refusedAs('too-large', 'xlsx-too-large', /more than 100 MB/));
  // 5 MB of zeros declared as 1 KB: caught while inflating, with no more than 1 KB produced.
  const liar = zipOf([{ name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(5 * 1024 * 1024), declared: 1024 }]);
  assert.throws(() => xlsxSheet(liar), refusedAs('too-large', 'xlsx-too-large', /inflates past the 1024 bytes it declares/));
  assert.throws(() => xlsxSheet(liar, undefined, { ...XLSX_SHEET_LIMITS, maxUncompressedBytes: 512 }), refusedAs('too-large', 'xlsx-too-large'));
});

test('too many parts is a 413 read from the directory alone', () => {
  const many = zipOf(Array.from({ length: 10_001 }, (_, i) => ({ name: `x/${i}.xml`, data: Buffer.from('') })));
  assert.throws(() => xlsxSheet(many), refusedAs('too-large', 'xlsx-too-large', /10001 parts/));
});

test('a sheet longer than the row cap is a 413; rows are not read past it', () => {
  assert.equal(MAX_SHEET_ROWS, 100_000);
  const rows: unknown[][] = [['Property', 'GP']];
  for (let i = 0; i < 1000; i += 1) rows.push([`${i} Main St`, 1]);
  const long = XLSX.write(workbook(rows), { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  const limits = { ...XLSX_SHEET_LIMITS, maxRows: 1000 };
  assert.throws(() => xlsxSheet(long, undefined, limits), refusedAs('too-large', 'sheet-too-large', /more than 1000 rows/));
  assert.equal(xlsxSheet(long, undefined, { ...limits, maxRows: 1001 }).sheet.rows.length, 1001);
  const wide = XLSX.write(workbook([Array.from({ length: 1001 }, (_, i) => `H${i}`)]), { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  assert.throws(() => xlsxSheet(wide), refusedAs('too-large', 'sheet-too-large', /1001 columns/));
});

test('files that are no xlsx: a CSV, an old .xls or encrypted workbook, a zip without a workbook, a binary .xlsb', () => {
  assert.throws(() => xlsxSheet(Buffer.from('Property,GP\r\n')), refusedAs('unsupported', 'not-xlsx', /not a zip/));
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
  assert.throws(() => xlsxSheet(ole), refusedAs('unsupported', 'not-xlsx', /password-protected or an old \.xls/));
  assert.throws(() => xlsxSheet(zipOf([{ name: 'readme.txt', data: Buffer.from('hi') }])), refusedAs('unsupported', 'not-xlsx', /no \[Content_Types\]/));
  const xlsb = XLSX.write(workbook([['a']]), { type: 'buffer', bookType: 'xlsb' }) as Buffer;
  assert.throws(() => xlsxSheet(xlsb), refusedAs('unsupported', 'not-xlsx'));
});

test('cells come as Excel stored them: formulas give their values, errors are named, booleans stay booleans', () => {
  const sheet: XLSX.WorkSheet = {
    A1: { t: 's', v: 'GP' },
    A2: { t: 'n', v: 12, f: 'SUM(B1:B9)' },
    A3: { t: 'e', v: 0x17, w: '#REF!' },
    A4: { t: 'b', v: true },
    '!ref': 'A1:A4',
  };
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, 'S');
  const read = xlsxSheet(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  assert.deepEqual(read.sheet.rows.map((row) => row.cells[0]), ['GP', 12, { error: '#REF!' }, true]);
});
