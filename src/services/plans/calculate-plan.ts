import { loadHistory } from '../../db/history.js';
import { readPlan } from '../../db/plans.js';
import type { History } from '../../domain/history.js';
import { invalidInput, notFoundError } from '../../domain/app-error.js';
import { payeeLevelIssues } from '../../domain/plans/compiled.js';
import { planNeedsDeals } from '../../domain/plans/definition.js';
import { inTenant, type ServiceContext } from '../context.js';
import type { PlanWorkers } from './plan-workers.js';

/**
 * The statements of a month under the plan's version in force, one per covered payee, computed on
 * the plan workers. The plan and the history are loaded once the task is admitted.
 */
export async function calculatePlan(ctx: ServiceContext & { planWorkers: PlanWorkers }, input: { id: string; month: string }) {
  const { id, month } = input;
  const { total, statements } = await ctx.planWorkers.calculate(async () => {
    const { plan, history } = await inTenant(ctx, async (tx) => {
      const stored = await readPlan(tx, id);
      if (!stored) return { plan: null, history: [] as History };
      const deals = stored.versions.some((version) => planNeedsDeals(version.definition));
      return { plan: stored, history: await loadHistory(tx, month, { deals }) };
    });
    if (!plan) throw notFoundError('No such plan.');
    if (!history.some((entry) => entry.month === month)) throw notFoundError(`No commission data for ${month}.`);
    // A version written for closings (rates by a deal attribute, team scopes, ...) cannot be paid from payee-level months.
    const issues = plan.versions.flatMap((version, index) => payeeLevelIssues(version.definition).map((issue) => ({ pointer: `/versions/${index}/definition${issue.pointer}`, message: issue.message })));
    if (issues.length > 0) throw invalidInput('This plan needs closings (deal-level) history; its payouts come from closings.', issues);
    const versions = plan.versions.map((version) => ({ effective_from: version.effective_from, definition: version.definition }));
    return { plan: versions, history, month };
  }, ctx.principal.tenantId);
  return { plan_id: id, month, total, statements };
}
