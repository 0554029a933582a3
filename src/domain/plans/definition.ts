/**
 * A commission plan as users write it (CONTRACT.md, "Plan definition", extended). Plain JSON:
 * amounts are currency numbers with at most 2 decimals, rates are fractions with at most 12 decimals
 * (a JSON number or a decimal string, or a fraction such as "2/3"), months are "YYYY-MM". Two
 * engines read a valid definition: the payee-level one (./compiled.ts, exact integers, rates to 6
 * decimals) and the closings one (../payouts/, exact decimals); nothing here computes money.
 */
import type { PlanDefinition } from './definition-shape.js';
import { compileFormula, PERIOD_TO_DATE_VARIABLES } from './formula.js';

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
 * Whether the engine measures the quarter or year to date for the plan: its basis is quarter or
 * year, or a formula reads a `qtd_`/`ytd_` variable. A formula that does not compile counts as
 * reading them (the engine refuses it later, with its pointer).
 */
export function readsPeriodToDate(definition: PlanDefinition): boolean {
  if (definition.basis === 'quarter' || definition.basis === 'year') return true;
  return (definition.components ?? []).some((component) => {
    if (component.type !== 'formula') return false;
    const formula = compileFormula(component.expression);
    return !formula.ok || formula.variables.some((variable) => PERIOD_TO_DATE_VARIABLES.has(variable));
  });
}

/**
 * The first month a calculation from `from` on reads (issue 21: no month it does not need): null
 * (the first month of history) when a plan carries across years, a draw's balance or a clawback of
 * a deal closed in any earlier month; the start of `from`'s year when a plan reads the quarter or
 * year to date; otherwise `from` itself.
 */
export function historyStartFor(definitions: readonly PlanDefinition[], from: string): string | null {
  const carries = definitions.some((definition) => (definition.components ?? []).some((component) => component.type === 'draw' || component.type === 'clawback'));
  if (carries) return null;
  return definitions.some(readsPeriodToDate) ? `${from.slice(0, 4)}-01` : from;
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
