import { readGoals as readGoalRows } from '../../db/payouts.js';
import { notFoundError } from '../../domain/app-error.js';
import { inTenant, type ServiceContext } from '../context.js';
import { goalsView } from './goals-view.js';

/** The month's goals; 404 when none were set. */
export async function readGoals(ctx: ServiceContext, input: { month: string }) {
  const [row] = await inTenant(ctx, (tx) => readGoalRows(tx, input.month, input.month));
  if (!row) throw notFoundError(`No goals for ${input.month}.`);
  return goalsView(row);
}
