/**
 * Import bodies read, checked and made into rows in the import worker threads (./import-workers.ts; the interface is src/services/imports/import-workers.ts):
 * the parse of megabytes of JSON or a 100,000-row CSV, the schema, the month's checks and its
 * roll-up are seconds of CPU that used to run on the event loop every tenant's reads wait on
 * (issue 19). What comes back is plain data: the rows as JSON text for PostgreSQL to decode.
 */
import Fastify, { type FastifyRequest } from 'fastify';
import { AppError, invalidInput } from '../../domain/app-error.js';
import { fromCsvBytes, type CsvImport } from '../../domain/imports/csv.js';
import { fromXlsxBytes } from '../../domain/imports/xlsx.js';
import type { CommissionMonth } from '../../domain/imports/format.js';
import { prepareMonth, type PreparedMonth } from '../../domain/imports/prepare.js';
import { declaredCharset, readableCharset } from '../../domain/imports/text-encoding.js';
import { excessiveDepthAt, jsonTooDeep } from '../json/json-depth.js';
import { refuseUnsafeText } from '../json/unsafe-text.js';
import { bodyValidationError, validateBody } from '../schemas/validate.js';
import { CommissionMonthSchema } from '../../schemas/commission-month.js';
import { outcome, type EngineOutcome } from '../../services/worker-outcome.js';
import type { PreparedClosingsBody } from '../../services/imports/import-workers.js';
import type { ImportTask } from './import-workers.js';
import type { ClosingsMonth } from '../../domain/closings/closing.js';
import { ClosingsMonthSchema } from '../schemas/closings.js';
import type { ClosingsInput } from '../../services/closings/closings-input.js';
import { closingsInputFromRead } from '../../services/closings/closings-input-from-upload.js';
import { checkClosings, prepareClosings, previewOf } from '../../services/closings/prepare-closings.js';
import { readUploadWith } from '../../services/closings/read-closings-upload.js';

// Fastify's own JSON parser (secure-json-parse, prototype poisoning refused), as the other routes have it.
const parseJson = Fastify().getDefaultJsonParser('error', 'error');

/** A JSON body as the request-limits plugin reads one: depth first, then the parser, then the text check. */
async function readJson(bytes: Uint8Array, maxDepth: number): Promise<unknown> {
  if (bytes.length === 0) throw new AppError('bad-request', 'malformed-body', 'The body is empty but declared as JSON.');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const at = await excessiveDepthAt(text, maxDepth);
  if (at >= 0) throw jsonTooDeep(maxDepth, at);
  const value = await new Promise((resolve, reject) => {
    parseJson({} as FastifyRequest, text, (error, parsed) => (error ? reject(error) : resolve(parsed)));
  }).catch(() => {
    throw new AppError('bad-request', 'malformed-body', 'The body is not valid JSON.');
  });
  refuseUnsafeText(text, value);
  return value;
}

/** A payee CSV or xlsx sheet as the document the JSON import takes (the export's columns): exactly one month. */
function readSpreadsheet(read: CsvImport, kind: 'CSV' | 'workbook'): unknown {
  const { months, errors } = read;
  if (errors.length > 0) throw invalidInput(`The ${kind} has ${errors.length} error${errors.length === 1 ? '' : 's'}.`, errors);
  if (months.length !== 1) {
    throw invalidInput(`A ${kind} import holds exactly one month.`, [
      { pointer: '/rows', message: `found ${months.length} months; import them one at a time (or with npm run import)` },
    ]);
  }
  return months[0];
}

async function payeeDocument(task: Extract<ImportTask, { kind: 'payees' }>): Promise<unknown> {
  switch (task.format) {
    case 'csv':
      return readSpreadsheet(fromCsvBytes(task.bytes, { month: task.month, charset: readableCharset(declaredCharset(task.contentType)) }), 'CSV');
    case 'xlsx':
      return readSpreadsheet(fromXlsxBytes(task.bytes, { month: task.month }), 'workbook');
    case 'json':
      return readJson(task.bytes, task.jsonMaxDepth);
  }
}

async function preparePayees(task: Extract<ImportTask, { kind: 'payees' }>): Promise<PreparedMonth> {
  const body = await payeeDocument(task);
  const valid = validateBody<CommissionMonth>(CommissionMonthSchema, body);
  if (!valid.ok) throw bodyValidationError(valid.errors);
  return prepareMonth(valid.value, { terminationThreshold: task.terminationThreshold, today: new Date(task.today) });
}

/** The closings document of a JSON body, or of a spreadsheet read through its mapping (with its source rows, warnings and errors). */
async function closingsInputOf(task: Extract<ImportTask, { kind: 'closings' }>): Promise<{ input: ClosingsInput; sheets?: string[]; sheet?: string | null }> {
  if (task.format === 'sheet') {
    const month = task.month!;
    return closingsInputFromRead(readUploadWith({ bytes: task.bytes, contentType: task.contentType, month }, task.mapping!), month);
  }
  const valid = validateBody<ClosingsMonth>(ClosingsMonthSchema, await readJson(task.bytes, task.jsonMaxDepth));
  if (!valid.ok) throw bodyValidationError(valid.errors);
  return { input: { document: valid.value, expectedMonth: task.month } };
}

async function prepareClosingsBody(task: Extract<ImportTask, { kind: 'closings' }>): Promise<PreparedClosingsBody> {
  const { input, sheets, sheet } = await closingsInputOf(task);
  const check = checkClosings(input, { today: new Date(task.today), knownPeople: task.roster, terminationThreshold: task.terminationThreshold });
  if (task.purpose === 'import') return { purpose: 'import', prepared: prepareClosings(input, check) };
  return { purpose: 'preview', preview: previewOf(input, check), ...(sheets ? { sheets, sheet } : {}) };
}

export default async function runImportTask(task: ImportTask): Promise<EngineOutcome<unknown>> {
  switch (task.kind) {
    case 'payees':
      return outcome(() => preparePayees(task));
    case 'closings':
      return outcome(() => prepareClosingsBody(task));
  }
}
