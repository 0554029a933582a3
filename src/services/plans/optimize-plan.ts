import { latestMonth, loadHistory } from '../../db/history.js';
import { invalidInput, notFoundError } from '../../domain/app-error.js';
import { validateOptimizeOptions, type OptimizeOptions } from '../../domain/plans/optimize.js';
import { inTenant, type ServiceContext } from '../context.js';
import type { PlanWorkers } from './plan-workers.js';

/**
 * Searches bracket breakpoints and declining rates for a target commission % under the given
 * constraints, over the tenant's history up to `to` (default: its latest month), on the plan workers.
 */
export async function optimizePlan(ctx: ServiceContext & { planWorkers: PlanWorkers }, input: OptimizeOptions) {
  const issues = validateOptimizeOptions(input);
  if (issues.length > 0) throw invalidInput('The optimiser options are invalid.', issues.map(({ pointer, message }) => ({ pointer, message })));
  return ctx.planWorkers.optimize(async () => {
    const history = await inTenant(ctx, async (tx) => {
      const last = input.to ?? (await latestMonth(tx));
      // The optimiser searches brackets on monthly, quarterly or yearly GP: never on single deals.
      return last ? loadHistory(tx, last, { deals: false }) : [];
    });
    if (history.length === 0) throw notFoundError('No commission data to optimise against.');
    return { history, options: input };
  }, ctx.principal.tenantId);
}
