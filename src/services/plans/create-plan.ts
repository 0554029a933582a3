import { createPlan as createPlanRows, readPlan } from '../../db/plans.js';
import { requireAdmin, writeInTenant } from '../context.js';
import { checkedDefinition, requireFormulasIfUsed, splitBody, type PlanBody, type PlanContext } from './plan-input.js';
import { planView } from './plan-view.js';

/** Creates a plan (admins) from a valid definition, in force from `effective_from` (or always). */
export async function createPlan(ctx: PlanContext, input: PlanBody) {
  requireAdmin(ctx);
  const { definition, effectiveFrom } = splitBody(input);
  const plan = checkedDefinition(definition);
  await requireFormulasIfUsed(ctx, plan);
  const row = await writeInTenant(ctx, { type: 'plan' }, async (tx) => readPlan(tx, await createPlanRows(tx, plan, effectiveFrom, ctx.principal.userId)));
  return planView(row!);
}
