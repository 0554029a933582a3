import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { XLSX_MEDIA_TYPE } from '../../domain/closings/xlsx-sheet.js';
import type { PreparedMonth } from '../../domain/imports/prepare.js';
import type { ImportWorkers, PayeeBody } from '../../services/imports/import-workers.js';
import { bodyValidationError, validateBody, validatorCompilerWithoutBody } from '../schemas/validate.js';
import { deleteMonth } from '../../services/commissions/delete-month.js';
import { exportCommissions } from '../../services/commissions/export-months.js';
import { importPreparedMonth, preparePayeeBody } from '../../services/commissions/import-month.js';
import { listMonths } from '../../services/commissions/list-months.js';
import { payeeTemplate, type PayeeTemplateFormat } from '../../services/commissions/payee-template.js';
import { previewMonth } from '../../services/commissions/preview-month.js';
import { readMonth } from '../../services/commissions/read-month.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { CommissionMonthSchema, MonthString } from '../../schemas/commission-month.js';
import { CommissionExportResponse, ImportPreviewResponse, ImportResponse, MonthList, MonthSummary } from '../../schemas/commissions.js';
import { Problem } from '../schemas/problem.js';

const MonthParams = Type.Object({ month: MonthString });

/** The import's body as the worker reads it; JSON, CSV or xlsx, told by the content type. */
function payeeBodyFormat(contentType: string | undefined): PayeeBody['format'] {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'text/csv' ? 'csv' : type === XLSX_MEDIA_TYPE ? 'xlsx' : 'json';
}

const commissionRoutes: FastifyPluginAsyncTypebox<RouteDeps & { importWorkers: ImportWorkers }> = async (app, deps) => {
  // The import's and the preview's body is taken as bytes, JSON, CSV and xlsx alike, and read on an
  // import worker thread (src/http/import-workers/): there the JSON gets the checks every JSON body
  // gets (nesting depth, Fastify's parser, no NUL or lone surrogate), a CSV is decoded strictly
  // (Fastify's string parser would turn every byte that is not UTF-8 into U+FFFD) and an xlsx sheet
  // read as the CSV is, into the document the JSON import takes, and all are validated by the same
  // schema and checks. No other route of this scope has a body.
  app.removeContentTypeParser('application/json');
  for (const type of ['application/json', 'text/csv', XLSX_MEDIA_TYPE]) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  }
  const prepared = new WeakMap<FastifyRequest, PreparedMonth>();
  // Run where the body parser and the body schema ran before, so refusals come in the same order
  // (the body's, then the query's and headers').
  const prepareBody = async (request: FastifyRequest) => {
    const body: unknown = request.body;
    if (!Buffer.isBuffer(body)) {
      const checked = validateBody(CommissionMonthSchema, body);
      throw checked.ok ? new Error('an import without a body passed its schema') : bodyValidationError(checked.errors);
    }
    const query = request.query as { month?: unknown };
    prepared.set(
      request,
      await preparePayeeBody(
        { ...contextOf(deps, request), importWorkers: deps.importWorkers },
        {
          bytes: body,
          format: payeeBodyFormat(request.headers['content-type']),
          contentType: request.headers['content-type'] ?? '',
          month: typeof query.month === 'string' ? query.month : undefined,
          jsonMaxDepth: deps.config.jsonMaxDepth,
        },
      ),
    );
  };

  app.post(
    '/commissions/import',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      preValidation: prepareBody,
      validatorCompiler: validatorCompilerWithoutBody,
      schema: {
        tags: ['commissions'],
        summary: 'Import one month of commission data (JSON, CSV or xlsx)',
        description:
          'Replaces the month if it was imported before, atomically. Errors: 422 with one `{pointer, message}` per invalid value and nothing written. ' +
          'Warnings (termination rate above the threshold, totals that disagree, ...) do not stop the import. ' +
          'CSV bodies (`text/csv`) use the export columns; `?month=` names the month when the file has none. ' +
          `An xlsx body (\`${XLSX_MEDIA_TYPE}\`) is read like the CSV from its first sheet (values only; row 1 the column names). ` +
          'GET /api/v1/commissions/template.csv or template.xlsx gives a file that imports as is. ' +
          'CSV is read as UTF-8 (BOM or not), or as Windows-1252 when the content type says `charset=windows-1252`; other bytes are a 415 naming the row. ' +
          'With an `Idempotency-Key` header, a repeat of the same body returns the first response and applies nothing.',
        security: [{ bearerAuth: [] }],
        consumes: ['application/json', 'text/csv', XLSX_MEDIA_TYPE],
        querystring: Type.Object({ month: Type.Optional(MonthString) }, { additionalProperties: false }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        body: CommissionMonthSchema,
        response: { 201: ImportResponse, 402: Problem, 403: Problem, 415: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const outcome = await importPreparedMonth(contextOf(deps, request), {
        prepared: prepared.get(request)!,
        expectedMonth: request.query.month,
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(outcome.response);
    },
  );

  app.post(
    '/commissions/preview',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      preValidation: prepareBody,
      validatorCompiler: validatorCompilerWithoutBody,
      schema: {
        tags: ['commissions'],
        summary: 'What importing this month would do (JSON, CSV or xlsx), nothing written',
        description:
          'The body and `?month=` as POST /api/v1/commissions/import takes them, checked the same way (422 with the same pointers). ' +
          'Answers the payees and totals the import would store, whether it replaces a month imported before, and its warnings, ' +
          'with one more when the agent count is far from the tenant’s other months (“This month has 4 agents; your months have about 30.”).',
        security: [{ bearerAuth: [] }],
        consumes: ['application/json', 'text/csv', XLSX_MEDIA_TYPE],
        querystring: Type.Object({ month: Type.Optional(MonthString) }, { additionalProperties: false }),
        body: CommissionMonthSchema,
        response: { 200: ImportPreviewResponse, 402: Problem, 403: Problem, 415: Problem, 422: Problem },
      },
    },
    async (request) => previewMonth(contextOf(deps, request), { prepared: prepared.get(request)!, expectedMonth: request.query.month }),
  );

  app.get(
    '/commissions/export',
    {
      onRequest: app.requireFeature('exports'),
      schema: {
        tags: ['commissions'],
        summary: 'Export a month (or a range of months) as JSON or CSV',
        description:
          'JSON with `month`: the import document itself, so export → import is lossless. JSON with `from`/`to`: an array of them. ' +
          'CSV: RFC 4180, one row per payee, columns `month,payee_type,name,agent_type,manager,market,team,gp,deals,terminations,commission`; ' +
          'amounts are plain numbers; text cells that could start a spreadsheet formula are prefixed with `\'`. Ranges stream.',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object(
          {
            month: Type.Optional(MonthString),
            from: Type.Optional(MonthString),
            to: Type.Optional(MonthString),
            format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
          },
          { additionalProperties: false },
        ),
        produces: ['application/json', 'text/csv'],
        response: { 200: CommissionExportResponse, 400: Problem, 402: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const exported = await exportCommissions(contextOf(deps, request), request.query);
      reply
        .type(exported.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${exported.name}.${exported.format}"`)
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(exported.chunks));
    },
  );

  app.get(
    '/commissions',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['commissions'],
        summary: 'Imported months with their totals, newest first',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 24 }),
            offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: MonthList,
          402: Problem,
        },
      },
    },
    async (request) => listMonths(contextOf(deps, request), request.query),
  );

  for (const format of ['csv', 'xlsx'] as const satisfies readonly PayeeTemplateFormat[]) {
    app.get(
      `/commissions/template.${format}`,
      {
        onRequest: app.requireFeature('commission_data'),
        schema: {
          tags: ['commissions'],
          summary: `A payee month to fill in, as ${format === 'csv' ? 'CSV' : 'an xlsx workbook'}: the import's columns and three example payees`,
          description:
            'The columns of the CSV import and export, two agents and their manager, consistent with each other: ' +
            'POSTed as it is to /api/v1/commissions/import (with its own content type) it imports September 2025 without a warning. ' +
            (format === 'xlsx' ? 'One sheet, "Payees", values only; the month is a text cell.' : 'UTF-8, CRLF line ends.'),
          security: [{ bearerAuth: [] }],
          produces: [format === 'csv' ? 'text/csv' : XLSX_MEDIA_TYPE],
          response: { 200: Type.String(format === 'xlsx' ? { format: 'binary' } : {}), 402: Problem },
        },
      },
      async (_request, reply) => {
        const template = payeeTemplate(format);
        return reply
          .type(template.contentType)
          .header('content-disposition', `attachment; filename="${template.fileName}"`)
          // A Buffer is sent as it is (Fastify serialises only objects); the schema's string documents it.
          .send(template.bytes as unknown as string);
      },
    );
  }

  app.get(
    '/commissions/:month',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['commissions'],
        summary: 'One month: its totals and the imported document',
        security: [{ bearerAuth: [] }],
        params: MonthParams,
        response: {
          200: Type.Object({ summary: MonthSummary, data: CommissionMonthSchema }),
          402: Problem,
          404: Problem,
        },
      },
    },
    async (request) => readMonth(contextOf(deps, request), request.params),
  );

  app.delete(
    '/commissions/:month',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['commissions'],
        summary: 'Delete one month with its payees and deals (admin)',
        security: [{ bearerAuth: [] }],
        params: MonthParams,
        response: { 204: Type.Null(), 402: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      await deleteMonth(contextOf(deps, request), request.params);
      return reply.code(204).send(null);
    },
  );
};

export default commissionRoutes;
