import * as XLSX from '@e965/xlsx';
import { CSV_COLUMNS, toCsv } from './csv.js';
import type { CommissionMonth } from './format.js';

/**
 * The payee-month template (GET /api/v1/commissions/template.csv and .xlsx): the payee import's
 * columns, the export's, with two agents and their manager as a payroll sheet has them. The
 * example agrees with itself, so it imports as is without a warning: the manager's team GP is
 * the two agents' (92,000.00 + 58,000.00), and the commission 7,400.00 + 4,350.00 + 3,000.00.
 */
export const PAYEE_TEMPLATE_SHEET = 'Payees';

export const PAYEE_TEMPLATE: CommissionMonth = {
  month: '2025-09',
  agents: [
    { name: 'Kyle Singer', type: 'acq', gp: 92000, deals: 7, terminations: 1, commission: 7400, market: 'Phoenix, AZ', manager: 'Dana Brooks' },
    { name: 'Maria Lopez', type: 'dispo', gp: 58000, deals: 5, terminations: 0, commission: 4350, market: 'Phoenix, AZ', manager: 'Dana Brooks' },
  ],
  managers: [{ name: 'Dana Brooks', gp: 150000, commission: 3000, team: ['Kyle Singer', 'Maria Lopez'] }],
};

/** The template as the CSV export writes a month (UTF-8, CRLF). */
export function payeeTemplateCsv(): string {
  return toCsv([PAYEE_TEMPLATE]);
}

/**
 * The same rows as a workbook: text cells for text (the month too, so Excel does not turn it into
 * a date), numbers for amounts and counts, empty cells where the CSV has none. Values only.
 */
export function payeeTemplateXlsx(): Buffer {
  const { month } = PAYEE_TEMPLATE;
  const rows: (string | number | null)[][] = [
    ...PAYEE_TEMPLATE.agents.map((a) => [month, 'agent', a.name, a.type, a.manager ?? null, a.market ?? null, null, a.gp, a.deals, a.terminations ?? null, a.commission]),
    ...(PAYEE_TEMPLATE.managers ?? []).map((m) => [month, 'manager', m.name, null, null, null, (m.team ?? []).join(';'), m.gp ?? null, null, null, m.commission]),
  ];
  const sheet = XLSX.utils.aoa_to_sheet([[...CSV_COLUMNS], ...rows]);
  sheet['!cols'] = CSV_COLUMNS.map((column) => ({ wch: Math.max(12, column.length + 2) }));
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, sheet, PAYEE_TEMPLATE_SHEET);
  return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}
