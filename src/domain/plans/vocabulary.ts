/**
 * Constant vocabulary of the plan language, in a module of its own so that the validator and the
 * definition (which re-exports the validator) can both read it without an import cycle.
 */
import type { Measure } from './definition-shape.js';

/** Measures that count (a rate on them is an amount per unit, in currency). */
export const COUNT_MEASURES: ReadonlySet<Measure> = new Set<Measure>(['deals', 'transactions', 'company_transactions', 'goal_transactions']);

/** Measures only closings (and the month's goals) can give; the payee-level engine cannot pay them. */
export const CLOSINGS_MEASURES: ReadonlySet<Measure> = new Set<Measure>([
  'transactions', 'company_gp', 'company_transactions', 'goal_gp', 'goal_transactions',
]);

/** Month text as the whole platform writes it; string order is calendar order. */
/** Years from 1000: PostgreSQL has no year 0, and a month is stored as its first day. */
export const MONTH_PATTERN = /^[1-9]\d{3}-(0[1-9]|1[0-2])$/;
