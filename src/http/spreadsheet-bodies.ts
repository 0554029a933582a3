import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/app-error.js';
import { XLSX_MEDIA_TYPE } from '../domain/closings/xlsx-sheet.js';

/**
 * Spreadsheet bodies (text/csv, xlsx) taken as raw bytes, within the registering plugin's scope:
 * the text is decoded later, strictly (src/domain/imports/text-encoding.ts), never by Fastify's
 * string parser, which would put U+FFFD in place of every byte that is not UTF-8.
 */
export function registerSpreadsheetParsers(app: FastifyInstance): void {
  for (const type of ['text/csv', XLSX_MEDIA_TYPE]) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  }
}

/** The raw body of a spreadsheet route, or a 415 when the request sent another media type (JSON, a form). */
export function spreadsheetBody(body: unknown, contentType: string | undefined): { bytes: Buffer; contentType: string } {
  if (!Buffer.isBuffer(body)) {
    throw new AppError('unsupported', 'unsupported-media-type', `Send the file as text/csv or ${XLSX_MEDIA_TYPE}, not ${(contentType ?? 'no content type').slice(0, 100)}.`);
  }
  return { bytes: body, contentType: contentType ?? '' };
}
