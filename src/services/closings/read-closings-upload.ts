import { readImportMapping } from '../../db/import-mappings.js';
import { notFoundError } from '../../domain/app-error.js';
import type { ClosingsMonth } from '../../domain/closings/closing.js';
import type { FieldError } from '../../domain/field-error.js';
import type { ImportMapping } from '../../domain/closings/mapping.js';
import { closingsFromSheet, type SheetRowClosing } from '../../domain/closings/sheet-closings.js';
import { mediaTypeOf, readSpreadsheet, SPREADSHEET_MEDIA_TYPES, unsupportedMediaType } from '../../domain/closings/spreadsheet.js';
import { inTenant, type ServiceContext } from '../context.js';
import { checkMappingName } from '../import-mappings/mapping-view.js';

export interface ClosingsUpload {
  bytes: Uint8Array;
  /** text/csv or the xlsx media type; anything else is a 415. */
  contentType: string;
  /** Declared charset (CSV); taken from contentType when absent. */
  charset?: string | undefined;
  month: string;
  /** The saved mapping to read it with; or `mapping`, one checked already and not saved (a preview's). */
  mappingName?: string | undefined;
  mapping?: ImportMapping | undefined;
}

export interface ClosingsUploadResult {
  /** The month as a JSON closings import: what the closings import and preview then validate. */
  document: ClosingsMonth;
  rows: SheetRowClosing[];
  warnings: string[];
  /** Unreadable cells and missing columns; the document must not be imported while there are any. */
  errors: FieldError[];
  /** xlsx: every sheet of the workbook and the one read (for the web app's sheet picker); CSV: [] and null. */
  sheets: string[];
  sheet: string | null;
}

/**
 * A spreadsheet body of POST /closings/import or /closings/preview, read through the named mapping
 * into the JSON document those routes take. Throws 404 for an unknown mapping, 415 for another
 * media type or an encoding that is not read, 413 past the size caps; cell errors come back in
 * `errors`, all at once, so the preview can show them beside the rows that did read.
 */
async function savedMapping(ctx: ServiceContext, name: string): Promise<ImportMapping> {
  const stored = await inTenant(ctx, (tx) => readImportMapping(tx, name));
  if (!stored) throw notFoundError(`No import mapping named "${name}": save it with PUT /api/v1/import-mappings/{name} first.`);
  return stored.mapping;
}

export async function readClosingsUpload(ctx: ServiceContext, input: ClosingsUpload): Promise<ClosingsUploadResult> {
  return readUploadWith(input, await uploadMapping(ctx, input));
}

/** The checks of readClosingsUpload that come before the file is read (name, media type), and the mapping to read it with. */
export async function uploadMapping(ctx: ServiceContext, input: ClosingsUpload): Promise<ImportMapping> {
  if (input.mapping === undefined) checkMappingName(input.mappingName ?? '');
  // The media type first: a wrong upload is told so before any database round trip.
  if (!(SPREADSHEET_MEDIA_TYPES as readonly string[]).includes(mediaTypeOf(input.contentType))) throw unsupportedMediaType(input.contentType);
  return input.mapping ?? (await savedMapping(ctx, input.mappingName!));
}

/** The file read through `mapping`: no database, so an import worker thread does it (src/services/imports/). */
export function readUploadWith(input: Pick<ClosingsUpload, 'bytes' | 'contentType' | 'charset' | 'month'>, mapping: ImportMapping): ClosingsUploadResult {
  const read = readSpreadsheet(input, { sheet: mapping.sheet, delimiter: mapping.delimiter ?? ',' });
  const { document, rows, warnings, errors } = closingsFromSheet(read.sheet, mapping, input.month);
  return { document, rows, warnings, errors, sheets: read.sheetNames, sheet: read.sheetName ?? null };
}
