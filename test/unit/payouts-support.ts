/** Builders for payout tests. */
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import type { PlanInForce } from '../../src/domain/payouts/calculate-payouts.js';

/** Definitions as plans in force, with ids plan-1, plan-2, ... in order. */
export function inForce(definitions: readonly PlanDefinition[]): PlanInForce[] {
  return definitions.map((definition, index) => ({ id: `plan-${index + 1}`, name: definition.name, version: 1, effective_from: '2025-01', definition }));
}
