import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import type { ViewName } from '../../services/analytics/analytics-views.js';
import { readAnalyticsView } from '../../services/analytics/read-analytics-view.js';
import type { TenantCache } from '../../cache/cache.js';
import { sendJsonText } from '../json-text.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';
import {
  AgentsViewSchema,
  MarketsViewSchema,
  PredictiveViewSchema,
  SummaryViewSchema,
  TeamsViewSchema,
  TerminationsViewSchema,
  TierSignalsSchema,
} from '../../schemas/analytics.js';
import { readTierSignals } from '../../services/analytics/read-tier-signals.js';
import type { PlanWorkers } from '../../services/plans/plan-workers.js';

const PeriodQuery = Type.Object(
  {
    period: Type.Optional(
      Type.String({
        maxLength: 20,
        description: 'mtd, qtd, ytd, last_12m (default), all, YYYY, YYYY-Qn or YYYY-MM. "Now" is the latest month with data unless as_of is given.',
        examples: ['ytd', '2025', '2025-Q3', '2025-09'],
      }),
    ),
    from: Type.Optional(Type.String({ maxLength: 7, description: 'YYYY-MM, inclusive; with `to` instead of `period`.' })),
    to: Type.Optional(Type.String({ maxLength: 7, description: 'YYYY-MM, inclusive.' })),
    as_of: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM or YYYY-MM-DD: the month that counts as now.' })),
  },
  { additionalProperties: false },
);

const SUMMARY_DESCRIPTION = `
Definitions (all over the period's months):
- \`commission_pct\`: all commission (agents and managers) over agents' GP, percent with one decimal (14.3).
- \`termination_rate\`: terminated contracts over closed plus terminated, a fraction with three decimals (0.138).
- \`efficiency_gain\`: change in GP earned per commission dollar against the same months a year earlier, or the
  preceding period of equal length when the year earlier has no data; signed string ("+18.4%") and \`efficiency_gain_pct\`.
- \`problem_agents\`: agents breaking a rule, with \`problem_agent_details\` naming the rule and the figure:
  termination rate above the tenant threshold on evidence (a Beta prior at the tenant's own rate worth 10 contracts; flagged
  when the agent's own rate is above the line and the posterior is at least 90% sure it is: 5 of 6 terminated is, 1 of 2 is
  not), the same rule as the payee and closings imports' warnings;
  commission % of GP above max(1.5 × the median agent, median + 5 points); GP per deal below min(10th percentile, half the median)
  (both need 5+ closed deals and 3+ peers).
- \`forecast_next_month\`: total commission of the month after "now" (null below 4 months of history). The ETS family
  (error A/M, trend N/A/damped, season N/A/M from 24 months) is fitted by likelihood and ranked by AICc; the best model and
  the mean of the best three compete with naive and seasonal naive in a rolling-origin backtest of one-step forecasts over
  the last 12 months (at most half the history); the lowest MASE wins. \`forecast\` gives the model, the 80% interval,
  MAPE and MASE, and every candidate.
`.trim();

const VIEW_ROUTES: { path: string; view: ViewName; summary: string; description?: string; response: TSchema }[] = [
  { path: '/analytics/summary', view: 'summary', summary: 'Pay efficiency, problem agents, termination rate and forecast', description: SUMMARY_DESCRIPTION, response: SummaryViewSchema },
  { path: '/analytics/agents', view: 'agents', summary: 'Per agent monthly GP, deals, commission, termination rate and commission %', response: AgentsViewSchema },
  { path: '/analytics/teams', view: 'teams', summary: 'Per manager team monthly figures, with the manager’s own commission', response: TeamsViewSchema },
  { path: '/analytics/terminations', view: 'terminations', summary: 'Terminations by agent', response: TerminationsViewSchema },
  { path: '/analytics/markets', view: 'markets', summary: 'Per market volume, GP and termination risk (shrunk toward the tenant rate, k = 20) with coordinates', response: MarketsViewSchema },
  { path: '/analytics/predictive', view: 'predictive', summary: 'Monthly history with the commission and GP forecast and its interval', response: PredictiveViewSchema },
];

export interface AnalyticsRouteDeps extends RouteDeps {
  cache: TenantCache | undefined;
  planWorkers: PlanWorkers;
}

const analyticsRoutes: FastifyPluginAsyncTypebox<AnalyticsRouteDeps> = async (app, deps) => {
  for (const route of VIEW_ROUTES) {
    app.get(
      route.path,
      {
        onRequest: app.requireFeature('analytics'),
        schema: {
          tags: ['analytics'],
          summary: route.summary,
          ...(route.description ? { description: route.description } : {}),
          security: [{ bearerAuth: [] }],
          querystring: PeriodQuery,
          response: { 200: route.response, 400: Problem, 402: Problem, 404: Problem },
        },
      },
      async (request, reply) => {
        // The route's serialiser is fast-json-stringify's, which makes strings.
        const serialize = (view: unknown) => reply.serialize(view) as string;
        const body = await readAnalyticsView({ ...contextOf(deps, request), cache: deps.cache }, { view: route.view, query: request.query, serialize });
        return sendJsonText(reply, body);
      },
    );
  }

  app.get(
    '/analytics/tier-signals',
    {
      onRequest: app.requireFeature('analytics'),
      schema: {
        tags: ['analytics'],
        summary: 'Tier-gaming signals over closings with their evidence, and the termination-risk holdback suggestion',
        description:
          'Over the period\'s closings months under the stored plans: `bunching` (monthly credited GP just above a bracket\'s lower bound, ' +
          'within 5% of it, against just below: expected half, binomial tail), `month_end` (deals dated in the last 3 days of the month ' +
          'against uniform dates, Poisson tail, with the exact pay difference of each tier lift from the payout engine), `true_up` ' +
          '(positive true-up adjustments). Flagged at a tail of 1% or less. `holdback`: per agent with pay in the last month, the ' +
          'posterior mean termination rate (prior at the tenant rate worth 10 contracts) times the month\'s plan pay; no payout changes.',
        security: [{ bearerAuth: [] }],
        querystring: PeriodQuery,
        response: { 200: TierSignalsSchema, 400: Problem, 402: Problem, 404: Problem, 503: Problem },
      },
    },
    async (request) => readTierSignals({ ...contextOf(deps, request), planWorkers: deps.planWorkers }, request.query),
  );
};

export default analyticsRoutes;
