import * as XLSX from '@e965/xlsx';
import type { ImportMapping } from './mapping.js';

/**
 * The closings template (GET /api/v1/closings/template.xlsx): a workbook with one sheet whose
 * headers are names the mapping suggestion recognises, one example deal (two-sided, money and a
 * date as an operator's sheet has them) and a memo row, and the mapping that reads it, so a new
 * user can fill it in, save TEMPLATE_MAPPING and import. Values only: no formulas, no macros.
 */
const TEMPLATE_SHEET = 'Closings';

const HEADERS = [
  'Closing ID',
  'Closing Date',
  'Property Address',
  'Market',
  'Gross Profit',
  'Assignment Fee',
  'Trx #',
  'Status',
  'Acq Agent',
  'Acq Manager',
  'Dispo Agent',
  'Dispo Manager',
  'Flat Fee',
] as const;

export const TEMPLATE_MAPPING: ImportMapping = {
  sheet: TEMPLATE_SHEET,
  columns: {
    id: 'Closing ID',
    date: 'Closing Date',
    property: 'Property Address',
    market: 'Market',
    gp: 'Gross Profit',
    assignment_fee: 'Assignment Fee',
    transactions: 'Trx #',
    status: 'Status',
    'sides.acq.agent': 'Acq Agent',
    'sides.acq.manager': 'Acq Manager',
    'sides.dispo.agent': 'Dispo Agent',
    'sides.dispo.manager': 'Dispo Manager',
    'attributes.flat_fee': 'Flat Fee',
  },
  values: { 'attributes.flat_fee': { Yes: true, No: false } },
};

const EXAMPLE_ROWS: (string | number)[][] = [
  ['R-2025-09-017', '2025-09-30', '5118 Reno St, Philadelphia, PA 19139', 'Philadelphia, PA', '6,000.00', '6,500.00', 1, 'closed', 'Steve Shelburne', 'Devin Cole', 'Vince Ortiz', 'Maegan Hill', 'No'],
  ['R-2025-09-018', '2025-09-12', '77 Elm Ave, Camden, NJ 08102', 'Camden, NJ', '1,250.50', '', 0, 'closed', 'Devin Cole', '', '', 'Maegan Hill', 'Yes'],
];

/** The template workbook's bytes. */
export function closingsTemplateXlsx(): Buffer {
  const sheet = XLSX.utils.aoa_to_sheet([[...HEADERS], ...EXAMPLE_ROWS]);
  sheet['!cols'] = HEADERS.map((header) => ({ wch: Math.max(12, header.length + 2) }));
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, sheet, TEMPLATE_SHEET);
  return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}
