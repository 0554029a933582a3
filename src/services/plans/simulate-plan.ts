import { listAdjustments } from '../../db/adjustments.js';
import { readClosingsDocument } from '../../db/closings.js';
import { plansInForce } from '../../db/plans.js';
import { approvedTotals, carriedInto, closingMonthsBetween, readGoals } from '../../db/payouts.js';
import { badRequest, invalidInput, notFoundError } from '../../domain/app-error.js';
import type { PlanInForce } from '../../domain/payouts/calculate-payouts.js';
import type { SimulatedMonthInput } from '../../domain/payouts/simulate-payouts.js';
import type { Goals } from '../../domain/payouts/window.js';
import { historyStartFor, planNeedsDeals, type PlanDefinition } from '../../domain/plans/definition.js';
import { inTenant } from '../context.js';
import { historyFeed } from './history-feed.js';
import { checkedDefinition, payeeLevelDefinition, requireFormulasIfUsed, type PlanContext } from './plan-input.js';

export interface SimulateInput {
  plan?: unknown;
  /** With `source: "closings"`: the plans to simulate instead of the tenant's own. */
  plans?: unknown[] | undefined;
  source?: 'commissions' | 'closings' | undefined;
  from: string;
  to: string;
  top?: number | undefined;
}

/**
 * What a plan would have paid over a range of the tenant's history, against what was paid. On
 * payee-level history (the default) one plan against the imported commission; with `source:
 * "closings"` the month's payouts month after month over closings history, under `plans` or (none
 * given) the tenant's own plans in force each month, against the approved payouts.
 */
export async function simulatePlan(ctx: PlanContext, input: SimulateInput) {
  const { from, to, top } = input;
  if (to < from) throw badRequest('`to` is before `from`.');
  if (input.source === 'closings') return simulateClosings(ctx, input);
  if (input.plan === undefined) throw invalidInput('A simulation over payee-level history needs its plan.', [{ pointer: '/plan', message: 'is required (or send source: "closings")' }]);
  const plan = payeeLevelDefinition(input.plan, '/plan');
  await requireFormulasIfUsed(ctx, plan);
  // The history goes to the worker as the database's text, a few months at a time (history-feed.ts),
  // and from no earlier than the plan needs.
  return ctx.planWorkers.simulate(async () => {
    const history = await historyFeed(ctx, { start: historyStartFor([plan], from), from, to }, { deals: planNeedsDeals(plan), missing: `No commission data between ${from} and ${to}.` });
    return { plan, history, from, to, top };
  }, ctx.principal.tenantId);
}

async function simulateClosings(ctx: PlanContext, input: SimulateInput) {
  const { from, to, top } = input;
  const given: PlanDefinition[] | null = input.plans === undefined ? (input.plan === undefined ? null : [checkedDefinition(input.plan, '/plan')]) : input.plans.map((plan, index) => checkedDefinition(plan, `/plans/${index}`));
  for (const plan of given ?? []) await requireFormulasIfUsed(ctx, plan);
  const replacement: PlanInForce[] | null =
    given?.map((definition, index) => ({ id: `simulated-${index + 1}`, name: definition.name, version: 1, effective_from: '1970-01', definition })) ?? null;
  return ctx.planWorkers.simulatePayouts(async () => {
    const loaded = await inTenant(ctx, async (tx) => {
      // From the start of `from`'s year: quarter and year plans carry what earlier months paid.
      const start = `${from.slice(0, 4)}-01`;
      const months = await closingMonthsBetween(tx, start, to);
      if (!months.some((month) => month >= from)) throw notFoundError(`No closings between ${from} and ${to}.`);
      const approved = await approvedTotals(tx, from, to);
      const goals = new Map((await readGoals(tx, start, to)).map((row): [string, Goals] => [row.month, { transactions: row.transactions, gp: row.gp }]));
      const out: SimulatedMonthInput[] = [];
      for (const month of months) {
        const plans = replacement ?? (await plansInForce(tx, month)).map((row) => ({ ...row, name: row.definition.name ?? row.name }));
        const adjustments = (await listAdjustments(tx, month)).map(({ payee, amount, reason, note }) => ({ payee, amount, reason, ...(note === undefined ? {} : { note }) }));
        out.push({ month, closings: (await readClosingsDocument(tx, month)).closings, adjustments, goals: goals.get(month) ?? null, plans, actual: approved.get(month) ?? null });
      }
      // The tenant's own plans continue the draw balances stored before the first month; other plans start without.
      const draws = replacement ? [] : (await carriedInto(tx, months[0]!)).draws;
      return { months: out, draws };
    });
    return { input: { from, to, months: loaded.months, draw_balances: loaded.draws, ...(top === undefined ? {} : { top }) } };
  }, ctx.principal.tenantId);
}
