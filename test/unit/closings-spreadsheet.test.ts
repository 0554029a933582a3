/** The one door for uploaded closings spreadsheets (src/domain/closings/spreadsheet.ts): CSV or xlsx, one sheet. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { AppError } from '../../src/domain/app-error.js';
import type { Sheet } from '../../src/domain/closings/sheet.js';
import { CSV_MEDIA_TYPE, headerRowOf, mediaTypeOf, readSpreadsheet, SPREADSHEET_MEDIA_TYPES, unsupportedMediaType } from '../../src/domain/closings/spreadsheet.js';
import { XLSX_MEDIA_TYPE } from '../../src/domain/closings/xlsx-sheet.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const texts = (sheet: Sheet) => sheet.rows.map((row) => row.cells.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));

function xlsx(sheets: Record<string, unknown[][]>): Uint8Array {
  const book = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name);
  return new Uint8Array(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

describe('media types', () => {
  it('the type without parameters, lower case', () => {
    assert.equal(mediaTypeOf('Text/CSV; charset=windows-1252'), 'text/csv');
    assert.equal(mediaTypeOf('  application/JSON  '), 'application/json');
    assert.equal(mediaTypeOf(''), '');
    assert.deepEqual(SPREADSHEET_MEDIA_TYPES, [CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE]);
  });

  it('a 415 naming what was sent, or that nothing was named', () => {
    const refused = unsupportedMediaType('application/pdf; q=1');
    assert.ok(refused instanceof AppError);
    assert.equal(refused.kind, 'unsupported');
    assert.equal(refused.code, 'unsupported-media-type');
    assert.equal(refused.message, `Spreadsheets are read as text/csv or ${XLSX_MEDIA_TYPE}, not application/pdf.`);
    assert.match(unsupportedMediaType('').message, /, not an unnamed type\.$/);
    assert.equal(unsupportedMediaType(`x/${'y'.repeat(300)}`).message.length, `Spreadsheets are read as text/csv or ${XLSX_MEDIA_TYPE}, not .`.length + 100);
  });
});

describe('readSpreadsheet', () => {
  it('CSV: the delimiter guessed from the first line, or the one given', () => {
    const semicolons = readSpreadsheet({ bytes: bytes('Deal;GP\nd1;1000,50\n'), contentType: 'text/csv' });
    assert.equal(semicolons.delimiter, ';');
    assert.deepEqual(semicolons.sheetNames, []);
    assert.deepEqual(texts(semicolons.sheet), [['Deal', 'GP'], ['d1', '1000,50']]);
    const given = readSpreadsheet({ bytes: bytes('Deal;GP,x\n'), contentType: 'text/csv' }, { delimiter: ',' });
    assert.equal(given.delimiter, ',');
    assert.deepEqual(texts(given.sheet), [['Deal;GP', 'x']]);
    assert.equal(readSpreadsheet({ bytes: bytes('a\tb\tc\n1\t2\t3'), contentType: 'TEXT/CSV' }).delimiter, '\t');
    // One line without a line end is guessed from whole: its last separator counts (one ; and one , → ,).
    assert.equal(readSpreadsheet({ bytes: bytes('Deal;GP,'), contentType: 'text/csv' }).delimiter, ',');
  });

  it('CSV: Windows-1252 read when declared, by the content type or by the caller; other charsets refused', () => {
    const cp1252 = new Uint8Array([0x4e, 0x61, 0x6d, 0x65, 0x2c, 0x47, 0x50, 0x0a, 0x4a, 0x6f, 0x73, 0xe9, 0x2c, 0x31, 0x0a]); // Name,GP / José,1
    assert.deepEqual(texts(readSpreadsheet({ bytes: cp1252, contentType: 'text/csv; charset=windows-1252' }).sheet)[1], ['José', '1']);
    assert.deepEqual(texts(readSpreadsheet({ bytes: cp1252, contentType: 'text/csv', charset: 'Windows-1252' }).sheet)[1], ['José', '1']);
    assert.throws(() => readSpreadsheet({ bytes: bytes('a,b\n'), contentType: 'text/csv; charset=utf-16' }), { code: 'unsupported-charset' });
  });

  it('xlsx: the first sheet or the one named, with every sheet name', () => {
    const book = xlsx({ July: [['Deal', 'GP'], ['d1', 1000]], August: [['Deal', 'GP'], ['d2', 200]] });
    const first = readSpreadsheet({ bytes: book, contentType: XLSX_MEDIA_TYPE });
    assert.deepEqual(first.sheetNames, ['July', 'August']);
    assert.equal(first.sheetName, 'July');
    assert.equal(first.delimiter, undefined);
    assert.deepEqual(texts(first.sheet), [['Deal', 'GP'], ['d1', '1000']]);
    const named = readSpreadsheet({ bytes: book, contentType: `${XLSX_MEDIA_TYPE}; x=1` }, { sheet: 'August' });
    assert.equal(named.sheetName, 'August');
    assert.deepEqual(texts(named.sheet)[1], ['d2', '200']);
  });

  it('anything else: 415', () => {
    assert.throws(() => readSpreadsheet({ bytes: bytes('{}'), contentType: 'application/json' }), { code: 'unsupported-media-type' });
  });
});

describe('headerRowOf', () => {
  it('the first row with two filled cells, trailing blank headers dropped, blank rows skipped, rows cut to the headers', () => {
    const sheet: Sheet = {
      rows: [
        { row: 1, cells: ['Closings for July', null, ''] },
        { row: 2, cells: [] },
        { row: 4, cells: ['Deal', ' GP ', '', null] },
        { row: 5, cells: ['d1', 1000, 'extra'] },
        { row: 6, cells: [null, '  ', ''] },
        { row: 7, cells: ['d2'] },
        { row: 8, cells: [null, 5] },
      ],
    };
    assert.deepEqual(headerRowOf(sheet), { row: 4, headers: ['Deal', 'GP'], rows: [['d1', 1000], ['d2', null], [null, 5]] });
    assert.deepEqual(headerRowOf({ rows: [{ row: 1, cells: ['Deal', 'GP'] }, { row: 2, cells: ['d1', 1] }] }), { row: 1, headers: ['Deal', 'GP'], rows: [['d1', 1]] });
  });

  it('no such row: no headers', () => {
    assert.deepEqual(headerRowOf({ rows: [{ row: 1, cells: ['only', null] }] }), { row: 0, headers: [], rows: [] });
    assert.deepEqual(headerRowOf({ rows: [] }), { row: 0, headers: [], rows: [] });
  });
});
