import { addPlanVersion as addPlanVersionRow, readPlan, type PlanRow } from '../../db/plans.js';
import { notFoundError } from '../../domain/app-error.js';
import { requireAdmin, writeInTenant } from '../context.js';
import { checkedDefinition, requireFormulasIfUsed, splitBody, type PlanBody, type PlanContext } from './plan-input.js';
import { planView } from './plan-view.js';

/**
 * Adds a version of a plan (admins), in force from `effective_from`. Versions are never edited:
 * months before it keep being paid under the earlier version.
 */
export async function addPlanVersion(ctx: PlanContext, input: PlanBody & { id: string }) {
  requireAdmin(ctx);
  const { id, ...body } = input;
  const { definition, effectiveFrom } = splitBody(body);
  const plan = checkedDefinition(definition);
  await requireFormulasIfUsed(ctx, plan);
  const row = await writeInTenant(ctx, (found: PlanRow | undefined) => (found ? { type: 'plan' } : null), async (tx) =>
    (await addPlanVersionRow(tx, id, plan, effectiveFrom, ctx.principal.userId)) ? readPlan(tx, id) : undefined,
  );
  if (!row) throw notFoundError('No such plan.');
  return planView(row);
}
