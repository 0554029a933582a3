import { readClosingsDocument } from '../../db/closings.js';
import { latestMonth } from '../../db/history.js';
import { historyFeed } from './history-feed.js';
import { closingMonthsBetween, readPayout } from '../../db/payouts.js';
import { plansInForce } from '../../db/plans.js';
import { invalidInput, notFoundError } from '../../domain/app-error.js';
import { paidUnder, validateClosingsOptimizeOptions, type ClosingsOptimizeMonth, type ClosingsOptimizeOptions } from '../../domain/payouts/optimize-closings.js';
import { validateOptimizeOptions, type OptimizeOptions } from '../../domain/plans/optimize.js';
import type { PlanIssue } from '../../domain/plans/validate.js';
import { inTenant, type ServiceContext } from '../context.js';
import type { PlanWorkers } from './plan-workers.js';

export type OptimizeInput =
  | (OptimizeOptions & { source?: 'commissions' | undefined })
  | (ClosingsOptimizeOptions & { source: 'closings'; from?: string | undefined; to?: string | undefined });

function refuse(issues: readonly PlanIssue[]): void {
  if (issues.length > 0) throw invalidInput('The optimiser options are invalid.', issues.map(({ pointer, message }) => ({ pointer, message })));
}

/**
 * Searches bracket breakpoints and declining rates for a target commission % under the given
 * constraints, over the tenant's history up to `to` (default: its latest month), on the plan
 * workers. With `source: "closings"`: a role plan of `from`-bound tiers (and flat-fee rate
 * ratios) over the closings months, held against what the approved payouts paid under the role
 * plans in force.
 */
export async function optimizePlan(ctx: ServiceContext & { planWorkers: PlanWorkers }, input: OptimizeInput) {
  if (input.source === 'closings') return optimizeOverClosings(ctx, input);
  const { source: _source, ...options } = input;
  refuse(validateOptimizeOptions(options));
  return ctx.planWorkers.optimize(async () => {
    const last = options.to ?? (await inTenant(ctx, latestMonth));
    if (!last) throw notFoundError('No commission data to optimise against.');
    // The optimiser searches brackets on monthly, quarterly or yearly GP: never on single deals.
    const history = await historyFeed(ctx, { start: null, from: '1000-01', to: last }, { deals: false, missing: 'No commission data to optimise against.' });
    return { history, options };
  }, ctx.principal.tenantId);
}

async function optimizeOverClosings(ctx: ServiceContext & { planWorkers: PlanWorkers }, input: ClosingsOptimizeOptions & { from?: string | undefined; to?: string | undefined }) {
  const { from, to, ...options } = input;
  refuse([...validateClosingsOptimizeOptions(options), ...validateOptimizeOptions({ ...options, ...(from ? { from } : {}), ...(to ? { to } : {}) }).filter((issue) => issue.pointer === '/from' || issue.pointer === '/to')]);
  const role = options.role ?? 'acq';
  return ctx.planWorkers.optimizeClosings(async () => {
    const months = await inTenant(ctx, async (tx) => {
      const out: ClosingsOptimizeMonth[] = [];
      for (const month of await closingMonthsBetween(tx, from ?? '1970-01', to ?? '9999-12')) {
        const stored = await readPayout(tx, month);
        const covering = (await plansInForce(tx, month)).filter((plan) => plan.definition.applies_to.includes(role));
        // What the role plans the search would replace paid (those without named agents); people a
        // plan of their own pays for the role stay with it and out of the search.
        const rolePlans = covering.filter((plan) => plan.definition.agents === undefined);
        const actual = stored?.status === 'approved' ? paidUnder(stored.statements, new Set(rolePlans.map((plan) => plan.id))) : null;
        const elsewhere = covering.flatMap((plan) => plan.definition.agents ?? []);
        out.push({ month, closings: (await readClosingsDocument(tx, month)).closings, actual, paid_elsewhere: elsewhere });
      }
      return out;
    });
    if (months.length === 0) throw notFoundError('No closings to optimise against.');
    return { months, options };
  }, ctx.principal.tenantId);
}
