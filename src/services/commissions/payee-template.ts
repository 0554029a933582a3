import { XLSX_MEDIA_TYPE } from '../../domain/closings/xlsx-sheet.js';
import { payeeTemplateCsv, payeeTemplateXlsx } from '../../domain/imports/template.js';

export type PayeeTemplateFormat = 'csv' | 'xlsx';

/** The payee-month template in either form (the same for every tenant): what POST /commissions/import takes as is. */
export function payeeTemplate(format: PayeeTemplateFormat): { bytes: Buffer; fileName: string; contentType: string } {
  return format === 'csv'
    ? { bytes: Buffer.from(payeeTemplateCsv(), 'utf8'), fileName: 'payee-month-template.csv', contentType: 'text/csv; charset=utf-8' }
    : { bytes: payeeTemplateXlsx(), fileName: 'payee-month-template.xlsx', contentType: XLSX_MEDIA_TYPE };
}
