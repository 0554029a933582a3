/**
 * A month of closings as the operator's spreadsheet or CRM has it: one row per deal, each with its
 * sides (an acquisition and a disposition agent, each with a manager). The JSON form of the
 * contract ("Closings and payouts"); amounts are numbers with at most two decimals, read into
 * integer cents (src/domain/money.ts) by whatever computes with them.
 */

export type SideRole = 'acq' | 'dispo';
export const SIDE_ROLES: readonly SideRole[] = ['acq', 'dispo'];

/** The tenant's own per-deal facts (`flat_fee`, `exit_strategy`, `tl_eligible`, ...). */
export type AttributeValue = boolean | string | number;

export interface ClosingSide {
  role: SideRole;
  /** The agent credited on this side; null is the house (no payee). */
  agent: string | null;
  /** The agent's manager on this side: credited with the deal's GP as team GP for the role. */
  manager?: string | null;
  /** Fraction of the deal's GP credited to the agent (default 1); a decimal string or number. */
  credit?: number | string;
}

export type ClosingStatus = 'closed' | 'terminated';

export interface Closing {
  /** Optional: a row without one is known by its position in the file. */
  id?: string;
  /** YYYY-MM-DD; optional (the row belongs to the import's month). */
  date?: string;
  property?: string;
  market?: string;
  /** The deal's gross profit. */
  gp: number;
  assignment_fee?: number;
  /** What deal counts and per-transaction pay count (default 1; a memo row carries GP with 0). */
  transactions?: number;
  status?: ClosingStatus;
  attributes?: Record<string, AttributeValue>;
  sides: ClosingSide[];
}

export const ADJUSTMENT_REASONS = ['sprint', 'mentor', 'true_up', 'correction', 'bonus', 'other'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** A one-off amount for a payee in a month (contest prize, mentor bonus, true-up, correction); may be negative. */
export interface Adjustment {
  payee: string;
  amount: number;
  reason: AdjustmentReason;
  note?: string;
}

/** The body of `POST /api/v1/closings/import`. */
export interface ClosingsMonth {
  month: string;
  closings: Closing[];
  adjustments?: Adjustment[];
}
