import { readPlan as readPlanRow } from '../../db/plans.js';
import { notFoundError } from '../../domain/app-error.js';
import { inTenant, type ServiceContext } from '../context.js';
import { planView } from './plan-view.js';

/** One plan with every version. */
export async function readPlan(ctx: ServiceContext, input: { id: string }) {
  const row = await inTenant(ctx, (tx) => readPlanRow(tx, input.id));
  if (!row) throw notFoundError('No such plan.');
  return planView(row);
}
