/**
 * Closings spreadsheets read through a mapping: a worked example written like a real export, the
 * same sheet as xlsx, encodings, and a `;` file with decimal commas.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import iconv from 'iconv-lite';
import { AppError } from '../../src/domain/app-error.js';
import type { Closing } from '../../src/domain/closings/closing.js';
import { companyTotals, creditsOf, totalsByPerson } from '../../src/domain/closings/credits.js';
import { csvSheet } from '../../src/domain/closings/csv-sheet.js';
import type { ImportMapping } from '../../src/domain/closings/mapping.js';
import { validateMapping } from '../../src/domain/closings/mapping-check.js';
import { closingsFromSheet } from '../../src/domain/closings/sheet-closings.js';
import { xlsxSheet } from '../../src/domain/closings/xlsx-sheet.js';
import { EXPORT, exportAsXlsx, MAPPING } from '../helpers/closings-export.js';


const EXPECTED: { row: number; closing: Closing }[] = [
  {
    row: 2,
    closing: {
      date: '2025-09-30',
      property: '5118 Reno St, Philadelphia, PA 19139',
      gp: 6000,
      assignment_fee: 6000,
      transactions: 1,
      status: 'closed',
      attributes: { flat_fee: false, tl_eligible: true, exit_strategy: 'Assignment' },
      sides: [
        { role: 'acq', agent: 'Steve Shelburne', manager: 'Devin Buford' },
        { role: 'dispo', agent: 'Vincent Gnapi', manager: 'Maegan Grace' },
      ],
    },
  },
  {
    row: 3,
    closing: {
      date: '2025-09-12',
      property: '77 Elm Ave, Camden, NJ 08102',
      gp: 1234.5,
      transactions: 1,
      status: 'closed',
      attributes: { flat_fee: true, tl_eligible: false, exit_strategy: 'Novation' },
      sides: [{ role: 'acq', agent: 'Kyle Singer', manager: 'Devin Buford' }],
    },
  },
  {
    row: 4,
    closing: {
      date: '2025-09-03',
      property: '12 Oak Ct, Trenton, NJ 08608',
      gp: -250,
      transactions: 0,
      status: 'closed',
      // Blank flag cells take the maps' `*`: not flat-fee, TL-eligible.
      attributes: { flat_fee: false, tl_eligible: true, exit_strategy: 'Memo' },
      sides: [{ role: 'acq', agent: 'Kyle Singer', manager: 'Devin Buford' }],
    },
  },
  {
    row: 5,
    closing: {
      date: '2025-09-05',
      property: '901 Pine St, Philadelphia, PA 19107',
      gp: 3500,
      assignment_fee: 4000,
      transactions: 1,
      status: 'closed',
      attributes: { flat_fee: false, tl_eligible: true, exit_strategy: 'Wholetail' },
      sides: [
        { role: 'acq', agent: null },
        { role: 'dispo', agent: 'José Núñez', manager: 'Maegan Grace' },
      ],
    },
  },
];

function readCsv(bytes: Uint8Array, mapping: ImportMapping = MAPPING, charset?: 'utf-8' | 'windows-1252') {
  return closingsFromSheet(csvSheet(bytes, { ...(charset ? { charset } : {}), ...(mapping.delimiter ? { delimiter: mapping.delimiter } : {}) }), mapping, '2025-09');
}

test('the worked example: every closing field by field, warnings for the blank and totals lines', () => {
  assert.ok(validateMapping(MAPPING).ok);
  const result = readCsv(EXPORT);
  assert.deepEqual(result.errors, []);
  assert.equal(result.headerRow, 1);
  assert.deepEqual(result.rows, EXPECTED);
  assert.deepEqual(result.document, { month: '2025-09', closings: EXPECTED.map((r) => r.closing) });
  assert.deepEqual(result.warnings, ['row 6 skipped: blank', 'row 7 skipped: no property or agent (a totals line?)']);
});

test('the worked example to the cent: company GP, credited GP per person and role, team GP per manager', () => {
  const { document } = readCsv(EXPORT);
  // Company GP 6,000 + 1,234.50 − 250 + 3,500 = 10,484.50 (the totals line is not a deal);
  // transactions 1 + 1 + 0 (memo) + 1 = 3.
  assert.deepEqual(companyTotals(document.closings), { gpCents: 1_048_450, transactions: 3, closed: 4, terminated: 0 });
  const totals = new Map(totalsByPerson(creditsOf(document.closings)).map((t) => [`${t.kind}/${t.role}/${t.person}`, t]));
  const gp = (key: string) => totals.get(key)?.gpCents.toString();
  assert.equal(gp('agent/acq/Steve Shelburne'), '600000');
  assert.equal(gp('agent/acq/Kyle Singer'), '98450'); // 1,234.50 − 250 = 984.50
  assert.equal(totals.get('agent/acq/Kyle Singer')?.transactions, 1); // the memo row counts no transaction
  assert.equal(gp('agent/dispo/Vincent Gnapi'), '600000');
  assert.equal(gp('agent/dispo/José Núñez'), '350000');
  assert.equal(gp('manager/acq/Devin Buford'), '698450'); // 6,000 + 1,234.50 − 250
  assert.equal(gp('manager/dispo/Maegan Grace'), '950000'); // 6,000 + 3,500
  // The house acquisition (Ex Rebuilt mapped to null) credits no one.
  assert.equal(totals.size, 6);
  assert.ok(![...totals.keys()].some((key) => key.includes('Ex Rebuilt')));
});

test('the same sheet as xlsx (numbers, date serials, formulas with stored values) gives the identical closings', () => {
  const read = xlsxSheet(exportAsXlsx(), 'dispo closings');
  assert.deepEqual(read.sheetNames, ['Notes', 'Dispo Closings']);
  assert.equal(read.sheetName, 'Dispo Closings');
  const result = closingsFromSheet(read.sheet, { ...MAPPING, sheet: 'Dispo Closings' }, '2025-09');
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.rows, readCsv(EXPORT).rows);
  assert.deepEqual(result.rows, EXPECTED);
  assert.deepEqual(result.warnings, ['row 6 skipped: blank', 'row 7 skipped: no property or agent (a totals line?)']);
});

test('without a sheet named, the first is read; an unknown sheet is a 422 naming the sheets there are', () => {
  assert.equal(xlsxSheet(exportAsXlsx()).sheetName, 'Notes');
  assert.throws(
    () => xlsxSheet(exportAsXlsx(), 'Closings'),
    (error: unknown) => error instanceof AppError && error.kind === 'invalid' && error.errors?.[0]?.pointer === '/sheet' && /"Notes", "Dispo Closings"/.test(error.errors[0].message),
  );
});

test('Windows-1252 bytes: 415 naming the row of the first bad byte unless declared; declared, the names are exact', () => {
  const text = EXPORT.subarray(3).toString('utf8');
  const cp1252 = iconv.encode(text, 'windows-1252');
  assert.ok(cp1252.includes(0xe9)); // é as one byte
  assert.throws(
    () => readCsv(cp1252),
    (error: unknown) => error instanceof AppError && error.kind === 'unsupported' && error.details.row === 5 && /byte 0xE9 at row 5/.test(error.message),
  );
  const declared = readCsv(cp1252, MAPPING, 'windows-1252');
  assert.deepEqual(declared.errors, []);
  assert.equal(declared.rows[3]!.closing.sides[1]!.agent, 'José Núñez');
  assert.deepEqual(declared.rows, EXPECTED);
  // € (0x80 in Windows-1252) is where ISO-8859-1 decoders go wrong.
  const euro = readCsv(Buffer.from(iconv.encode('Property Address,Gross Profit,Acq Agent\r\n1 € St,100,Zoë\r\n', 'windows-1252')), { columns: { property: 'Property Address', gp: 'Gross Profit', 'sides.acq.agent': 'Acq Agent' } }, 'windows-1252');
  assert.equal(euro.rows[0]!.closing.property, '1 € St');
  assert.equal(euro.rows[0]!.closing.sides[0]!.agent, 'Zoë');
});

test('no replacement characters: invalid UTF-8 is refused even when a UTF-8 BOM is there, and bytes Windows-1252 lacks are refused', () => {
  const broken = Buffer.concat([EXPORT.subarray(0, 40), Buffer.from([0xc3, 0x28]), EXPORT.subarray(40)]);
  assert.throws(() => readCsv(broken), (e: unknown) => e instanceof AppError && e.kind === 'unsupported' && e.details.row === 1);
  assert.throws(() => readCsv(broken, MAPPING, 'windows-1252'), (e: unknown) => e instanceof AppError && e.kind === 'unsupported');
  const undefinedByte = Buffer.from('Property Address,Gross Profit\r\nA\x81B,1\r\n', 'latin1');
  assert.throws(() => readCsv(undefinedByte, { columns: { property: 'Property Address', gp: 'Gross Profit' } }, 'windows-1252'), (e: unknown) => e instanceof AppError && e.details.row === 2);
});

test('a ";" file with decimal commas, as European Excel writes it', () => {
  const mapping: ImportMapping = {
    delimiter: ';',
    decimal: ',',
    columns: { property: 'Objekt', gp: 'GP', assignment_fee: 'Fee', 'sides.acq.agent': 'Agent' },
  };
  assert.ok(validateMapping(mapping).ok);
  const file = Buffer.from('Objekt;GP;Fee;Agent\r\n"Rue 1; Paris";5.000,50;"1.234.567,8";Anne\r\nRue 2;(12,30);;Bob\r\nRue 3;7 500;7500;Cleo\r\n', 'utf8');
  const result = readCsv(file, mapping);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.rows.map((r) => [r.closing.property, r.closing.gp, r.closing.assignment_fee]),
    [
      ['Rue 1; Paris', 5000.5, 1234567.8],
      ['Rue 2', -12.3, undefined],
      ['Rue 3', 7500, 7500],
    ],
  );
  // Read with the default decimal point, "5.000,50" is no amount: the error says where and what.
  const wrong = readCsv(file, { ...mapping, decimal: '.' });
  assert.deepEqual(wrong.errors[0], { pointer: '/rows/2/GP', message: 'row 2, column "GP": cannot read "5.000,50" as an amount' });
});

test('an unreadable cell is an error naming row, header and raw text; every error at once; nothing taken from a bad row', () => {
  const file = Buffer.from(
    [
      'Property Address,Gross Profit,Trx #,Dispo Closing Date,Acq Agent',
      'A St,100,1,9/30/25,Ann',
      'B St,12O0,1,9/30/25,Bo',
      'C St,,x,13/45/25,Cy',
      'D St,"1,00",1,9/31/25,Di',
    ].join('\r\n'),
  );
  const result = readCsv(file, { columns: { property: 'Property Address', gp: 'Gross Profit', transactions: 'Trx #', date: 'Dispo Closing Date', 'sides.acq.agent': 'Acq Agent' } });
  assert.deepEqual(result.errors, [
    { pointer: '/rows/3/Gross Profit', message: 'row 3, column "Gross Profit": cannot read "12O0" as an amount' },
    { pointer: '/rows/4/Gross Profit', message: 'row 4, column "Gross Profit": is empty; every closing needs its gross profit' },
    { pointer: '/rows/4/Trx #', message: 'row 4, column "Trx #": cannot read "x" as a whole number of 0 or more' },
    { pointer: '/rows/4/Dispo Closing Date', message: 'row 4, column "Dispo Closing Date": cannot read "13/45/25" as a date (M/D/YY, MM/DD/YYYY or YYYY-MM-DD)' },
    { pointer: '/rows/5/Gross Profit', message: 'row 5, column "Gross Profit": cannot read "1,00" as an amount' },
    { pointer: '/rows/5/Dispo Closing Date', message: 'row 5, column "Dispo Closing Date": cannot read "9/31/25" as a date (M/D/YY, MM/DD/YYYY or YYYY-MM-DD)' },
  ]);
  assert.deepEqual(result.rows.map((r) => r.row), [2]);
});

test('a mapped column missing from the sheet, or there twice, is an error of the mapping; title lines above the headers are passed over', () => {
  const missing = readCsv(Buffer.from('Property,GP\r\nA,1\r\n'), { columns: { property: 'Property', gp: 'Gross Profit' } });
  assert.deepEqual(missing.errors, [{ pointer: '/columns/gp', message: 'column "Gross Profit" (for gp) is not in the sheet; its headers are "Property", "GP"' }]);
  const twice = readCsv(Buffer.from('Property,GP,gp \r\nA,1,2\r\n'), { columns: { property: 'Property', gp: 'GP' } });
  assert.deepEqual(twice.errors, [{ pointer: '/columns/gp', message: 'column "GP" (for gp) appears 2 times in the sheet (columns B, C)' }]);
  const titled = readCsv(Buffer.from('September closings,,\r\n,,\r\nProperty,GP,Agent\r\nA,1,Ann\r\n'), { columns: { property: 'Property', gp: 'GP', 'sides.acq.agent': 'Agent' } });
  assert.equal(titled.headerRow, 3);
  assert.deepEqual(titled.rows, [{ row: 4, closing: { property: 'A', gp: 1, transactions: 1, status: 'closed', sides: [{ role: 'acq', agent: 'Ann' }] } }]);
});

test('ids, status, credits and markets when mapped; values maps for status and managers', () => {
  const file = Buffer.from('Deal,Status,GP,Acq,Acq %,Dispo,Dispo Mgr,Market\r\nR-1,Closed,100,Ann,50%,Bo,TBD,"Phoenix, AZ"\r\nR-2,Cancelled,200,Ann,1,,,\r\n');
  const result = readCsv(file, {
    columns: { id: 'Deal', status: 'Status', gp: 'GP', 'sides.acq.agent': 'Acq', 'sides.acq.credit': 'Acq %', 'sides.dispo.agent': 'Dispo', 'sides.dispo.manager': 'Dispo Mgr', market: 'Market' },
    values: { status: { cancelled: 'terminated' }, managers: { tbd: null } },
  });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.document.closings, [
    { id: 'R-1', market: 'Phoenix, AZ', gp: 100, transactions: 1, status: 'closed', sides: [{ role: 'acq', agent: 'Ann', credit: '0.5' }, { role: 'dispo', agent: 'Bo', manager: null }] },
    { id: 'R-2', gp: 200, transactions: 1, status: 'terminated', sides: [{ role: 'acq', agent: 'Ann', credit: '1' }] },
  ]);
});

test('strict UTF-8: overlong forms, surrogates and bytes past U+10FFFF are found where they start; UTF-16 files are refused', async () => {
  const { firstInvalidUtf8, decodeText, declaredCharset, readableCharset } = await import('../../src/domain/imports/text-encoding.js');
  assert.equal(firstInvalidUtf8(Buffer.from('José', 'utf8')), -1);
  assert.equal(firstInvalidUtf8(Buffer.from([0x41, 0xc0, 0x80])), 1); // overlong NUL
  assert.equal(firstInvalidUtf8(Buffer.from([0x41, 0x42, 0xed, 0xa0, 0x80])), 2); // a UTF-16 surrogate
  assert.equal(firstInvalidUtf8(Buffer.from([0xf5, 0x80, 0x80, 0x80])), 0);
  assert.equal(firstInvalidUtf8(Buffer.from([0x41, 0xe2, 0x82])), 1); // cut short at the end
  assert.equal(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x41])), 'A');
  assert.throws(() => decodeText(Buffer.from([0xff, 0xfe, 0x41, 0x00])), (e: unknown) => e instanceof AppError && e.kind === 'unsupported' && /UTF-16/.test(e.message));
  assert.equal(declaredCharset('text/csv; Charset="Windows-1252"'), 'windows-1252');
  assert.equal(declaredCharset('text/csv'), undefined);
  assert.equal(readableCharset('cp1252'), 'windows-1252');
  assert.throws(() => readableCharset('iso-8859-1'), (e: unknown) => e instanceof AppError && e.kind === 'unsupported');
});
