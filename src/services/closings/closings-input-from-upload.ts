import { invalidInput } from '../../domain/app-error.js';
import type { FieldError } from '../../domain/field-error.js';
import type { ServiceContext } from '../context.js';
import type { ClosingsInput } from './closings-input.js';
import { readClosingsUpload } from './read-closings-upload.js';

export interface ClosingsUploadRequest {
  bytes: Uint8Array;
  contentType: string;
  /** `?month=`: a spreadsheet does not say which month it is. */
  month: string | undefined;
  /** `?mapping=`: the saved column mapping to read it with. */
  mapping: string | undefined;
}

/**
 * A spreadsheet body of the closings import or preview as the input those use cases take: read
 * through the named mapping, its skipped lines as warnings, its unreadable cells as errors (so
 * the import refuses it, naming row and column, and the preview shows them), each closing with
 * its source row.
 */
export async function closingsInputFromUpload(
  ctx: ServiceContext,
  upload: ClosingsUploadRequest,
): Promise<{ input: ClosingsInput; sheets: string[]; sheet: string | null }> {
  const missing: FieldError[] = [];
  if (!upload.month) missing.push({ pointer: '/query/month', message: 'is required with a spreadsheet body (the month the file holds, YYYY-MM)' });
  if (!upload.mapping) missing.push({ pointer: '/query/mapping', message: 'is required with a spreadsheet body (a saved column mapping, see /import-mappings)' });
  if (!upload.month || !upload.mapping) throw invalidInput('A spreadsheet import needs ?month= and ?mapping=.', missing);
  const read = await readClosingsUpload(ctx, { bytes: upload.bytes, contentType: upload.contentType, month: upload.month, mappingName: upload.mapping });
  return {
    input: {
      document: read.document,
      expectedMonth: upload.month,
      sourceWarnings: read.warnings,
      sourceErrors: read.errors,
      rowNumbers: read.rows.map((row) => row.row),
    },
    sheets: read.sheets,
    sheet: read.sheet,
  };
}
