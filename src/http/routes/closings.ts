import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ClosingsMonth } from '../../domain/closings/closing.js';
import { deleteClosings } from '../../services/closings/delete-closings.js';
import { importClosings } from '../../services/closings/import-closings.js';
import { listClosingMonths } from '../../services/closings/list-closing-months.js';
import { previewClosings } from '../../services/closings/preview-closings.js';
import { readClosings } from '../../services/closings/read-closings.js';
import { closingsInputFromUpload } from '../../services/closings/closings-input-from-upload.js';
import type { ClosingsInput } from '../../services/closings/closings-input.js';
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

/** The use cases' input from either kind of body. */
async function closingsInput(
  ctx: ServiceContext,
  body: unknown,
  contentType: string | undefined,
  query: { month?: string | undefined; mapping?: string | undefined },
): Promise<{ input: ClosingsInput; sheets?: string[]; sheet?: string | null }> {
  if (!Buffer.isBuffer(body)) return { input: { document: body as ClosingsMonth, expectedMonth: query.month } };
  return closingsInputFromUpload(ctx, { bytes: body, contentType: contentType ?? '', month: query.month, mapping: query.mapping });
}
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

const closingRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  registerSpreadsheetParsers(app);

  app.post(
    '/closings/import',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
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
      const { input } = await closingsInput(ctx, request.body, request.headers['content-type'], request.query);
      const outcome = await importClosings(ctx, { ...input, idempotencyKey: request.headers['idempotency-key'] });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(outcome.response);
    },
  );

  app.post(
    '/closings/preview',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['closings'],
        summary: 'What an import of the same input would do, writing nothing (admin)',
        description:
          'The first 50 closings with what each credits (agents: GP × credit; managers: team GP), the counts, company GP (each deal once), ' +
          'and every warning and error the import would give. 200 even when the month has invalid values: they are listed in `errors`.',
        security: [{ bearerAuth: [] }],
        querystring: ImportQuery,
        body: ClosingsBody,
        response: { 200: ClosingsPreviewResponse, 402: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request) => {
      const ctx = contextOf(deps, request);
      const { input, sheets, sheet } = await closingsInput(ctx, request.body, request.headers['content-type'], request.query);
      return { ...(await previewClosings(ctx, input)), ...(sheets ? { sheets, sheet } : {}) };
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
