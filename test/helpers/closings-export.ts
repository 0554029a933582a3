/**
 * The worked example of a closings export, as a real operator's sheet has it (issue 14): shared by
 * the spreadsheet reader's unit tests and the command-line import's.
 */
import * as XLSX from '@e965/xlsx';
import type { ImportMapping } from '../../src/domain/closings/mapping.js';

export const MAPPING: ImportMapping = {
  columns: {
    property: 'Property Address',
    date: 'dispo closing date',
    gp: 'Gross Profit',
    assignment_fee: 'Assignment Fee',
    transactions: 'Trx #',
    'sides.acq.agent': 'Acq Agent',
    'sides.acq.manager': 'Acq Manager',
    'sides.dispo.agent': 'Dispo Agent',
    'sides.dispo.manager': 'Dispo Manager',
    'attributes.flat_fee': 'FlatFee Listed',
    'attributes.tl_eligible': 'TL Eligibility',
    'attributes.exit_strategy': 'Exit Strategy',
  },
  values: {
    'attributes.flat_fee': { YES: true, '*': false },
    'attributes.tl_eligible': { No: false, '*': true },
    agents: { 'Ex Rebuilt': null },
  },
};

// The operator's September export, as Excel's "CSV UTF-8" writes it: a BOM, CRLF, headers spaced
// and cased their own way, three empty trailing columns, money as the cells display it, a blank
// line and a totals line under the data.
export const EXPORT_LINES = [
  'Property Address,Dispo Closing  Date, Gross Profit ,Assignment Fee,Trx #,Acq Agent,Acq Manager,Dispo Agent,Dispo Manager,FlatFee Listed,TL Eligibility,Exit Strategy,,,',
  '"5118 Reno St, Philadelphia, PA 19139",9/30/25," $6,000 "," $6,000 ",1,Steve Shelburne,Devin Buford,Vincent Gnapi,Maegan Grace,NO,Yes,Assignment,,,',
  '"77 Elm Ave, Camden, NJ 08102",09/12/2025,"$1,234.50",,1,Kyle Singer,Devin Buford,,,YES,No,Novation,,,',
  '"12 Oak Ct, Trenton, NJ 08608",2025-09-03,(250.00),,0,Kyle Singer,Devin Buford,,,,,Memo,,,',
  '"901 Pine St, Philadelphia, PA 19107",9/5/25,"$3,500.00","$4,000.00",1,Ex Rebuilt,,José Núñez,Maegan Grace,no,yes,Wholetail,,,',
  ',,,,,,,,,,,,,,',
  ',,"$10,484.50",,3,,,,,,,,,,',
];
export const EXPORT = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${EXPORT_LINES.join('\r\n')}\r\n`, 'utf8')]);

/** The same sheet as Excel keeps it: numbers and date serials in cells, a SUM formula in the totals line. */
export function exportAsXlsx(): Buffer {
  const header = EXPORT_LINES[0]!.split(',');
  const n = (v: number) => ({ t: 'n', v });
  const s = (v: string) => ({ t: 's', v });
  const blank = [null, null, null];
  const rows = [
    header.map((h) => (h === '' ? null : s(h))),
    [s('5118 Reno St, Philadelphia, PA 19139'), n(45930), n(6000), n(6000), n(1), s('Steve Shelburne'), s('Devin Buford'), s('Vincent Gnapi'), s('Maegan Grace'), s('NO'), s('Yes'), s('Assignment'), ...blank],
    [s('77 Elm Ave, Camden, NJ 08102'), n(45912), n(1234.5), null, n(1), s('Kyle Singer'), s('Devin Buford'), null, null, s('YES'), s('No'), s('Novation'), ...blank],
    // A formula's stored value with binary noise, as Excel saves =C2*0 - 250.00000000000003.
    [s('12 Oak Ct, Trenton, NJ 08608'), s('2025-09-03'), { t: 'n', v: -250.00000000000003, f: 'D2*0-250' }, null, n(0), s('Kyle Singer'), s('Devin Buford'), null, null, null, null, s('Memo'), ...blank],
    [s('901 Pine St, Philadelphia, PA 19107'), n(45905), s('$3,500.00'), n(4000), n(1), s('Ex Rebuilt'), null, s('José Núñez'), s('Maegan Grace'), s('no'), s('yes'), s('Wholetail'), ...blank],
    [],
    [null, null, { t: 'n', v: 10484.5, f: 'SUM(C2:C5)' }, null, { t: 'n', v: 3, f: 'SUM(E2:E5)' }],
  ];
  const sheet: XLSX.WorkSheet = {};
  rows.forEach((cells, r) =>
    cells.forEach((cell, c) => {
      if (cell) sheet[XLSX.utils.encode_cell({ r, c })] = cell as XLSX.CellObject;
    }),
  );
  sheet['!ref'] = `A1:O${rows.length}`;
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['Notes'], ['September export']]), 'Notes');
  XLSX.utils.book_append_sheet(workbook, sheet, 'Dispo Closings');
  return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}
