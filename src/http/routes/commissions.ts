import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { invalidInput } from '../../domain/app-error.js';
import { fromCsvBytes } from '../../domain/imports/csv.js';
import { declaredCharset, readableCharset } from '../../domain/imports/text-encoding.js';
import { deleteMonth } from '../../services/commissions/delete-month.js';
import { exportCommissions } from '../../services/commissions/export-months.js';
import { importMonth } from '../../services/commissions/import-month.js';
import { listMonths } from '../../services/commissions/list-months.js';
import { readMonth } from '../../services/commissions/read-month.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { CommissionMonthSchema, MonthString, type CommissionMonthBody } from '../../schemas/commission-month.js';
import { CommissionExportResponse, ImportResponse, MonthList, MonthSummary } from '../../schemas/commissions.js';
import { Problem } from '../schemas/problem.js';

const MonthParams = Type.Object({ month: MonthString });

const commissionRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  // Spreadsheet users upload CSV: it is read into the same document the JSON import takes, and
  // then validated by the same schema and checks.
  // The body is taken as bytes and decoded strictly: Fastify's string parser would turn every byte
  // that is not UTF-8 into U+FFFD, and the names would be stored that way.
  app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (request, body, done) => {
    const query = request.query as { month?: unknown };
    const month = typeof query.month === 'string' ? query.month : undefined;
    let read: ReturnType<typeof fromCsvBytes>;
    try {
      read = fromCsvBytes(body as Buffer, { month, charset: readableCharset(declaredCharset(request.headers['content-type'])) });
    } catch (error) {
      return done(error as Error);
    }
    const { months, errors } = read;
    if (errors.length > 0) return done(invalidInput(`The CSV has ${errors.length} error${errors.length === 1 ? '' : 's'}.`, errors));
    if (months.length !== 1) {
      return done(
        invalidInput('A CSV import holds exactly one month.', [
          { pointer: '/rows', message: `found ${months.length} months; import them one at a time (or with npm run import)` },
        ]),
      );
    }
    done(null, months[0]);
  });

  app.post(
    '/commissions/import',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['commissions'],
        summary: 'Import one month of commission data (JSON or CSV)',
        description:
          'Replaces the month if it was imported before, atomically. Errors: 422 with one `{pointer, message}` per invalid value and nothing written. ' +
          'Warnings (termination rate above the threshold, totals that disagree, ...) do not stop the import. ' +
          'CSV bodies (`text/csv`) use the export columns; `?month=` names the month when the file has none. ' +
          'CSV is read as UTF-8 (BOM or not), or as Windows-1252 when the content type says `charset=windows-1252`; other bytes are a 415 naming the row. ' +
          'With an `Idempotency-Key` header, a repeat of the same body returns the first response and applies nothing.',
        security: [{ bearerAuth: [] }],
        consumes: ['application/json', 'text/csv'],
        querystring: Type.Object({ month: Type.Optional(MonthString) }, { additionalProperties: false }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        body: CommissionMonthSchema,
        response: { 201: ImportResponse, 402: Problem, 403: Problem, 415: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const outcome = await importMonth(contextOf(deps, request), {
        document: request.body as CommissionMonthBody,
        expectedMonth: request.query.month,
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(outcome.response);
    },
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
