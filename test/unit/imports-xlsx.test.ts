import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { fromXlsxBytes } from '../../src/domain/imports/xlsx.js';

const HEADER = ['month', 'payee_type', 'name', 'agent_type', 'manager', 'market', 'team', 'gp', 'deals', 'terminations', 'commission'];

/** A workbook of sheets given as rows (null: no cell), written as Excel writes it. */
function workbook(sheets: Record<string, unknown[][]>, options: { date1904?: boolean } = {}): Buffer {
  const book = XLSX.utils.book_new();
  if (options.date1904) book.Workbook = { WBProps: { date1904: true } };
  for (const [name, rows] of Object.entries(sheets)) XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name);
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

const agent = (name: string, gp = 1) => ({ name, type: 'acq', gp, deals: 1, commission: 1 });

describe('fromXlsxBytes', () => {
  it('reads the first sheet, or the one named', () => {
    const bytes = workbook({
      First: [HEADER, ['2025-09', 'agent', 'Ana', 'acq', null, null, null, 1, 1, null, 1]],
      Second: [HEADER, ['2025-10', 'agent', 'Bo', 'acq', null, null, null, 2, 1, null, 1]],
    });
    assert.deepEqual(fromXlsxBytes(bytes), { months: [{ month: '2025-09', agents: [agent('Ana')], managers: [] }], errors: [] });
    assert.deepEqual(fromXlsxBytes(bytes, { sheet: 'Second' }), { months: [{ month: '2025-10', agents: [agent('Bo', 2)], managers: [] }], errors: [] });
  });

  it('passes the month being imported on to the reader: a blank month cell is that month, another month is refused', () => {
    const bytes = workbook({ S: [HEADER, [null, 'agent', 'Ana', 'acq', null, null, null, 1, 1, null, 1], ['2025-08', 'agent', 'Bo', 'acq', null, null, null, 1, 1, null, 1]] });
    assert.deepEqual(fromXlsxBytes(bytes, { month: '2025-09' }).errors, [{ pointer: '/rows/2/month', message: '2025-08 is not the month being imported (2025-09)' }]);
    assert.deepEqual(fromXlsxBytes(bytes).errors, [{ pointer: '/rows/1/month', message: 'is required' }]);
  });

  it('takes the first filled row for the header, skipping blank rows before and between (not counted as rows)', () => {
    const bytes = workbook({
      S: [
        [],
        [null, '  ', ''],
        HEADER,
        [null, null],
        ['2025-09', 'agent', 'Ana', 'acq', null, null, null, 1, 1, null, 1],
        [' ', null, '\u00a0'],
        ['2025-09', 'agent', 'Bo', 'acq', null, null, null, 'x', 1, null, 1],
      ],
    });
    // Bo is the second data row once blank rows are skipped.
    assert.deepEqual(fromXlsxBytes(bytes).errors.map((e) => e.pointer), ['/rows/2/gp']);
  });

  it('finds the month column by its trimmed, case-insensitive name, wherever it is, and reads a date serial there as its month', () => {
    // 45901 is 2025-09-01 in Excel's 1900 date system; in other columns numbers stay numbers.
    const header = ['name', 'payee_type', ' Month ', 'agent_type', 'manager', 'market', 'team', 'gp', 'deals', 'terminations', 'commission'];
    const bytes = workbook({ S: [header, ['Ana', 'agent', 45901, 'acq', null, null, null, 45901, 3, 1, 99.5]] });
    assert.deepEqual(fromXlsxBytes(bytes), {
      months: [{ month: '2025-09', agents: [{ name: 'Ana', type: 'acq', gp: 45901, deals: 3, commission: 99.5, terminations: 1 }], managers: [] }],
      errors: [],
    });
  });

  it('reads the month serial in the 1904 date system when the workbook uses it', () => {
    // 1904-01-01 is 1462 days after Excel's 1900-01-00 epoch: 45901 − 1462 = 44439 is 2025-09-01
    // counted from 1904, and 2021-08-31 counted from 1900.
    const rows = [HEADER, [44439, 'agent', 'Ana', 'acq', null, null, null, 1, 1, null, 1]];
    assert.equal(fromXlsxBytes(workbook({ S: rows }, { date1904: true })).months[0]?.month, '2025-09');
    assert.equal(fromXlsxBytes(workbook({ S: rows })).months[0]?.month, '2021-08');
  });

  it('reads a month number that is no date as its text, which the reader refuses', () => {
    // 60 is Excel's 1900-02-29, a day that never was; -1 is before any date.
    const bytes = workbook({ S: [HEADER, [60, 'agent', 'Ana', 'acq', null, null, null, 1, 1, null, 1], [-1, 'agent', 'Bo', 'acq', null, null, null, 1, 1, null, 1]] });
    assert.deepEqual(fromXlsxBytes(bytes).errors, [
      { pointer: '/rows/1/month', message: "'60' is not a real month (YYYY-MM)" },
      { pointer: '/rows/2/month', message: "'-1' is not a real month (YYYY-MM)" },
    ]);
  });

  it('pads a short row to the header with empty cells', () => {
    // Ana's row stops at deals: terminations and commission are empty, so commission is missing.
    const bytes = workbook({ S: [HEADER, ['2025-09', 'agent', 'Ana', 'acq', null, null, null, 1, 1]] });
    assert.deepEqual(fromXlsxBytes(bytes).errors, [{ pointer: '/rows/1/commission', message: 'is required' }]);
  });

  it('drops blank cells past the header, but a filled one makes the row too long', () => {
    const bytes = workbook({
      S: [
        [...HEADER, '', null, ' '],
        ['2025-09', 'agent', 'Ana', 'acq', null, null, null, 1, 1, null, 1, '', ' ', null, ''],
        ['2025-09', 'agent', 'Bo', 'acq', null, null, null, 1, 1, null, 1, null, 'note'],
      ],
    });
    assert.deepEqual(fromXlsxBytes(bytes).errors, [{ pointer: '/rows/2', message: 'Expected 11 cells, found 13' }]);
    const ok = workbook({ S: [[...HEADER, '', ' '], ['2025-09', 'agent', 'Ana', 'acq', null, null, null, 1, 1, null, 1, ' ']] });
    assert.deepEqual(fromXlsxBytes(ok), { months: [{ month: '2025-09', agents: [agent('Ana')], managers: [] }], errors: [] });
  });

  it('keeps blank cells inside the header\'s width: a blank last column is an empty cell, not a short row', () => {
    // commission blank on a row that goes on to a blank 12th cell: the row is cut back to 11, not 10.
    const bytes = workbook({ S: [HEADER, ['2025-09', 'manager', 'Mo', null, null, null, null, null, null, null, '', '']] });
    assert.deepEqual(fromXlsxBytes(bytes).errors, [{ pointer: '/rows/1/commission', message: 'is required' }]);
  });

  it('a header only is a month of nothing; a sheet without a filled cell is an empty file', () => {
    assert.deepEqual(fromXlsxBytes(workbook({ S: [HEADER] })), { months: [], errors: [] });
    const empty = fromXlsxBytes(workbook({ S: [[null, ''], []] }));
    assert.deepEqual(empty, { months: [], errors: [{ pointer: '/header', message: `The file is empty; expected the header ${HEADER.join(',')}` }] });
  });

  it('reads other cells as the text a CSV of the sheet would hold: booleans, spaces trimmed', () => {
    const bytes = workbook({ S: [HEADER, ['2025-09', ' agent ', '  Ana Cole ', 'acq', true, null, null, '1.50', 2, 0, 1]] });
    assert.deepEqual(fromXlsxBytes(bytes), {
      months: [{ month: '2025-09', agents: [{ name: 'Ana Cole', type: 'acq', gp: 1.5, deals: 2, commission: 1, terminations: 0, manager: 'TRUE' }], managers: [] }],
      errors: [],
    });
  });
});
