/**
 * A closings month as operators' spreadsheets have it, for the benchmarks (bench/closings-sheets.ts
 * reads it, bench/closings.ts imports and previews it): deterministic rows of two-sided deals, memo
 * rows, house rows and negative corrections, with the cell forms real exports mix — amounts as
 * `" $6,000 "`, `$1,234.50`, `(250.00)`, `-$250.00` or `6000`, dates as `9/5/25`, `09/05/2025`,
 * `2025-09-05` or with a time, flags in any case or blank, padded names, accented names, three empty
 * trailing columns, a blank line every 500 rows and a totals line under the data. As xlsx: numbers
 * and date serials mostly, some amounts and dates typed as text, some formulas with stored values.
 */
import * as XLSX from '@e965/xlsx';
import type { ImportMapping } from '../src/domain/closings/mapping.js';

export const MONTH = '2025-09';

export const MAPPING: ImportMapping = {
  sheet: 'Dispo Closings',
  columns: {
    id: 'Deal #', property: 'Property Address', date: 'Dispo Closing Date', gp: 'Gross Profit', assignment_fee: 'Assignment Fee', transactions: 'Trx #',
    'sides.acq.agent': 'Acq Agent', 'sides.acq.manager': 'Acq Manager', 'sides.dispo.agent': 'Dispo Agent', 'sides.dispo.manager': 'Dispo Manager',
    'attributes.flat_fee': 'FlatFee Listed', 'attributes.tl_eligible': 'TL Eligibility',
  },
  values: { 'attributes.flat_fee': { YES: true, '*': false }, 'attributes.tl_eligible': { No: false, '*': true }, agents: { House: null } },
};
// Headers spaced and cased their own way, as a hand-kept sheet has them (matched loosely).
const HEADERS = ['Deal #', 'Property Address', 'Dispo Closing  Date', ' Gross Profit ', 'Assignment Fee', 'Trx #', 'Acq Agent', 'Acq Manager', 'Dispo Agent', 'Dispo Manager', 'FlatFee Listed', 'TL Eligibility', '', '', ''];
const AGENTS = ['Steve Shelburne', 'Kyle Singer', 'José Núñez', 'Ana Ruiz', 'Bo Tran', 'Cy Park', 'Di Moss', 'Ed Lowe', 'Zoë Ørsted', 'Renée Côté'];
const MANAGERS = ['Devin Buford', 'Maegan Grace', 'Luis Peña'];
const CITIES = ['Philadelphia, PA 19139', 'Camden, NJ 08102', 'Phoenix, AZ 85004', 'Dallas, TX 75201', 'Memphis, TN 38103'];
/** A blank line every this many deals. */
const BLANK_EVERY = 500;

type XlsxCell = string | number | null | { t: 'n'; v: number; f: string };

function moneyText(cents: number, form: number): string {
  const abs = Math.abs(cents);
  const plain = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  const grouped = `${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
  if (cents < 0) return form % 2 === 0 ? `(${grouped})` : `-$${grouped}`;
  if (form % 4 === 0) return ` $${grouped.replace(/\.00$/, '')} `;
  if (form % 4 === 1) return `$${grouped}`;
  if (form % 4 === 2) return plain;
  return `$ ${grouped}`;
}

function dateText(day: number, form: number): string {
  const dd = String(day).padStart(2, '0');
  return [`9/${day}/25`, `09/${dd}/2025`, `2025-09-${dd}`, `9/${day}/25 4:05 PM`][form % 4]!;
}

/** The i-th deal's cells as CSV text and as xlsx values. */
function deal(i: number): { text: string[]; cells: XlsxCell[] } {
  const cents = 150_000 + ((i * 7919) % 900_000);
  const correction = i % 50 === 7;
  const gp = correction ? -(cents % 50_000) : cents;
  const memo = i % 25 === 3;
  const house = i % 40 === 11;
  const twoSided = i % 3 !== 0;
  const day = 1 + (i % 30);
  const acq = house ? 'House' : AGENTS[i % AGENTS.length]!;
  const dispo = twoSided ? AGENTS[(i + 3) % AGENTS.length]! : '';
  const acqManager = MANAGERS[i % 2]!;
  const dispoManager = twoSided ? MANAGERS[1 + (i % 2)]! : '';
  const flat = ['YES', 'NO', 'yes', 'No', ''][i % 5]!;
  const tl = ['Yes', 'No', '', 'yes', 'TRUE'][i % 5]!;
  const fee = cents + 50_000;
  const property = `${100 + i} Main St, ${CITIES[i % CITIES.length]}`;
  const pad = (name: string) => (i % 7 === 0 && name ? ` ${name} ` : name);
  const trx = memo ? '0' : i % 11 === 0 ? ' 1 ' : '1';
  return {
    text: [`R-${i}`, property, dateText(day, i), moneyText(gp, i), i % 6 === 0 ? '' : moneyText(fee, i + 1), trx, pad(acq), acqManager, pad(dispo), dispoManager, flat, tl, '', '', ''],
    cells: [
      `R-${i}`,
      property,
      i % 13 === 0 ? dateText(day, i) : 45900 + day,
      i % 17 === 0 ? moneyText(gp, i) : // A formula's stored value with binary noise past Excel's 15 digits (1500.0000000000002).
      i % 19 === 0 ? { t: 'n', v: (gp / 100) * (1 + Number.EPSILON), f: `E${i + 2}-${(fee - gp) / 100}` } : gp / 100,
      i % 6 === 0 ? null : fee / 100,
      memo ? 0 : 1,
      pad(acq),
      acqManager,
      dispo || null,
      dispoManager || null,
      flat || null,
      tl || null,
    ],
  };
}

const csvQuote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** Excel's "CSV UTF-8": a BOM, CRLF, the deals, blank lines among them and a totals line under them. */
export function closingsCsv(rows: number): Buffer {
  const lines = [HEADERS.join(',')];
  for (let i = 0; i < rows; i += 1) {
    lines.push(deal(i).text.map(csvQuote).join(','));
    if ((i + 1) % BLANK_EVERY === 0 && i + 1 < rows) lines.push(',,,,,,,,,,,,,,');
  }
  lines.push(`,,,"${moneyText(1, 1)}",,${rows},,,,,,,,,`);
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`)]);
}

/** The same deals as an xlsx workbook, the data on its second sheet, a SUM formula in the totals line. */
export function closingsXlsx(rows: number): Buffer {
  const aoa: XlsxCell[][] = [HEADERS.slice(0, 12)];
  for (let i = 0; i < rows; i += 1) {
    aoa.push(deal(i).cells);
    if ((i + 1) % BLANK_EVERY === 0 && i + 1 < rows) aoa.push([]);
  }
  aoa.push([null, null, null, { t: 'n', v: 0, f: `SUM(D2:D${aoa.length})` }]);
  const sheet = XLSX.utils.aoa_to_sheet(aoa.map((row) => row.map((cell) => (cell !== null && typeof cell === 'object' ? null : cell))));
  aoa.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (cell !== null && typeof cell === 'object') sheet[XLSX.utils.encode_cell({ r, c })] = cell;
    }),
  );
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['Notes'], ['September export']]), 'Notes');
  XLSX.utils.book_append_sheet(book, sheet, 'Dispo Closings');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}
