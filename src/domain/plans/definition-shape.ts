/**
 * The shape of a commission plan as users write it (CONTRACT.md, "Plan definition"), as types only:
 * both the definition (./definition.ts) and its rules (./validate.ts) build on it, so neither has to
 * import the other's module for it.
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
 * payee's team (agents sharing a manager, or the manager's team).
 */
export type Measure = 'gp' | 'deals' | 'team_gp';

/** `graduated`: each slice at its own rate; `retroactive`: all of it at the rate of the bracket reached. */
export type BracketMode = 'graduated' | 'retroactive';

/** A fraction with at most 6 decimals: 0.08 or "0.08". */
export type Rate = number | string;

export interface Bracket {
  /** Inclusive upper bound (currency for money measures, a count for deals); null = no bound, last only. */
  up_to: number | null;
  /** A fraction of the measure; for the `deals` measure, an amount per deal in currency. */
  rate: Rate;
}

export interface Tiers {
  measure: Measure;
  mode: BracketMode;
  brackets: Bracket[];
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

/** A manager's override: a rate on the team's GP, or on the commission the team was actually paid. */
export interface OverrideComponent extends Labelled {
  type: 'override';
  of: 'team_gp' | 'team_commission';
  rate: Rate;
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

export interface PlanDefinition {
  name: string;
  description?: string;
  applies_to: PayeeType[];
  /** When present, the plan covers only these payees (of the types in applies_to). */
  agents?: string[];
  basis: Basis;
  tiers?: Tiers;
  components?: Component[];
}

/** A plan as stored: the definition in force from a month on, until a later version takes over. */
export interface PlanVersion {
  /** YYYY-MM */
  effective_from: string;
  definition: PlanDefinition;
}
