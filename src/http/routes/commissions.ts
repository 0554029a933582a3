import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { deleteMonth, listMonths, readMonth, type MonthSummaryRow } from '../../db/commissions.js';
import { withTenant } from '../../db/tenant.js';
import { canonicalMonth } from '../../domain/imports/canonical.js';
import { fromCsv } from '../../domain/imports/csv.js';
import { parseAmountText, percentOf, toAmount } from '../../domain/money.js';
import { exportChunks, exportableMonths } from '../../services/commissions/export-months.js';
import { importMonth } from '../../services/commissions/import-month.js';
import { HttpProblem, notFound, unprocessable } from '../problem.js';
import type { RouteDeps } from '../route-deps.js';
import { CommissionMonthSchema, MonthString, type CommissionMonthBody } from '../schemas/commission-month.js';
import { Problem } from '../schemas/problem.js';

const ImportResponse = Type.Object({
  status: Type.Literal('success'),
  month: Type.String(),
  imported: Type.Object({
    agents: Type.Integer(),
    managers: Type.Integer(),
    deals: Type.Integer(),
    total_commission: Type.Number({ description: 'Sum of every payee’s commission, exact to the cent.' }),
  }),
  replaced: Type.Boolean({ description: 'True when the month had been imported before and was replaced whole.' }),
  validation_warnings: Type.Array(Type.String()),
});

const MonthSummary = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  total_gp: Type.Number(),
  total_commission: Type.Number(),
  commission_pct: Type.Union([Type.Number(), Type.Null()], { description: 'All commission over GP, percent, one decimal.' }),
  agents: Type.Integer(),
  managers: Type.Integer(),
  transactions: Type.Integer({ description: 'Closed deals.' }),
  terminations: Type.Integer(),
  imported_at: Type.String({ format: 'date-time' }),
});

const MonthParams = Type.Object({ month: MonthString });

function summary(row: MonthSummaryRow) {
  const gp = parseAmountText(row.total_gp) ?? 0;
  const commission = parseAmountText(row.total_commission) ?? 0;
  return {
    month: row.month,
    total_gp: toAmount(gp),
    total_commission: toAmount(commission),
    commission_pct: percentOf(commission, gp, 1),
    agents: row.agent_count,
    managers: row.manager_count,
    transactions: row.transactions,
    terminations: row.terminations,
    imported_at: row.imported_at.toISOString(),
  };
}

const MAX_EXPORT_MONTHS = 120;

function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

const commissionRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { pool, clock, tenantChanged }) => {
  // Spreadsheet users upload CSV: it is read into the same document the JSON import takes, and
  // then validated by the same schema and checks.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (request, body, done) => {
    const query = request.query as { month?: unknown };
    const month = typeof query.month === 'string' ? query.month : undefined;
    const { months, errors } = fromCsv(body as string, month);
    if (errors.length > 0) return done(unprocessable(`The CSV has ${errors.length} error${errors.length === 1 ? '' : 's'}.`, errors));
    if (months.length !== 1) {
      return done(
        unprocessable('A CSV import holds exactly one month.', [
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
          'With an `Idempotency-Key` header, a repeat of the same body returns the first response and applies nothing.',
        security: [{ bearerAuth: [] }],
        consumes: ['application/json', 'text/csv'],
        querystring: Type.Object({ month: Type.Optional(MonthString) }, { additionalProperties: false }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        body: CommissionMonthSchema,
        response: { 201: ImportResponse, 402: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const body = request.body as CommissionMonthBody;
      if (request.query.month && body.month !== request.query.month) {
        throw unprocessable('The body is for another month than ?month=.', [
          { pointer: '/month', message: `is ${body.month}, but ?month= is ${request.query.month}` },
        ]);
      }
      const principal = request.principal!;
      const outcome = await importMonth(pool, body, {
        tenantId: principal.tenantId,
        userId: principal.userId,
        today: clock(),
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      else await tenantChanged(principal.tenantId, { type: 'import', month: body.month });
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
        response: { 200: Type.Unknown({ description: 'The export' }), 400: Problem, 402: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const { month, from, to, format } = request.query;
      const single = month !== undefined;
      if (single === (from !== undefined || to !== undefined) || (!single && (from === undefined || to === undefined))) {
        throw new HttpProblem(400, 'bad-request', 'Give either month, or both from and to.');
      }
      const first = month ?? from!;
      const last = month ?? to!;
      if (monthIndex(last) < monthIndex(first)) throw new HttpProblem(400, 'bad-request', '`to` is before `from`.');
      if (monthIndex(last) - monthIndex(first) >= MAX_EXPORT_MONTHS) {
        throw new HttpProblem(400, 'bad-request', `A range covers at most ${MAX_EXPORT_MONTHS} months.`);
      }
      const tenantId = request.principal!.tenantId;
      const months = await exportableMonths(pool, tenantId, first, last);
      if (single && months.length === 0) throw notFound(`No commission data for ${month}.`);

      const name = single ? `commissions-${month}` : `commissions-${first}-to-${last}`;
      reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.${format}"`)
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(exportChunks(pool, tenantId, months, format, single)));
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
          200: Type.Object({
            items: Type.Array(MonthSummary),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          402: Problem,
        },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const page = await withTenant(pool, request.principal!.tenantId, (tx) => listMonths(tx, limit, offset));
      return { items: page.rows.map(summary), total: page.total, limit, offset };
    },
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
    async (request) => {
      const row = await withTenant(pool, request.principal!.tenantId, (tx) => readMonth(tx, request.params.month));
      if (!row) throw notFound(`No commission data for ${request.params.month}.`);
      return { summary: summary(row), data: canonicalMonth(row.document) };
    },
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
      const deleted = await withTenant(pool, request.principal!.tenantId, (tx) => deleteMonth(tx, request.params.month));
      if (!deleted) throw notFound(`No commission data for ${request.params.month}.`);
      await tenantChanged(request.principal!.tenantId, { type: 'delete', month: request.params.month });
      return reply.code(204).send(null);
    },
  );
};

export default commissionRoutes;
