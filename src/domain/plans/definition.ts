/**
 * A commission plan as users write it (CONTRACT.md, "Plan definition", extended). Plain JSON:
 * amounts are currency numbers with at most 2 decimals, rates are fractions with at most 12 decimals
 * (a JSON number or a decimal string, or a fraction such as "2/3"), months are "YYYY-MM". Two
 * engines read a valid definition: the payee-level one (./compiled.ts, exact integers, rates to 6
 * decimals) and the closings one (../payouts/, exact decimals); nothing here computes money.
 */
import type { PlanDefinition } from './definition-shape.js';

export type * from './definition-shape.js';

/**
 * True when the plan looks at single deals: paid per deal (basis `deal`), splitting deals between
 * sides, or clawing back terminated deals. Every other plan is computed from the payees' monthly
 * figures alone, so its history can be loaded without the deals (src/db/history.ts).
 */
export function planNeedsDeals(definition: PlanDefinition): boolean {
  return definition.basis === 'deal' || (definition.components ?? []).some((component) => component.type === 'split' || component.type === 'clawback');
}

/**
 * The first month a calculation from `from` on reads: the start of `from`'s year (quarter- and
 * year-to-date windows, what earlier months of the period paid), or null (the first month of
 * history) when a plan carries across years: a draw's balance, or a clawback of a deal closed in
 * any earlier month.
 */
export function historyStartFor(definitions: readonly PlanDefinition[], from: string): string | null {
  const carries = definitions.some((definition) => (definition.components ?? []).some((component) => component.type === 'draw' || component.type === 'clawback'));
  return carries ? null : `${from.slice(0, 4)}-01`;
}

/** The version in force in `month` ("YYYY-MM"): the latest effective_from ≤ month; the later listed wins a tie. */
export function planInForce<V extends { effective_from: string }>(versions: readonly V[], month: string): V | null {
  let best: V | null = null;
  for (const version of versions) {
    if (version.effective_from > month) continue;
    if (best === null || version.effective_from >= best.effective_from) best = version;
  }
  return best;
}

/** Month text as the whole platform writes it; string order is calendar order. */
/** Years from 1000: PostgreSQL has no year 0, and a month is stored as its first day. */
export { MONTH_PATTERN } from './vocabulary.js';

// The rules live beside the engine that needs them; re-exported so the definition has one import.
export { parsePlan, validatePlan } from './validate.js';
