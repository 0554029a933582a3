import { readPlan } from '../../db/plans.js';
import { invalidInput, notFoundError } from '../../domain/app-error.js';
import { payeeLevelIssues } from '../../domain/plans/compiled.js';
import { historyStartFor, planNeedsDeals } from '../../domain/plans/definition.js';
import { historyFeed } from './history-feed.js';
import { inTenant, type ServiceContext } from '../context.js';
import type { PlanWorkers } from './plan-workers.js';

/**
 * The statements of a month under the plan's version in force, one per covered payee, computed on
 * the plan workers. The plan and the history are loaded once the task is admitted.
 */
export async function calculatePlan(ctx: ServiceContext & { planWorkers: PlanWorkers }, input: { id: string; month: string }) {
  const { id, month } = input;
  const { total, statements } = await ctx.planWorkers.calculate(async () => {
    const plan = await inTenant(ctx, (tx) => readPlan(tx, id));
    if (!plan) throw notFoundError('No such plan.');
    const definitions = plan.versions.map((version) => version.definition);
    const history = await historyFeed(ctx, { start: historyStartFor(definitions, month), from: month, to: month }, {
      deals: definitions.some(planNeedsDeals),
      missing: `No commission data for ${month}.`,
    });
    // A version written for closings (rates by a deal attribute, team scopes, ...) cannot be paid from payee-level months.
    const issues = plan.versions.flatMap((version, index) => payeeLevelIssues(version.definition).map((issue) => ({ pointer: `/versions/${index}/definition${issue.pointer}`, message: issue.message })));
    if (issues.length > 0) throw invalidInput('This plan needs closings (deal-level) history; its payouts come from closings.', issues);
    const versions = plan.versions.map((version) => ({ effective_from: version.effective_from, definition: version.definition }));
    return { plan: versions, history, month };
  }, ctx.principal.tenantId);
  return { plan_id: id, month, total, statements };
}
