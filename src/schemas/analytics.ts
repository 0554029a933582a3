/**
 * The analytics views as the API sends them (src/services/analytics/analytics-views.ts over
 * src/domain/analytics/*): complete, so that the route's serialiser (which writes only what the
 * schema names) drops nothing, and so that /openapi.json types a client exactly. Amounts are
 * currency numbers with at most two decimals; ratios mean what src/domain/analytics/figures.ts
 * says. test/unit/analytics-schemas.test.ts holds every view to its schema, field for field.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { AgentTypeSchema } from './commission-month.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Month = Type.String({ description: 'YYYY-MM' });
const Amount = Type.Number({ description: 'Currency amount, at most 2 decimals.' });
const Count = Type.Integer({ minimum: 0 });
const TerminationRate = Nullable(Type.Number({ description: 'Terminated over closed plus terminated, a fraction with three decimals (0.138); null without contracts.' }));
const CommissionPct = Nullable(Type.Number({ description: 'Commission over GP in percent with one decimal (14.3); null when GP is 0.' }));

const MonthRangeSchema = Type.Object({ from: Month, to: Month }, { additionalProperties: false });

const PeriodViewSchema = Type.Object(
  {
    from: Month,
    to: Month,
    label: Type.String({ examples: ['Last 12 months'] }),
    as_of: Type.String({ description: 'The month that counts as now (YYYY-MM).' }),
  },
  { additionalProperties: false },
);

const FiguresSchema = Type.Object(
  { gp: Amount, commission: Amount, closed: Count, terminated: Count, termination_rate: TerminationRate, commission_pct: CommissionPct },
  { additionalProperties: false },
);

const SeriesPointSchema = Type.Object({ month: Month, ...FiguresSchema.properties }, { additionalProperties: false });

const ForecastMethodSchema = Type.Union([Type.Literal('naive'), Type.Literal('seasonal_naive'), Type.Literal('holt_winters'), Type.Literal('ets'), Type.Literal('ets_combination')]);

const Mape = Nullable(Type.Number({ description: 'Backtest mean absolute percentage error, percent.' }));
const Mase = Nullable(Type.Number({ description: 'Backtest mean absolute scaled error (below 1: better than the in-sample seasonal naive).' }));
const ForecastModel = Nullable(Type.String({ description: 'The ETS model(s) behind the figure, e.g. `ETS(M,Ad,M)`; null for naive and seasonal naive.' }));

const ProblemAgentDetailSchema = Type.Object(
  {
    name: Type.String(),
    rule: Type.Union([Type.Literal('termination_rate'), Type.Literal('commission_pct'), Type.Literal('gp_per_deal')]),
    figure: Type.Number({ description: "The agent's figure, in `unit`." }),
    threshold: Type.Number({ description: 'The line it crossed, in `unit`.' }),
    unit: Type.Union([Type.Literal('fraction'), Type.Literal('percent'), Type.Literal('amount')]),
    closed: Count,
    terminated: Count,
    probability: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'Posterior probability that the agent is past the line (three decimals); null when there was too little history to weigh evidence and the rule fell back to a deal count.' })),
    explanation: Type.String(),
  },
  { additionalProperties: false },
);

const SummaryForecastSchema = Type.Object(
  {
    month: Month,
    method: ForecastMethodSchema,
    model: ForecastModel,
    value: Amount,
    interval_80: Type.Object({ low: Amount, high: Amount }, { additionalProperties: false }),
    mape: Mape,
    mase: Mase,
    backtest_months: Count,
    candidates: Type.Array(Type.Object({ method: ForecastMethodSchema, mape: Mape, mase: Mase }, { additionalProperties: false })),
    note: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const SummaryViewSchema = Type.Object(
  {
    period_label: Type.String(),
    as_of: Type.String(),
    period: Type.Object({ from: Month, to: Month, months: Count, months_with_data: Count }, { additionalProperties: false }),
    gp: Amount,
    commission: Amount,
    agent_commission: Amount,
    manager_commission: Amount,
    closed: Count,
    terminated: Count,
    commission_pct: CommissionPct,
    termination_rate: TerminationRate,
    efficiency_gain: Nullable(Type.String({ examples: ['+18.4%'] })),
    efficiency_gain_pct: Nullable(Type.Number()),
    efficiency: Type.Object(
      {
        gp_per_commission_dollar: Nullable(Type.Number()),
        comparison: Nullable(Type.Union([Type.Literal('year_earlier'), Type.Literal('preceding_period')])),
        comparison_period: Nullable(MonthRangeSchema),
        comparison_gp_per_commission_dollar: Nullable(Type.Number()),
        reason: Nullable(Type.String({ description: 'Why the gain is null.' })),
      },
      { additionalProperties: false },
    ),
    problem_agents: Type.Array(Type.String()),
    problem_agent_details: Type.Array(ProblemAgentDetailSchema),
    forecast_next_month: Nullable(Amount),
    forecast: Nullable(SummaryForecastSchema),
    months_without_pay: Type.Array(Month, { description: 'Closings months whose pay is not calculated yet: left out of commission figures.' }),
    pay_note: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const Interval80 = Type.Object({ low: Amount, high: Amount }, { additionalProperties: false });

/** How a forecast was made and how well its method did in the backtest (domain: `ForecastFit`). */
const ForecastFitProperties = {
  method: ForecastMethodSchema,
  model: ForecastModel,
  mape: Mape,
  mase: Mase,
  backtest_months: Count,
  note: Nullable(Type.String()),
};

const AgentForecastFigureSchema = Type.Object({ month: Month, value: Amount, interval_80: Interval80, ...ForecastFitProperties }, { additionalProperties: false });

const AgentForecastSchema = Type.Object(
  {
    months_with_data: Type.Integer({ minimum: 0, description: 'Months up to now in which the agent has data; a forecast needs 12.' }),
    gp: Nullable(AgentForecastFigureSchema),
    commission: Nullable(AgentForecastFigureSchema),
    reason: Nullable(Type.String({ description: 'Why a figure is null.' })),
  },
  { additionalProperties: false, description: "Next month's GP and commission for the agent, by the summary forecast's method, from every month up to now." },
);

const AgentTrendSchema = Type.Object(
  {
    direction: Type.Union([Type.Literal('down'), Type.Literal('up'), Type.Literal('none'), Type.Literal('unknown')], {
      description: "Mann-Kendall on the seasonally adjusted monthly GP of the last 24 months: down when p < 0.05 and Sen's slope < 0; unknown under 12 months of data.",
    }),
    months: Count,
    seasonally_adjusted: Type.Boolean({ description: "Divided by the tenant's seasonal indices (needs 24 months of positive tenant GP)." }),
    s: Nullable(Type.Integer({ description: 'Mann-Kendall S.' })),
    variance: Nullable(Type.Number({ description: 'Var(S), tie-corrected.' })),
    z: Nullable(Type.Number()),
    p_value: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'Two-sided, four decimals.' })),
    sens_slope: Nullable(Type.Number({ description: "Sen's slope, currency amount per month." })),
    slope_pct: Nullable(Type.Number({ description: 'The slope over the mean adjusted monthly GP, percent per month.' })),
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const AgentSeriesSchema = Type.Object(
  {
    name: Type.String(),
    type: AgentTypeSchema,
    manager: Nullable(Type.String()),
    market: Nullable(Type.String()),
    totals: FiguresSchema,
    points: Type.Array(SeriesPointSchema),
    forecast: AgentForecastSchema,
    trend: AgentTrendSchema,
  },
  { additionalProperties: false },
);

export const AgentsViewSchema = Type.Object({ period: PeriodViewSchema, agents: Type.Array(AgentSeriesSchema) }, { additionalProperties: false });

const TeamSeriesSchema = Type.Object(
  {
    manager: Nullable(Type.String({ description: 'Null gathers the agents with no manager.' })),
    agents: Type.Array(Type.String()),
    totals: FiguresSchema,
    points: Type.Array(SeriesPointSchema),
  },
  { additionalProperties: false },
);

export const TeamsViewSchema = Type.Object({ period: PeriodViewSchema, teams: Type.Array(TeamSeriesSchema) }, { additionalProperties: false });

const AgentTerminationsSchema = Type.Object(
  { name: Type.String(), closed: Count, terminated: Count, termination_rate: TerminationRate },
  { additionalProperties: false },
);

export const TerminationsViewSchema = Type.Object(
  { period: PeriodViewSchema, agents: Type.Array(AgentTerminationsSchema) },
  { additionalProperties: false },
);

const MarketSchema = Type.Object(
  {
    name: Type.String(),
    coordinates: Nullable(Type.Object({ lat: Type.Number(), lon: Type.Number() }, { additionalProperties: false })),
    closed: Count,
    terminated: Count,
    contracts: Count,
    gp: Amount,
    termination_rate: TerminationRate,
    termination_risk: Nullable(Type.Number({ description: "The rate shrunk toward the tenant's (k = 20 contracts)." })),
    points: Type.Array(Type.Object({ month: Month, closed: Count, terminated: Count, gp: Amount }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const MarketsViewSchema = Type.Object({ period: PeriodViewSchema, markets: Type.Array(MarketSchema) }, { additionalProperties: false });

const PredictivePathSchema = Type.Object(
  {
    ...ForecastFitProperties,
    points: Type.Array(Type.Object({ month: Month, value: Amount, low: Amount, high: Amount }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const PredictiveViewSchema = Type.Object(
  {
    period: PeriodViewSchema,
    history: Type.Array(Type.Object({ month: Month, gp: Amount, commission: Amount, interpolated: Type.Boolean() }, { additionalProperties: false })),
    forecast: Type.Object({ commission: Nullable(PredictivePathSchema), gp: Nullable(PredictivePathSchema) }, { additionalProperties: false }),
    trending_down: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          months: Count,
          sens_slope: Type.Number({ description: "Sen's slope of the seasonally adjusted GP, currency amount per month (negative)." }),
          slope_pct: Nullable(Type.Number({ description: 'Percent of the mean adjusted monthly GP per month.' })),
          p_value: Type.Number({ minimum: 0, maximum: 1 }),
          gp_forecast: Nullable(Type.Object({ month: Month, value: Amount, low: Amount, high: Amount }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
      { description: 'Agents whose seasonally adjusted monthly GP trends down (Mann-Kendall p < 0.05, negative Sen slope), steepest first.' },
    ),
    trend_method: Type.String(),
  },
  { additionalProperties: false },
);

export type PeriodView = Static<typeof PeriodViewSchema>;
export type Figures = Static<typeof FiguresSchema>;
export type SeriesPoint = Static<typeof SeriesPointSchema>;
export type ProblemAgentDetail = Static<typeof ProblemAgentDetailSchema>;
export type SummaryView = Static<typeof SummaryViewSchema>;
export type AgentSeries = Static<typeof AgentSeriesSchema>;
export type AgentsView = Static<typeof AgentsViewSchema>;
export type TeamsView = Static<typeof TeamsViewSchema>;
export type TerminationsView = Static<typeof TerminationsViewSchema>;
export type Market = Static<typeof MarketSchema>;
export type MarketsView = Static<typeof MarketsViewSchema>;
export type PredictivePath = Static<typeof PredictivePathSchema>;
export type PredictiveView = Static<typeof PredictiveViewSchema>;


/** GET /analytics/tier-signals: tier-gaming signals with their evidence and the termination-risk holdback suggestion. */
export const TierSignalsSchema = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    months: Type.Array(Type.String()),
    signals: Type.Array(
      Type.Object(
        {
          kind: Type.Union([Type.Literal('bunching'), Type.Literal('month_end'), Type.Literal('true_up')]),
          payee: Type.String(),
          observed: Nullable(Type.Integer()),
          expected: Nullable(Type.Number()),
          tail_probability: Nullable(Type.Number()),
          pay_difference: Nullable(Type.Number()),
          months: Type.Array(Type.String()),
          explanation: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
    holdback_month: Type.String(),
    holdback: Type.Array(
      Type.Object(
        {
          agent: Type.String(),
          terminated: Type.Integer(),
          contracts: Type.Integer(),
          expected_rate: Type.Number(),
          pay_at_risk: Type.Number(),
          holdback: Type.Number(),
          share: Nullable(Type.Number()),
          reasoning: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type TierSignalsView = Static<typeof TierSignalsSchema>;
