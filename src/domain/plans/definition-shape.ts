/**
 * The shape of a commission plan definition, types only (./definition.ts has the functions over it):
 * validate.ts and the engines import these without importing definition.ts, which imports validate.ts.
 */
export type PayeeType = 'acq' | 'dispo' | 'manager';
export type AgentRole = 'acq' | 'dispo';

/**
 * The period a plan's measures accumulate over. `deal`: brackets on GP apply to each deal on its
 * own; `month`: to the month's total; `quarter`/`year`: to the period-to-date total, each month
 * paying the increment f(to date) − f(to the previous month).
 */
export type Basis = 'deal' | 'month' | 'quarter' | 'year';

/**
 * What a rate or bracket is applied to. `gp`: the payee's closed GP (a manager's is the team's);
 * `deals`: closed deals (then a "rate" is an amount per deal, in currency); `team_gp`: GP of the
 * payee's team (agents sharing a manager, or the manager's team). From closings only:
 * `transactions` (the payee's credited transactions, a count like deals), `company_gp` and
 * `company_transactions` (the month's closings, each deal once), `goal_gp` and `goal_transactions`
 * (the month's goals).
 */
export type Measure =
  | 'gp'
  | 'deals'
  | 'team_gp'
  | 'transactions'
  | 'company_gp'
  | 'company_transactions'
  | 'goal_gp'
  | 'goal_transactions';

/** `graduated`: each slice at its own rate; `retroactive`: all of it at the rate of the bracket reached. */
export type BracketMode = 'graduated' | 'retroactive';

/** A fraction with at most 12 decimals: 0.08, "0.08", or a fraction "2/3". */
export type Rate = number | string;

/**
 * Rates per value of a deal attribute (tiers with `rate_by`): `{"false": 0.05, "true": "0.1/3"}`,
 * `"*"` for any value not listed. Keys are the attribute's value as text (true → "true").
 */
export type RateByValue = Record<string, Rate>;

/**
 * One bracket, bounded either from above or from below; all brackets of a table use the same kind.
 * `up_to`: inclusive upper bound, null for the last (open) one. `from`: inclusive lower bound, the
 * first 0, ascending; the bracket reached is the last whose `from` ≤ the measure (a spreadsheet's
 * approximate lookup). For whole cents (and counts) `from: F` is the same as the previous bracket
 * ending at `up_to: F − 0.01` (F − 1 for counts), in both modes.
 */
export interface Bracket {
  up_to?: number | null;
  from?: number;
  /** A fraction of the measure (per attribute value with rate_by); for counts, an amount per unit. */
  rate: Rate | RateByValue;
}

/**
 * Whose deals a team measure counts: closings whose `role` side names the payee as manager, only
 * those whose attributes equal every `where` entry (e.g. `{"tl_eligible": true}`).
 */
export interface TeamScope {
  role?: AgentRole;
  where?: Record<string, boolean | string | number>;
}

export interface Tiers {
  measure: Measure;
  mode: BracketMode;
  brackets: Bracket[];
  /**
   * Retroactive only: the bracket is chosen on the whole measure, and each part of it is paid at
   * that bracket's rate for its deals' value of this attribute (the part's measure is the GP of
   * those deals).
   */
  rate_by?: string;
  /** On `team_gp`: which team (closings only). */
  team?: TeamScope;
}

interface Labelled {
  /** Shown on statement lines instead of the component's default name. */
  label?: string;
}

/** Brackets as a component, for plans with more than one schedule (e.g. GP and deal count). */
export interface TiersComponent extends Labelled, Tiers {
  type: 'tiers';
}

/** A flat rate on a measure; on `deals` the rate is an amount per deal. */
export interface RateComponent extends Labelled {
  type: 'rate';
  measure: Measure;
  rate: Rate;
}

/** A fixed amount per closed deal. */
export interface PerDealComponent extends Labelled {
  type: 'per_deal';
  amount: number;
}

/**
 * Floor and/or cap on what the earning components pay. `deal` (basis deal only): per deal, on what
 * the deal earns from GP rates, GP brackets and per-deal amounts; `period`: on the period's earnings
 * (the month, or the quarter/year to date for those bases, paid incrementally).
 */
export interface LimitComponent extends Labelled {
  type: 'limit';
  scope: 'deal' | 'period';
  min?: number;
  max?: number;
}

/**
 * Each side's share of a deal's GP, for data where both the acq and the dispo agent's records
 * carry the deal's full GP. Co-agents on the same side share that side's part equally. The
 * credited GP is rounded half-up to the cent per deal record.
 */
export interface SplitComponent extends Labelled {
  type: 'split';
  shares: { acq: Rate; dispo: Rate };
}

/**
 * A manager's override: a rate on the team's GP, or on the commission the team was actually paid.
 * It pays managers only (never the agents of a plan that also applies to agents). On closings, the
 * team may be narrowed (`team`), and `tiers` (a bracket table on the team GP) may replace `rate`.
 */
export interface OverrideComponent extends Labelled {
  type: 'override';
  of: 'team_gp' | 'team_commission';
  rate?: Rate;
  team?: TeamScope;
  tiers?: { mode: BracketMode; brackets: Bracket[]; rate_by?: string };
}

/** A fixed amount when a measure reaches a threshold in the period (e.g. 10+ deals in a month). */
export interface BonusComponent extends Labelled {
  type: 'bonus';
  measure: Measure;
  /** Currency for money measures, a count for deals. */
  at_least: number;
  amount: number;
}

/**
 * Commission on a deal that is terminated after it closed is reversed in the month of termination.
 * `recompute` (default): what the closing month's earnings were worth with the deal minus without it,
 * under the plan in force then; `rate`: the deal's credited GP times `rate`.
 */
export interface ClawbackComponent extends Labelled {
  type: 'clawback';
  method?: 'recompute' | 'rate';
  rate?: Rate;
}

/**
 * A recoverable draw: a month that earns less than `amount` is paid `amount`, the shortfall becomes
 * a balance, and later months' earnings above the draw repay it first.
 */
export interface DrawComponent extends Labelled {
  type: 'draw';
  amount: number;
}

/** A custom formula (./formula.ts) whose value is an amount in currency for the period. */
export interface FormulaComponent extends Labelled {
  type: 'formula';
  expression: string;
}

export type Component =
  | TiersComponent
  | RateComponent
  | PerDealComponent
  | LimitComponent
  | SplitComponent
  | OverrideComponent
  | BonusComponent
  | ClawbackComponent
  | DrawComponent
  | FormulaComponent;

export type ComponentType = Component['type'];

/**
 * Pays one payee at a fixed bracket of the plan's own tier tables (top-level `tiers` and `tiers`
 * components, not an override's) for the months `from`..`to` (inclusive): the whole measure at
 * that bracket's rate, in either mode, the statement line saying "overridden: <reason>".
 */
export interface TierOverride {
  payee: string;
  /** 1-based. */
  bracket: number;
  reason: string;
  from: string;
  to: string;
}

export interface PlanDefinition {
  name: string;
  description?: string;
  applies_to: PayeeType[];
  /**
   * When present, the plan covers only these payees (of the types in applies_to); on closings a
   * payee named here is calculated even in a month where they closed nothing.
   */
  agents?: string[];
  /** Payees the plan never covers (the house account, someone paid under another plan). */
  exclude?: string[];
  basis: Basis;
  tiers?: Tiers;
  components?: Component[];
  tier_overrides?: TierOverride[];
}

/** A plan as stored: the definition in force from a month on, until a later version takes over. */
export interface PlanVersion {
  /** YYYY-MM */
  effective_from: string;
  definition: PlanDefinition;
}
