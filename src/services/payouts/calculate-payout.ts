import { listAdjustments } from '../../db/adjustments.js';
import { readClosingMonthSummary, readClosingsDocument } from '../../db/closings.js';
import { lockMonth } from '../../db/commissions.js';
import { plansInForce } from '../../db/plans.js';
import {
  carriedInto,
  earlierClosingMonths,
  insertPayoutEvent,
  monthInputsStamp,
  readGoals,
  storeDraft,
  type PlanPaid,
} from '../../db/payouts.js';
import type { TenantTx } from '../../db/tenant.js';
import { AppError, notFoundError } from '../../domain/app-error.js';
import type { EarlierMonth, PayoutInput, PlanInForce } from '../../domain/payouts/calculate-payouts.js';
import { paidBeforeOf } from '../../domain/payouts/carry.js';
import type { Goals } from '../../domain/payouts/window.js';
import type { PayoutView } from '../../schemas/payouts.js';
import { assertClosingsMonthOpen } from '../closings/month-lock.js';
import { inTenant, requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import type { PlanWorkers } from '../plans/plan-workers.js';
import { payoutView } from './payout-view.js';

/** Everything the engine needs for the month, read in one tenant transaction. */
async function loadInput(tx: TenantTx, month: string): Promise<{ input: PayoutInput; plans: PlanPaid[]; stamp: string }> {
  // A quick refusal before any work; the write checks again under the month's lock.
  await assertClosingsMonthOpen(tx, month);
  if (!(await readClosingMonthSummary(tx, month))) {
    throw notFoundError(`No closings for ${month}: import them first (POST /api/v1/closings/import).`);
  }
  const stamp = await monthInputsStamp(tx, month);
  const plans: PlanInForce[] = (await plansInForce(tx, month)).map((row) => ({ ...row, name: row.definition.name ?? row.name }));
  const goals = new Map((await readGoals(tx, `${month.slice(0, 4)}-01`, month)).map((row): [string, Goals] => [row.month, { transactions: row.transactions, gp: row.gp }]));
  const periodic = plans.some((plan) => plan.definition.basis === 'quarter' || plan.definition.basis === 'year');
  const earlier: EarlierMonth[] = [];
  if (periodic) {
    for (const earlierMonth of await earlierClosingMonths(tx, month)) {
      earlier.push({ month: earlierMonth, closings: (await readClosingsDocument(tx, earlierMonth)).closings, goals: goals.get(earlierMonth) ?? null });
    }
  }
  const carried = await carriedInto(tx, month);
  const adjustments = (await listAdjustments(tx, month)).map(({ payee, amount, reason, note }) => ({ payee, amount, reason, ...(note === undefined ? {} : { note }) }));
  const input: PayoutInput = {
    month,
    closings: (await readClosingsDocument(tx, month)).closings,
    adjustments,
    goals: goals.get(month) ?? null,
    plans,
    earlier,
    paid_before: paidBeforeOf(month, plans, carried.paid),
    draw_balances: carried.draws,
  };
  return { input, plans: plans.map(({ id, name, version, effective_from }) => ({ id, name, version, effective_from })), stamp };
}

/**
 * Calculates the month's payouts under every plan in force (the latest version effective in the
 * month) and stores them as the month's draft, replacing an earlier draft (admins). The engine
 * runs on the plan workers; its inputs are read once the task is admitted. An approved month
 * answers 409 naming its approver; a month whose closings, adjustments, goals or plans changed
 * while the calculation ran answers 409 too (nothing is stored: calculate again).
 */
export async function calculatePayout(ctx: ServiceContext & { planWorkers: PlanWorkers }, input: { month: string }): Promise<PayoutView> {
  requireAdmin(ctx);
  const { month } = input;
  let loaded: { plans: PlanPaid[]; stamp: string } | undefined;
  const payout = await ctx.planWorkers.payouts(async () => {
    const { input: engineInput, plans, stamp } = await inTenant(ctx, (tx) => loadInput(tx, month));
    loaded = { plans, stamp };
    return { input: engineInput };
  }, ctx.principal.tenantId);
  const { plans, stamp } = loaded!;
  return writeInTenant(ctx, { type: 'payouts', month }, async (tx) => {
    await lockMonth(tx, month);
    await assertClosingsMonthOpen(tx, month);
    if ((await monthInputsStamp(tx, month)) !== stamp) {
      throw new AppError('conflict', 'inputs-changed', `The closings, adjustments, goals or plans of ${month} changed while its payouts were calculated; calculate again.`);
    }
    const now = ctx.clock();
    await storeDraft(tx, { payout, plans, inputs: stamp, calculatedAt: now, calculatedBy: ctx.principal.userId });
    await insertPayoutEvent(tx, month, { action: 'calculated', occurred_at: now, user_id: ctx.principal.userId, reason: null, total: payout.total.toFixed(2) });
    return (await payoutView(tx, month))!;
  });
}
