import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { hasMonth, listReports, readReport, type ReportRow } from '../../db/reports.js';
import { withTenant } from '../../db/tenant.js';
import { statementsCsv } from '../../domain/reports/statements.js';
import type { ReportRequester } from '../../services/reports/request-report.js';
import { HttpProblem, notFound } from '../problem.js';
import type { RouteDeps } from '../route-deps.js';
import { MonthString } from '../../schemas/commission-month.js';
import { Problem } from '../schemas/problem.js';

export interface ReportRouteDeps extends RouteDeps {
  reports: ReportRequester;
}

const Status = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('ready'), Type.Literal('failed')]);
const ReportView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  month: Type.String({ description: 'YYYY-MM' }),
  status: Status,
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('admin')]),
  attempts: Type.Integer({ description: 'Generation attempts so far; failed attempts are retried with backoff.' }),
  error: Type.Union([Type.String(), Type.Null()]),
  requested_at: Type.String({ format: 'date-time' }),
  completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const Statement = Type.Object({
  payee_type: Type.Union([Type.Literal('agent'), Type.Literal('manager')]),
  name: Type.String(),
  agent_type: Type.Union([Type.Literal('acq'), Type.Literal('dispo'), Type.Null()]),
  manager: Type.Union([Type.String(), Type.Null()]),
  market: Type.Union([Type.String(), Type.Null()]),
  gp: Type.Union([Type.Number(), Type.Null()]),
  deals: Type.Union([Type.Integer(), Type.Null()]),
  terminations: Type.Union([Type.Integer(), Type.Null()]),
  commission: Type.Number(),
  commission_pct: Type.Union([Type.Number(), Type.Null()]),
});
const ReportContent = Type.Object({
  ...ReportView.properties,
  summary: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
    description: 'GET /analytics/summary?period=<month>&as_of=<month>, as it was when the report was made.',
  }),
  statements: Type.Union([Type.Array(Statement), Type.Null()], { description: 'One statement per payee of the month, agents first.' }),
});
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const view = (row: ReportRow) => ({
  id: row.id,
  month: row.month,
  status: row.status,
  trigger: row.trigger,
  attempts: row.attempts,
  error: row.error,
  requested_at: row.requested_at.toISOString(),
  completed_at: row.completed_at?.toISOString() ?? null,
});

/**
 * Monthly reports: pay statements and the analytics summary of one closed month, made in the
 * background (src/jobs: on the 1st of every month for the month before, and when an admin asks).
 */
const reportRoutes: FastifyPluginAsyncTypebox<ReportRouteDeps> = async (app, { pool, reports }) => {
  app.post(
    '/reports',
    {
      onRequest: [app.requireFeature('analytics'), app.requireAdmin],
      schema: {
        tags: ['reports'],
        summary: 'Make the report of a month now (admin)',
        description:
          'Queues the report of `month` and answers at once with its id and status; ' +
          'poll `GET /reports/{id}` until `ready`. A month reported before is regenerated in place, keeping its id.',
        security: [{ bearerAuth: [] }],
        body: Type.Object({ month: MonthString }, { additionalProperties: false, examples: [{ month: '2025-09' }] }),
        response: { 202: ReportView, 402: Problem, 403: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const { month } = request.body;
      if (!(await withTenant(pool, principal.tenantId, (tx) => hasMonth(tx, month)))) throw notFound(`No commission data for ${month}.`);
      const id = await reports.request({ tenantId: principal.tenantId, month, userId: principal.userId });
      const row = await withTenant(pool, principal.tenantId, (tx) => readReport(tx, id));
      return reply.code(202).header('location', `/api/v1/reports/${id}`).send(view(row!));
    },
  );

  app.get(
    '/reports',
    {
      onRequest: app.requireFeature('analytics'),
      schema: {
        tags: ['reports'],
        summary: 'Monthly reports, newest month first',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 120, default: 24 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(ReportView) }), 402: Problem },
      },
    },
    async (request) => ({ items: (await withTenant(pool, request.principal!.tenantId, (tx) => listReports(tx, request.query.limit))).map(view) }),
  );

  app.get(
    '/reports/:id',
    {
      onRequest: app.requireFeature('analytics'),
      schema: {
        tags: ['reports'],
        summary: 'One report: its status, summary and statements (JSON), or its statements as CSV',
        description:
          '`format=csv` answers the statements as RFC 4180 CSV (columns `month,payee_type,name,agent_type,manager,market,gp,deals,terminations,commission,commission_pct`, ' +
          'formula-safe text cells) once the report is ready, and 409 before.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        querystring: Type.Object(
          { format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }) },
          { additionalProperties: false },
        ),
        produces: ['application/json', 'text/csv'],
        response: { 200: ReportContent, 402: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const report = await withTenant(pool, request.principal!.tenantId, (tx) => readReport(tx, request.params.id));
      if (!report) throw notFound('No such report.');
      if (request.query.format === 'csv') {
        if (report.status !== 'ready' || !report.statements) {
          throw new HttpProblem(409, 'report-not-ready', `The report is ${report.status}; its CSV exists once it is ready.`);
        }
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="report-${report.month}.csv"`)
          .serializer((payload: unknown) => payload as string)
          // Text, not the JSON the 200 schema describes: the serializer above passes it through.
          .send(statementsCsv(report.month, report.statements) as never);
      }
      return { ...view(report), summary: report.summary, statements: report.statements };
    },
  );
};

export default reportRoutes;
