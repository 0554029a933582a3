import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readGoals } from '../../services/goals/read-goals.js';
import { setGoals } from '../../services/goals/set-goals.js';
import { addAdjustment } from '../../services/payouts/add-adjustment.js';
import { approvePayout } from '../../services/payouts/approve-payout.js';
import { calculatePayout } from '../../services/payouts/calculate-payout.js';
import { deleteAdjustment } from '../../services/payouts/delete-adjustment.js';
import { exportPayout } from '../../services/payouts/export-payout.js';
import { listAdjustments } from '../../services/payouts/list-adjustments.js';
import { listPayouts } from '../../services/payouts/list-payouts.js';
import { readPayout } from '../../services/payouts/read-payout.js';
import { readStatement, readStatementPage } from '../../services/payouts/read-statement.js';
import { reopenPayout } from '../../services/payouts/reopen-payout.js';
import type { PlanWorkers } from '../../services/plans/plan-workers.js';
import {
  AdjustmentBodySchema,
  AdjustmentListSchema,
  AdjustmentParams,
  AdjustmentViewSchema,
  GoalsBodySchema,
  GoalsViewSchema,
  PayoutExportFile,
  PayoutExportQuery,
  PayoutListSchema,
  PayoutMonthParams,
  PayoutSchema,
  PayoutStatementViewSchema,
  ReopenBodySchema,
  StatementParams,
  StatementQuery,
} from '../../schemas/payouts.js';
import { contextOf, entitledContextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

export interface PayoutRouteDeps extends RouteDeps {
  /** Where the payout engine runs (worker threads, never the event loop). */
  planWorkers: PlanWorkers;
}

const security = [{ bearerAuth: [] }];
const LOCKED = 'While the month is approved: 409 `month-approved`, naming when and by whom.';

/**
 * Payouts, adjustments and goals (CONTRACT.md, "Adjustments and goals", "Payouts"). They pay
 * people under the commission plans, so they are gated like the plans (feature `plans`).
 */
const payoutRoutes: FastifyPluginAsyncTypebox<PayoutRouteDeps> = async (app, deps) => {
  const { planWorkers } = deps;
  const read = app.requireFeature('plans');
  const write = [app.requireFeature('plans'), app.requireAdmin];

  app.get(
    '/payouts',
    { onRequest: read, schema: { tags: ['payouts'], summary: 'Months with payouts and their state, newest first', security, response: { 200: PayoutListSchema, 402: Problem } } },
    async (request) => listPayouts(contextOf(deps, request)),
  );

  app.get(
    '/payouts/:month',
    {
      onRequest: read,
      schema: {
        tags: ['payouts'],
        summary: "The month's payouts: one statement per person, draft or approved",
        description: 'As stored by the last calculation: later plan changes never alter it. `uncovered` lists people with closings that no plan covers.',
        security,
        params: PayoutMonthParams,
        response: { 200: PayoutSchema, 402: Problem, 404: Problem },
      },
    },
    async (request) => readPayout(contextOf(deps, request), request.params),
  );

  app.get(
    '/payouts/:month/export',
    {
      onRequest: read,
      schema: {
        tags: ['payouts'],
        summary: "The month's payouts as a file: CSV, or a QuickBooks Online or Xero journal import",
        description:
          '`csv`: one row per payee and line with the month and its state. `quickbooks`: columns Journal No., Journal Date (MM/DD/YYYY), Account Name, Debits, Credits, Description, Name ' +
          '(Class when `accounting.classes` is set), no negative amounts. `xero`: Narration, Date (DD/MM/YYYY), Description, AccountCode, TaxRate, Amount (debits positive, credits negative; ' +
          'TrackingName1/TrackingOption1 when `accounting.tracking` is set); a month over 300 lines is several files (`part`, each a balanced journal; 422 `export-parts` says how many). ' +
          'Both journals balance: a debit per person paid, one credit to the payable account. A draft says DRAFT in every narration and in the file name; an approved month gives the same bytes on every download: ' +
          'its journals are written with the accounting settings of its approval (a draft: the current ones), whatever changes in them later, until it is reopened and approved again. ' +
          '404 without a calculated payout; 422 `accounting-settings-missing` naming the settings to set with PUT /api/v1/settings; 409 `approved-without-accounting` for an approved month whose approval lacked them.',
        security,
        params: PayoutMonthParams,
        querystring: PayoutExportQuery,
        produces: ['text/csv'],
        response: { 200: PayoutExportFile, 402: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const exported = await exportPayout(contextOf(deps, request), { ...request.params, ...request.query });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${exported.fileName}"`)
        .header('cache-control', 'no-store')
        .serializer((payload: unknown) => payload as string)
        .send(exported.body);
    },
  );

  app.get(
    '/payouts/:month/statements/:payee',
    {
      onRequest: read,
      // A payee reads their own: the payee policies (migration 0016) hide every other statement (404).
      config: { payeeAccess: true },
      schema: {
        tags: ['payouts'],
        summary: "One person's statement of the month, as JSON or as a printable page",
        description:
          'JSON: the stored statement with the month\'s state (`draft`, or `approved` with when and by whom). `Accept: text/html` or `format=html`: a page made for paper and PDF ' +
          '(A4 or Letter, every line with its base, bracket, rate, exact amount and reason, a DRAFT watermark or "approved on DATE by NAME", the tenant\'s branding when white-labelled). ' +
          '404 for a month without payouts or a person it does not pay.',
        security,
        params: StatementParams,
        querystring: StatementQuery,
        produces: ['application/json', 'text/html'],
        response: { 200: PayoutStatementViewSchema, 402: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const accept = request.headers.accept ?? '';
      const html = request.query.format === 'html' || (request.query.format === undefined && /\btext\/html\b/.test(accept) && !/\bapplication\/json\b/.test(accept));
      reply.header('vary', 'accept');
      if (!html) return readStatement(contextOf(deps, request), request.params);
      const page = await readStatementPage(entitledContextOf(app, deps, request), request.params);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('vary', 'accept')
        .serializer((payload: unknown) => payload as string)
        // Text, not the JSON the 200 schema describes: the serializer above passes it through.
        .send(page as never);
    },
  );

  app.post(
    '/payouts/:month/calculate',
    {
      onRequest: write,
      schema: {
        tags: ['payouts'],
        summary: "Calculate the month's payouts under every plan in force, stored as its draft (admin)",
        description:
          "Every plan's version in force in the month (the latest `effective_from` not after it), the month's closings, adjustments and goals, " +
          'and what earlier stored months of the year paid (quarter and year bases, draw balances). Recalculating replaces the draft. ' +
          `404 without closings for the month; 409 \`plans-overlap\` when two role plans pay one person; ${LOCKED}`,
        security,
        params: PayoutMonthParams,
        response: { 200: PayoutSchema, 402: Problem, 403: Problem, 404: Problem, 409: Problem, 503: Problem },
      },
    },
    async (request) => calculatePayout({ ...contextOf(deps, request), planWorkers }, request.params),
  );

  app.post(
    '/payouts/:month/approve',
    {
      onRequest: write,
      schema: {
        tags: ['payouts'],
        summary: 'Approve and lock the month (admin)',
        description: 'Its closings, adjustments, goals and statements can no longer change (409) until it is reopened. 409 `payout-stale` when its inputs changed since the calculation.',
        security,
        params: PayoutMonthParams,
        response: { 200: PayoutSchema, 402: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request) => approvePayout(contextOf(deps, request), request.params),
  );

  app.post(
    '/payouts/:month/reopen',
    {
      onRequest: write,
      schema: {
        tags: ['payouts'],
        summary: 'Reopen an approved month, with a reason (admin)',
        description: 'The reason, who and when are kept in the month’s `history` (and the request in the audit trail).',
        security,
        params: PayoutMonthParams,
        body: ReopenBodySchema,
        response: { 200: PayoutSchema, 402: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request) => reopenPayout(contextOf(deps, request), { ...request.params, ...request.body }),
  );

  app.get(
    '/payouts/:month/adjustments',
    {
      onRequest: read,
      schema: { tags: ['payouts'], summary: "The month's adjustments (from its closings import, then added one by one)", security, params: PayoutMonthParams, response: { 200: AdjustmentListSchema, 402: Problem, 404: Problem } },
    },
    async (request) => listAdjustments(contextOf(deps, request), request.params),
  );

  app.post(
    '/payouts/:month/adjustments',
    {
      onRequest: write,
      schema: {
        tags: ['payouts'],
        summary: 'Add an adjustment for a payee in the month (admin)',
        description: `A one-off amount (sprint, mentor, true_up, correction, bonus, other; negative allowed), its own line on the payee's statement at the next calculation. ${LOCKED}`,
        security,
        params: PayoutMonthParams,
        body: AdjustmentBodySchema,
        response: { 201: AdjustmentViewSchema, 402: Problem, 403: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await addAdjustment(contextOf(deps, request), { month: request.params.month, adjustment: request.body })),
  );

  app.delete(
    '/payouts/:month/adjustments/:id',
    {
      onRequest: write,
      schema: {
        tags: ['payouts'],
        summary: 'Remove an adjustment added one by one (admin)',
        description: `One that came with the closings import answers 409 \`adjustment-imported\` (import the month again). ${LOCKED}`,
        security,
        params: AdjustmentParams,
        response: { 204: Type.Null(), 402: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      await deleteAdjustment(contextOf(deps, request), request.params);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/goals/:month',
    { onRequest: read, schema: { tags: ['payouts'], summary: "The month's goals", security, params: PayoutMonthParams, response: { 200: GoalsViewSchema, 402: Problem, 404: Problem } } },
    async (request) => readGoals(contextOf(deps, request), request.params),
  );

  app.put(
    '/goals/:month',
    {
      onRequest: write,
      schema: {
        tags: ['payouts'],
        summary: "Set the month's goals (admin)",
        description: `Formulas read them as \`goal_transactions\` and \`goal_gp\`. ${LOCKED}`,
        security,
        params: PayoutMonthParams,
        body: GoalsBodySchema,
        response: { 200: GoalsViewSchema, 402: Problem, 403: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request) => setGoals(contextOf(deps, request), { ...request.params, ...request.body }),
  );
};

export default payoutRoutes;
