import { Type, type Static } from 'typebox';
import { MonthString } from './commission-month.js';

/**
 * Commission plans (CONTRACT.md, "Plans" and "Plan definition, extended") as JSON schemas: the
 * stored definition, the plan with its versions, and what calculate, simulate and optimise answer.
 * Every response shape is closed, so `/openapi.json` says exactly what the service sends. Request
 * bodies check the shape only loosely (`PlanDefinitionBody`): the domain's validatePlan checks the
 * rules and answers every problem with its pointer, which a schema union could not say as clearly.
 */
const Closed = { additionalProperties: false } as const;
const PayeeTypeSchema = Type.Union([Type.Literal('acq'), Type.Literal('dispo'), Type.Literal('manager')]);
const Measure = Type.Enum(['gp', 'deals', 'team_gp', 'transactions', 'company_gp', 'company_transactions', 'goal_gp', 'goal_transactions'] as const);
const Mode = Type.Union([Type.Literal('graduated'), Type.Literal('retroactive')]);
const Basis = Type.Union([Type.Literal('deal'), Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')]);
const Rate = Type.Union([Type.Number(), Type.String()], { description: 'A fraction with at most 12 decimals: 0.08, "0.08" or "2/3".' });
const RateByValue = Type.Record(Type.String(), Rate, { description: 'Rates per value of the `rate_by` attribute; "*" for any other value.' });
const Label = { label: Type.Optional(Type.String({ description: "Shown on statement lines instead of the component's name." })) };

const BracketSchema = Type.Object(
  {
    up_to: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'Inclusive upper bound; null for the last bracket.' })),
    from: Type.Optional(Type.Number({ description: 'Inclusive lower bound (the first 0): the last bracket whose `from` ≤ the measure.' })),
    rate: Type.Union([Rate, RateByValue]),
  },
  Closed,
);
const TeamScope = Type.Object(
  {
    role: Type.Optional(Type.Union([Type.Literal('acq'), Type.Literal('dispo')])),
    where: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Boolean(), Type.String(), Type.Number()]))),
  },
  Closed,
);
const tiersFields = {
  measure: Measure,
  mode: Mode,
  brackets: Type.Array(BracketSchema),
  rate_by: Type.Optional(Type.String({ description: 'Retroactive only: pay each part of the measure at the rate for its deals\u2019 value of this attribute.' })),
  team: Type.Optional(TeamScope),
};
const TiersSchema = Type.Object(tiersFields, Closed);

const ComponentSchema = Type.Union([
  Type.Object({ type: Type.Literal('tiers'), ...tiersFields, ...Label }, Closed),
  Type.Object({ type: Type.Literal('rate'), measure: Measure, rate: Rate, ...Label }, Closed),
  Type.Object({ type: Type.Literal('per_deal'), amount: Type.Number(), ...Label }, Closed),
  Type.Object({ type: Type.Literal('limit'), scope: Type.Union([Type.Literal('deal'), Type.Literal('period')]), min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()), ...Label }, Closed),
  Type.Object({ type: Type.Literal('split'), shares: Type.Object({ acq: Rate, dispo: Rate }, Closed), ...Label }, Closed),
  Type.Object(
    {
      type: Type.Literal('override'),
      of: Type.Union([Type.Literal('team_gp'), Type.Literal('team_commission')]),
      rate: Type.Optional(Rate),
      team: Type.Optional(TeamScope),
      tiers: Type.Optional(Type.Object({ mode: Mode, brackets: Type.Array(BracketSchema), rate_by: Type.Optional(Type.String()) }, Closed)),
      ...Label,
    },
    Closed,
  ),
  Type.Object({ type: Type.Literal('bonus'), measure: Measure, at_least: Type.Number(), amount: Type.Number(), ...Label }, Closed),
  Type.Object({ type: Type.Literal('clawback'), method: Type.Optional(Type.Union([Type.Literal('recompute'), Type.Literal('rate')])), rate: Type.Optional(Rate), ...Label }, Closed),
  Type.Object({ type: Type.Literal('draw'), amount: Type.Number(), ...Label }, Closed),
  Type.Object({ type: Type.Literal('formula'), expression: Type.String(), ...Label }, Closed),
]);

const TierOverrideSchema = Type.Object(
  { payee: Type.String(), bracket: Type.Integer({ minimum: 1, description: '1-based' }), reason: Type.String(), from: MonthString, to: MonthString },
  Closed,
);

/** A plan definition as stored and answered (one the domain has validated). */
const PlanDefinitionSchema = Type.Object(
  {
    name: Type.String(),
    description: Type.Optional(Type.String()),
    applies_to: Type.Array(PayeeTypeSchema),
    agents: Type.Optional(Type.Array(Type.String(), { description: 'Only these payees; on closings each is calculated even in a month without deals.' })),
    exclude: Type.Optional(Type.Array(Type.String(), { description: 'Payees the plan never pays (the house, a senior person on another plan).' })),
    basis: Basis,
    tiers: Type.Optional(TiersSchema),
    components: Type.Optional(Type.Array(ComponentSchema)),
    tier_overrides: Type.Optional(Type.Array(TierOverrideSchema)),
  },
  Closed,
);

const PLAN_EXAMPLE = {
  name: 'Declining acq',
  applies_to: ['acq'],
  basis: 'month',
  tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 50000, rate: 0.1 }, { up_to: null, rate: 0.08 }] },
};

/**
 * A definition as a request carries it: the top-level fields are checked here, the parts (tiers,
 * components, overrides) by validatePlan, whose 422 names each problem's pointer.
 */
const PlanDefinitionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    applies_to: Type.Array(PayeeTypeSchema, { minItems: 1, maxItems: 3 }),
    agents: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 })),
    exclude: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000, description: 'Payees the plan never pays (the house, a senior person on another plan).' })),
    tier_overrides: Type.Optional(
      Type.Array(Type.Object({}, { additionalProperties: true }), {
        maxItems: 200,
        description: '{payee, bracket (1-based), reason, from, to}: pays that payee at a fixed bracket in those months, shown with its reason.',
      }),
    ),
    basis: Basis,
    tiers: Type.Optional(Type.Object({}, { additionalProperties: true, description: '{measure, mode, brackets: [{up_to | from, rate}], rate_by?, team?}' })),
    components: Type.Optional(
      Type.Array(Type.Object({ type: Type.String({ maxLength: 20 }) }, { additionalProperties: true }), {
        maxItems: 50,
        description: 'tiers, rate, per_deal, limit, split, override, bonus, clawback, draw, formula (enterprise)',
      }),
    ),
  },
  { additionalProperties: false, examples: [PLAN_EXAMPLE] },
);

export const PlanBody = Type.Object(
  { ...PlanDefinitionBody.properties, effective_from: Type.Optional(MonthString) },
  { additionalProperties: false, examples: [{ ...PLAN_EXAMPLE, effective_from: '2025-01' }] },
);

export const SimulateBody = Type.Object(
  {
    plan: Type.Optional(PlanDefinitionBody),
    plans: Type.Optional(Type.Array(PlanDefinitionBody, { minItems: 1, maxItems: 50 })),
    source: Type.Optional(Type.Union([Type.Literal('commissions'), Type.Literal('closings')])),
    from: MonthString,
    to: MonthString,
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false, examples: [{ plan: PLAN_EXAMPLE, from: '2024-10', to: '2025-09' }, { source: 'closings', from: '2025-07', to: '2025-09' }] },
);

const PlanVersionView = Type.Object(
  { version: Type.Integer(), effective_from: MonthString, definition: PlanDefinitionSchema, created_at: Type.String({ format: 'date-time' }) },
  Closed,
);
export const PlanView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    current: PlanVersionView,
    versions: Type.Array(PlanVersionView),
  },
  Closed,
);
export const PlanListView = Type.Object({ items: Type.Array(PlanView) }, Closed);

const LineComponent = Type.Enum(['tiers', 'rate', 'per_deal', 'bonus', 'override', 'formula', 'limit', 'clawback', 'draw', 'rounding'] as const);
const StatementView = Type.Object(
  {
    payee: Type.String(),
    payee_type: PayeeTypeSchema,
    period: MonthString,
    accumulation: Type.String({ description: 'The window the measures accumulated over: the month, "2025-Q3" or "2025".' }),
    plan: Type.String(),
    total: Type.Number(),
    lines: Type.Array(
      Type.Object(
        {
          component: LineComponent,
          label: Type.String(),
          description: Type.String(),
          bracket: Type.Optional(Type.Integer({ description: '1-based' })),
          rate: Type.Optional(Type.Number({ description: 'A fraction (0.08).' })),
          unit_amount: Type.Optional(Type.Number({ description: 'Amount per deal.' })),
          base: Type.Number({ description: 'Currency for unit "money", a count for "count".' }),
          unit: Type.Union([Type.Literal('money'), Type.Literal('count')]),
          amount: Type.Number(),
          exact: Type.String({ description: 'Currency with 8 decimals, e.g. "5000.00080000".' }),
        },
        Closed,
      ),
    ),
    draw_balance: Type.Optional(Type.Number()),
    warnings: Type.Array(Type.String()),
  },
  Closed,
);
export const PlanCalculationView = Type.Object(
  { plan_id: Type.String({ format: 'uuid' }), month: MonthString, total: Type.Number(), statements: Type.Array(StatementView) },
  Closed,
);

const Pct = Type.Union([Type.Number(), Type.Null()]);
const AgentComparisonView = Type.Object(
  {
    agent: Type.String(),
    payee_type: PayeeTypeSchema,
    gp: Type.Number({ description: "The payee's GP measure over the range (a manager's: the team's)." }),
    simulated: Type.Number(),
    actual: Type.Number(),
    delta: Type.Number({ description: 'simulated − actual' }),
    delta_pct: Type.Union([Type.Number(), Type.Null()], { description: 'delta as a % of actual; null when nothing was actually paid.' }),
  },
  Closed,
);
const MonthComparisonView = Type.Object(
  { month: MonthString, gp: Type.Number(), simulated: Type.Number(), actual: Type.Number(), commission_pct: Pct, actual_commission_pct: Pct },
  Closed,
);
export const SimulationView = Type.Object(
  {
    plan: Type.String(),
    from: MonthString,
    to: MonthString,
    months: Type.Array(MonthString),
    total_gp: Type.Number({ description: 'GP of the payees the plan covers, over the range.' }),
    total_commission: Type.Number(),
    actual_commission: Type.Number(),
    commission_pct: Pct,
    actual_commission_pct: Pct,
    by_agent: Type.Array(AgentComparisonView),
    by_month: Type.Array(MonthComparisonView),
    winners: Type.Array(AgentComparisonView),
    losers: Type.Array(AgentComparisonView),
    warnings: Type.Array(Type.String()),
  },
  Closed,
);
export const OptimizeView = Type.Object(
  {
    plans: Type.Array(
      Type.Object(
        {
          plan: PlanDefinitionSchema,
          simulation: SimulationView,
          target_gap_pct: Type.Number({ description: '|commission_pct − target|, percentage points.' }),
          worst_loss_pct: Type.Number({ description: "Largest loss of a constrained payee as a % of its actual pay." }),
        },
        Closed,
      ),
    ),
    reason: Type.Union([Type.String(), Type.Null()], { description: 'Why no plan was returned (null when some were).' }),
    evaluated: Type.Integer({ description: 'Rate/breakpoint combinations considered.' }),
  },
  Closed,
);

const Amount = Type.Number();
const NullableAmount = Type.Union([Type.Number(), Type.Null()]);
const PayeeComparisonView = Type.Object(
  { agent: Type.String(), roles: Type.Array(Type.String()), simulated: Amount, actual: Amount, delta: Amount, delta_pct: Pct },
  Closed,
);
/** `POST /plans/simulate` with `source: "closings"`: the payouts engine month by month against the approved payouts. */
export const ClosingsSimulationView = Type.Object(
  {
    source: Type.Literal('closings'),
    from: MonthString,
    to: MonthString,
    months: Type.Array(MonthString),
    approved_months: Type.Array(MonthString, { description: 'The months compared with actual commission (approved).' }),
    total_gp: Amount,
    total_commission: Amount,
    actual_commission: Type.Number({ description: 'Over approved months only.' }),
    simulated_commission_approved: Type.Number({ description: 'Simulated commission of the approved months, comparable with actual_commission.' }),
    commission_pct: Pct,
    actual_commission_pct: Pct,
    by_month: Type.Array(
      Type.Object(
        { month: MonthString, approved: Type.Boolean(), gp: Amount, simulated: Amount, actual: NullableAmount, delta: NullableAmount, commission_pct: Pct, uncovered: Type.Array(Type.String()) },
        Closed,
      ),
    ),
    by_agent: Type.Array(PayeeComparisonView),
    by_payee_month: Type.Array(Type.Object({ month: MonthString, payee: Type.String(), simulated: Amount, actual: NullableAmount, delta: NullableAmount }, Closed)),
    mismatches: Type.Integer({ description: 'Payee-months whose simulated total differs from the approved statement.' }),
    winners: Type.Array(PayeeComparisonView),
    losers: Type.Array(PayeeComparisonView),
    warnings: Type.Array(Type.String()),
  },
  Closed,
);
/** `POST /plans/optimize` with `source: "closings"`. */
export const ClosingsOptimizeView = Type.Object(
  {
    source: Type.Literal('closings'),
    plans: Type.Array(
      Type.Object(
        {
          plan: PlanDefinitionSchema,
          total_commission: Amount,
          commission_pct: Pct,
          target_gap_pct: Type.Number(),
          worst_loss_pct: Type.Number(),
          by_month: Type.Array(Type.Object({ month: MonthString, gp: Amount, simulated: Amount }, Closed)),
        },
        Closed,
      ),
    ),
    reason: Type.Union([Type.String(), Type.Null()]),
    evaluated: Type.Integer(),
  },
  Closed,
);

export type PlanDefinitionView = Static<typeof PlanDefinitionSchema>;
export type StoredPlanView = Static<typeof PlanView>;
export type SimulationResult = Static<typeof SimulationView>;
export type OptimizeResultView = Static<typeof OptimizeView>;
export type ClosingsSimulationResult = Static<typeof ClosingsSimulationView>;
