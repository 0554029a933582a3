import { closingsTemplateXlsx, TEMPLATE_MAPPING } from '../../domain/closings/template.js';
import type { ImportMapping } from '../../domain/closings/mapping.js';

/** The closings template workbook and the mapping that reads it (the same for every tenant). */
export function closingsTemplate(): { bytes: Buffer; fileName: string; mapping: ImportMapping } {
  return { bytes: closingsTemplateXlsx(), fileName: 'closings-template.xlsx', mapping: TEMPLATE_MAPPING };
}
