import { invalidInput } from '../../domain/app-error.js';
import type { FieldError } from '../../domain/field-error.js';
import type { ImportMapping } from '../../domain/closings/mapping.js';
import { validateMapping } from '../../domain/closings/mapping-check.js';
import type { ServiceContext } from '../context.js';
import type { ClosingsInput } from './closings-input.js';
import { readUploadWith, uploadMapping, type ClosingsUploadResult } from './read-closings-upload.js';

export interface ClosingsUploadRequest {
  bytes: Uint8Array;
  contentType: string;
  /** `?month=`: a spreadsheet does not say which month it is. */
  month: string | undefined;
  /** `?mapping=`: the saved column mapping to read it with. */
  mapping: string | undefined;
  /** `?mapping_json=` (preview only): a mapping as JSON text, checked as PUT /import-mappings checks one, used and not saved. */
  mappingJson?: string | undefined;
}

/** An unsaved mapping from its JSON text, or a 422 pointing into it. */
function inlineMapping(text: string): ImportMapping {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidInput('?mapping_json= is not JSON.', [{ pointer: '/query/mapping_json', message: 'is not valid JSON (a mapping object as PUT /import-mappings/{name} takes)' }]);
  }
  const check = validateMapping(parsed);
  if (!check.ok) {
    throw invalidInput('The mapping of ?mapping_json= is invalid.', check.errors.map((error) => ({ ...error, pointer: `/query/mapping_json${error.pointer}` })));
  }
  return check.mapping;
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
  const { month, mapping } = await closingsUploadMapping(ctx, upload);
  return closingsInputFromRead(readUploadWith({ bytes: upload.bytes, contentType: upload.contentType, month }, mapping), month);
}

/** The request's checks (`?month=`, one mapping) and the mapping to read the file with: what comes before the file is read. */
export async function closingsUploadMapping(ctx: ServiceContext, upload: ClosingsUploadRequest): Promise<{ month: string; mapping: ImportMapping }> {
  const missing: FieldError[] = [];
  if (!upload.month) missing.push({ pointer: '/query/month', message: 'is required with a spreadsheet body (the month the file holds, YYYY-MM)' });
  const inline = upload.mappingJson !== undefined;
  if (inline && upload.mapping) missing.push({ pointer: '/query/mapping_json', message: 'cannot be given with ?mapping= (one or the other)' });
  if (!inline && !upload.mapping) missing.push({ pointer: '/query/mapping', message: 'is required with a spreadsheet body (a saved column mapping, see /import-mappings)' });
  if (!upload.month || missing.length > 0) throw invalidInput('A spreadsheet import needs ?month= and ?mapping=.', missing);
  const mapping = await uploadMapping(ctx, {
    bytes: upload.bytes,
    contentType: upload.contentType,
    month: upload.month,
    ...(inline ? { mapping: inlineMapping(upload.mappingJson!) } : { mappingName: upload.mapping }),
  });
  return { month: upload.month, mapping };
}

/** A spreadsheet's reading as the input the closings import and preview take. */
export function closingsInputFromRead(read: ClosingsUploadResult, month: string): { input: ClosingsInput; sheets: string[]; sheet: string | null } {
  return {
    input: {
      document: read.document,
      expectedMonth: month,
      sourceWarnings: read.warnings,
      sourceErrors: read.errors,
      rowNumbers: read.rows.map((row) => row.row),
    },
    sheets: read.sheets,
    sheet: read.sheet,
  };
}
