/**
 * What one month of payouts carries into the next months (CONTRACT.md, "Quarter and year bases"):
 * under a quarter or year plan each month pays R(to date) − R(paid before), so a month needs what
 * earlier months of the plan's period paid each person under it; a draw carries its balance.
 * Shared by the payout calculation (src/services/payouts/calculate-payout.ts), which reads the
 * carry stored with earlier months, and the simulation (./simulate-payouts.ts), which carries its own.
 */
import { parseAmount, sumCents, toAmount } from '../money.js';
import { periodOf } from '../plans/measures.js';
import type { PaidBefore, PlanInForce } from './calculate-payouts.js';

/**
 * What earlier months of each quarter or year plan's period paid each person: the sum of their
 * `paid` in the months of the period before `month` (whole cents, summed in cents).
 */
export function paidBeforeOf(month: string, plans: readonly PlanInForce[], carried: readonly (PaidBefore & { month: string })[]): PaidBefore[] {
  const out: PaidBefore[] = [];
  for (const plan of plans) {
    const basis = plan.definition.basis;
    if (basis !== 'quarter' && basis !== 'year') continue;
    const period = periodOf(month, basis);
    const byPayee = new Map<string, number[]>();
    for (const entry of carried) {
      if (entry.plan_id !== plan.id || entry.month >= month || periodOf(entry.month, basis) !== period) continue;
      byPayee.set(entry.payee, [...(byPayee.get(entry.payee) ?? []), parseAmount(entry.amount)!]);
    }
    for (const [payee, cents] of byPayee) out.push({ payee, plan_id: plan.id, amount: toAmount(sumCents(cents)) });
  }
  return out;
}
