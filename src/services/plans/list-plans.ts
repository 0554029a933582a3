import { listPlans as listPlanRows } from '../../db/plans.js';
import { inTenant, type ServiceContext } from '../context.js';
import { planView } from './plan-view.js';

/** The tenant's plans with their versions. */
export async function listPlans(ctx: ServiceContext) {
  return { items: (await inTenant(ctx, listPlanRows)).map(planView) };
}
