import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listReports } from '../../services/reports/list-reports.js';
import { readReport } from '../../services/reports/read-report.js';
import { requestReport, type ReportRequester } from '../../services/reports/request-report.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
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

/**
 * Monthly reports: pay statements and the analytics summary of one closed month, made in the
 * background (src/jobs: on the 1st of every month for the month before, and when an admin asks).
 */
const reportRoutes: FastifyPluginAsyncTypebox<ReportRouteDeps> = async (app, deps) => {
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
      const report = await requestReport({ ...contextOf(deps, request), reports: deps.reports }, request.body);
      return reply.code(202).header('location', `/api/v1/reports/${report.id}`).send(report);
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
    async (request) => listReports(contextOf(deps, request), request.query),
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
      const read = await readReport(contextOf(deps, request), { ...request.params, ...request.query });
      if (read.format === 'json') return read.report;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${read.name}.csv"`)
        .serializer((payload: unknown) => payload as string)
        // Text, not the JSON the 200 schema describes: the serializer above passes it through.
        .send(read.csv as never);
    },
  );
};

export default reportRoutes;
