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
} from '../../schemas/analytics.js';

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
  termination rate above the tenant threshold (needs 10+ contracts and 2+ terminations, so one bad deal flags nobody);
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
};

export default analyticsRoutes;
