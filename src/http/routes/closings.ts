import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ClosingsMonth } from '../../domain/closings/closing.js';
import { deleteClosings } from '../../services/closings/delete-closings.js';
import type { FastifyRequest } from 'fastify';
import { importClosings, importPreparedClosings, prepareClosingsBody } from '../../services/closings/import-closings.js';
import type { ImportWorkers, PreparedClosingsBody } from '../../services/imports/import-workers.js';
import { mediaTypeOf } from '../../domain/closings/spreadsheet.js';
import { validatorCompilerWithoutBody } from '../schemas/validate.js';
import { listClosingMonths } from '../../services/closings/list-closing-months.js';
import { previewClosings } from '../../services/closings/preview-closings.js';
import { readClosings } from '../../services/closings/read-closings.js';
import { closingsTemplate } from '../../services/closings/closings-template.js';
import { closingsUploadMapping } from '../../services/closings/closings-input-from-upload.js';
import type { ServiceContext } from '../../services/context.js';
import { XLSX_MEDIA_TYPE } from '../../domain/closings/xlsx-sheet.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { registerSpreadsheetParsers } from '../spreadsheet-bodies.js';
import {
  ClosingsImportResponse,
  ClosingsMonthListResponse,
  ClosingsMonthResponse,
  ClosingsMonthSchema,
  ClosingsPreviewResponse,
} from '../schemas/closings.js';
import { MonthString } from '../../schemas/commission-month.js';
import { Problem } from '../schemas/problem.js';

const MonthParams = Type.Object({ month: MonthString });
const ImportQuery = Type.Object(
  {
    month: Type.Optional(MonthString),
    mapping: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'With a spreadsheet body: the saved column mapping to read it with.' })),
  },
  { additionalProperties: false },
);
const PreviewQuery = Type.Object(
  {
    ...ImportQuery.properties,
    mapping_json: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 32_000,
        description:
          'With a spreadsheet body, instead of `mapping`: a mapping as JSON (what PUT /import-mappings/{name} takes), used for this preview and not saved, ' +
          'so the web app can preview the mapping the user is editing. Checked as PUT checks one: 422 with pointers under `/query/mapping_json`.',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * JSON is the closings document itself; a spreadsheet (CSV, xlsx) is the operator's file, read
 * through `?mapping=` into that document (src/services/closings/closings-input-from-upload.ts).
 */
const ClosingsBody = {
  content: {
    'application/json': { schema: ClosingsMonthSchema },
    'text/csv': { schema: Type.String({ description: 'The sheet as CSV: UTF-8 (BOM optional), or Windows-1252 with `charset=windows-1252`.' }) },
    [XLSX_MEDIA_TYPE]: { schema: Type.String({ format: 'binary', description: 'The workbook; the mapping names the sheet.' }) },
  },
};

type ClosingsQuery = { month?: string | undefined; mapping?: string | undefined; mapping_json?: string | undefined };

/**
 * An import or preview body read, checked and made into rows (or the preview) on an import
 * worker thread: JSON bytes as sent, a spreadsheet with the mapping to read it through (the
 * request's checks and the mapping come first, here). Null when there is no body at all.
 */
function preparedBody(
  ctx: ServiceContext & { importWorkers: ImportWorkers },
  request: FastifyRequest,
  purpose: 'import' | 'preview',
  jsonMaxDepth: number,
): Promise<PreparedClosingsBody> {
  const body = request.body as Buffer;
  const contentType = request.headers['content-type'] ?? '';
  const query = request.query as ClosingsQuery;
  const month = typeof query.month === 'string' ? query.month : undefined;
  const common = { bytes: body, contentType, purpose, jsonMaxDepth };
  if (mediaTypeOf(contentType) === 'application/json') return prepareClosingsBody(ctx, { ...common, format: 'json', month, mapping: null });
  return closingsUploadMapping(ctx, { bytes: body, contentType, month, mapping: query.mapping, mappingJson: query.mapping_json }).then(({ month: sheetMonth, mapping }) =>
    prepareClosingsBody(ctx, { ...common, format: 'sheet', month: sheetMonth, mapping }),
  );
}
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

const closingRoutes: FastifyPluginAsyncTypebox<RouteDeps & { importWorkers: ImportWorkers }> = async (app, deps) => {
  registerSpreadsheetParsers(app);
  // JSON bodies too are taken as bytes and read on an import worker thread (src/services/imports/),
  // with the checks every JSON body gets (nesting depth, Fastify's parser, no NUL or lone
  // surrogate) and then the body schema. Only the import and the preview have bodies here.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const workersOf = (request: FastifyRequest) => ({ ...contextOf(deps, request), importWorkers: deps.importWorkers });
  // A JSON body is read where the parser and the body schema ran before (preValidation), so its
  // refusals come before the query's; a spreadsheet after the query is validated (it needs ?mapping=).
  const prepared = new WeakMap<FastifyRequest, PreparedClosingsBody>();
  const readJsonBody = (purpose: 'import' | 'preview') => async (request: FastifyRequest) => {
    if (Buffer.isBuffer(request.body) && mediaTypeOf(request.headers['content-type'] ?? '') === 'application/json') {
      prepared.set(request, await preparedBody(workersOf(request), request, purpose, deps.config.jsonMaxDepth));
    }
  };
  const preparedOf = async (request: FastifyRequest, purpose: 'import' | 'preview') =>
    prepared.get(request) ?? (Buffer.isBuffer(request.body) ? await preparedBody(workersOf(request), request, purpose, deps.config.jsonMaxDepth) : null);

  app.post(
    '/closings/import',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      preValidation: readJsonBody('import'),
      validatorCompiler: validatorCompilerWithoutBody,
      schema: {
        tags: ['closings'],
        summary: 'Import one month of closings (admin)',
        description:
          'One row per deal with its sides (acq and dispo: agent, manager, credit) and the month’s adjustments. Replaces the month’s closings ' +
          'and the adjustments of its previous import, atomically. 422 with one `{pointer, message}` per invalid value and nothing written; ' +
          'warnings (a side with no agent, a person never seen before, GP above the assignment fee, the same address with different GP, ' +
          'an empty or future month) do not stop it. With an `Idempotency-Key`, a repeat of the same body returns the first response and applies nothing. ' +
          'Closings carry no pay: until payouts are calculated, analytics count the month’s GP and deals and leave it out of commission figures.',
        security: [{ bearerAuth: [] }],
        querystring: ImportQuery,
        headers: IdempotencyHeaders,
        body: ClosingsBody,
        response: { 201: ClosingsImportResponse, 402: Problem, 403: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(deps, request);
      const idempotencyKey = request.headers['idempotency-key'];
      const read = await preparedOf(request, 'import');
      const outcome =
        read?.purpose === 'import'
          ? await importPreparedClosings(ctx, { prepared: read.prepared, idempotencyKey })
          : // No body at all: nothing to read off the event loop.
            await importClosings(ctx, { document: request.body as ClosingsMonth, expectedMonth: request.query.month, idempotencyKey });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(outcome.response);
    },
  );

  app.post(
    '/closings/preview',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      preValidation: readJsonBody('preview'),
      validatorCompiler: validatorCompilerWithoutBody,
      schema: {
        tags: ['closings'],
        summary: 'What an import of the same input would do, writing nothing (admin)',
        description:
          'The first 50 closings with what each credits (agents: GP × credit; managers: team GP), the counts, company GP (each deal once), ' +
          'and every warning and error the import would give. 200 even when the month has invalid values: they are listed in `errors`. ' +
          'A spreadsheet is read through the saved `mapping`, or through `mapping_json`, a mapping sent with the request and not saved.',
        security: [{ bearerAuth: [] }],
        querystring: PreviewQuery,
        body: ClosingsBody,
        response: { 200: ClosingsPreviewResponse, 402: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request) => {
      const read = await preparedOf(request, 'preview');
      if (read?.purpose === 'preview') return { ...read.preview, ...(read.sheets ? { sheets: read.sheets, sheet: read.sheet } : {}) };
      return previewClosings(contextOf(deps, request), { document: request.body as ClosingsMonth, expectedMonth: request.query.month });
    },
  );

  app.get(
    '/closings',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['closings'],
        summary: 'Months with closings and their company totals, newest first',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 24 }),
            offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: ClosingsMonthListResponse, 402: Problem },
      },
    },
    async (request) => listClosingMonths(contextOf(deps, request), request.query),
  );

  app.get(
    '/closings/template.xlsx',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['closings'],
        summary: 'A closings workbook to fill in: the headers, two example rows, and (header x-cip-mapping) the mapping that reads it',
        description:
          'An .xlsx with one sheet, "Closings", values only. Save the JSON of the `x-cip-mapping` response header with PUT /api/v1/import-mappings/{name}, ' +
          'or send it as `mapping_json` to POST /api/v1/closings/preview; POST /api/v1/import-mappings/suggest also recognises every header.',
        security: [{ bearerAuth: [] }],
        produces: [XLSX_MEDIA_TYPE],
        response: { 200: Type.String({ format: 'binary' }), 402: Problem },
      },
    },
    async (_request, reply) => {
      const template = closingsTemplate();
      return reply
        .type(XLSX_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="${template.fileName}"`)
        .header('x-cip-mapping', JSON.stringify(template.mapping))
        // A Buffer is sent as it is (Fastify serialises only objects); the schema's binary string documents it.
        .send(template.bytes as unknown as string);
    },
  );

  app.get(
    '/closings/:month',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['closings'],
        summary: 'One month’s closings: its totals and the closings in canonical form (importing them again changes nothing)',
        security: [{ bearerAuth: [] }],
        params: MonthParams,
        response: { 200: ClosingsMonthResponse, 402: Problem, 404: Problem },
      },
    },
    async (request) => readClosings(contextOf(deps, request), request.params),
  );

  app.delete(
    '/closings/:month',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['closings'],
        summary: 'Delete one month’s closings and the adjustments its import brought (admin)',
        security: [{ bearerAuth: [] }],
        params: MonthParams,
        response: { 204: Type.Null(), 402: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      await deleteClosings(contextOf(deps, request), request.params);
      return reply.code(204).send(null);
    },
  );
};

export default closingRoutes;
