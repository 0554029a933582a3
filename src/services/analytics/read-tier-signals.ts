import { listAdjustments } from '../../db/adjustments.js';
import { readClosingsDocument } from '../../db/closings.js';
import { closingMonthsBetween, readPayout } from '../../db/payouts.js';
import { plansInForce } from '../../db/plans.js';
import { AppError } from '../../domain/app-error.js';
import { resolvePeriod, type PeriodQuery } from '../../domain/analytics/periods.js';
import type { TierSignalsAnswer, TierSignalMonth } from '../../domain/analytics/tier-signals.js';
import { parseAmount } from '../../domain/money.js';
import { Exact } from '../../domain/plans/exact.js';
import type { PlanWorkers } from '../plans/plan-workers.js';
import { inTenant, type ServiceContext } from '../context.js';

/**
 * Tier-gaming signals over the period's closings months, and the holdback suggestion on its last
 * month's stored payout. The months are loaded once the task is admitted, and the plan engine
 * (a payout with and without each month's late deals) runs on the plan workers, not the event loop.
 */
export async function readTierSignals(ctx: ServiceContext & { planWorkers: PlanWorkers }, query: PeriodQuery): Promise<TierSignalsAnswer> {
  return ctx.planWorkers.tierSignals(async () =>
    inTenant(ctx, async (tx) => {
      const all = await closingMonthsBetween(tx, '0001-01', '9999-12');
      const resolved = resolvePeriod(query, all.length === 0 ? null : { first: all[0]!, last: all.at(-1)! });
      if (!resolved.ok) {
        if (resolved.error.code === 'no_data') throw new AppError('not-found', 'no-data', 'There are no closings yet.');
        throw new AppError('bad-request', 'bad-period', resolved.error.message, { errors: [{ pointer: `/query/${resolved.error.field}`, message: resolved.error.message }] });
      }
      const { from, to } = resolved.period;
      const months: TierSignalMonth[] = [];
      for (const month of all.filter((m) => m >= from && m <= to)) {
        const plans = (await plansInForce(tx, month)).map((row) => ({ ...row, name: row.definition.name ?? row.name }));
        const adjustments = (await listAdjustments(tx, month)).map(({ payee, amount, reason, note }) => ({ payee, amount, reason, ...(note === undefined ? {} : { note }) }));
        months.push({ month, closings: (await readClosingsDocument(tx, month)).closings, adjustments, plans });
      }
      const payout = await readPayout(tx, to);
      const pay = (payout?.statements ?? []).map((statement) => ({
        payee: statement.payee,
        total: parseAmount(statement.total)!,
        plan: Number(statement.lines.filter((line) => line.plan !== null).reduce((sum, line) => sum.add(new Exact(line.amount)), new Exact(0)).toDecimalPlaces(0 + 2).mul(100).toFixed(0)),
      }));
      return { input: { from, to, months, pay } };
    }),
  ctx.principal.tenantId);
}
