import { loadHistory } from '../../db/history.js';
import { badRequest, notFoundError } from '../../domain/app-error.js';
import { planNeedsDeals } from '../../domain/plans/definition.js';
import { inTenant } from '../context.js';
import { payeeLevelDefinition, requireFormulasIfUsed, type PlanContext } from './plan-input.js';

/** What a plan would have paid over a range of the tenant's history, against what was paid. */
export async function simulatePlan(ctx: PlanContext, input: { plan: unknown; from: string; to: string; top?: number | undefined }) {
  const { from, to, top } = input;
  if (to < from) throw badRequest('`to` is before `from`.');
  const plan = payeeLevelDefinition(input.plan, '/plan');
  await requireFormulasIfUsed(ctx, plan);
  return ctx.planWorkers.simulate(async () => {
    const history = await inTenant(ctx, (tx) => loadHistory(tx, to, { deals: planNeedsDeals(plan) }));
    if (!history.some((entry) => entry.month >= from)) throw notFoundError(`No commission data between ${from} and ${to}.`);
    return { plan, history, from, to, top };
  }, ctx.principal.tenantId);
}
