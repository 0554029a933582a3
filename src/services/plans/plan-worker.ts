/**
 * Plan computations, run in the plan worker threads (./plan-workers.ts) so that seconds of CPU for
 * one tenant never stall the event loop that answers everyone else. Inputs are checked before they
 * get here; what comes back is the API's JSON.
 */
import { AppError, type AppErrorKind } from '../../domain/app-error.js';
import type { FieldError } from '../../domain/field-error.js';
import type { History } from '../../domain/history.js';
import { calculatePayouts, type Payout, type PayoutInput } from '../../domain/payouts/calculate-payouts.js';
import { optimizeClosingsPlan, type ClosingsOptimizeMonth, type ClosingsOptimizeOptions } from '../../domain/payouts/optimize-closings.js';
import { simulatePayouts, type PayoutSimulation, type PayoutSimulationInput } from '../../domain/payouts/simulate-payouts.js';
import { sumCents, toAmount } from '../../domain/money.js';
import { calculateStatements, type PlanSource } from '../../domain/plans/calculate.js';
import { optimizePlan, type OptimizeOptions } from '../../domain/plans/optimize.js';
import { simulatePlan, simulationToJson } from '../../domain/plans/simulate.js';
import { statementToJson } from '../../domain/plans/statement.js';

export type PlanTask =
  | { kind: 'simulate'; plan: PlanSource; history: History; from: string; to: string; top: number | undefined }
  | { kind: 'calculate'; plan: PlanSource; history: History; month: string }
  | { kind: 'optimize'; history: History; options: OptimizeOptions }
  | { kind: 'payouts'; input: PayoutInput }
  | { kind: 'simulate-payouts'; input: PayoutSimulationInput }
  | { kind: 'optimize-closings'; months: ClosingsOptimizeMonth[]; options: ClosingsOptimizeOptions };

/**
 * A payout, or the AppError the engine refused it with (plans overlapping, a plan closings cannot
 * pay) as plain data: an error crossing the thread boundary keeps only its message.
 */
export type EngineOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { kind: AppErrorKind; code: string; message: string; errors: FieldError[] | undefined; details: Record<string, unknown> } };
export type PayoutOutcome = EngineOutcome<Payout>;
export type PayoutSimulationOutcome = EngineOutcome<PayoutSimulation>;

function outcome<T>(compute: () => T): EngineOutcome<T> {
  try {
    return { ok: true, value: compute() };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, error: { kind: error.kind, code: error.code, message: error.message, errors: error.errors, details: error.details } };
  }
}

export default function runPlanTask(task: PlanTask): unknown {
  switch (task.kind) {
    case 'simulate':
      return simulationToJson(simulatePlan(task.plan, task.history, task.from, task.to, task.top ? { top: task.top } : {}));
    case 'calculate': {
      const statements = calculateStatements(task.plan, task.history, task.month);
      // Statement totals are summed in cents, each already rounded once.
      return { total: toAmount(sumCents(statements.map((statement) => statement.total))), statements: statements.map(statementToJson) };
    }
    case 'payouts':
      return outcome(() => calculatePayouts(task.input));
    case 'simulate-payouts':
      return outcome(() => simulatePayouts(task.input));
    case 'optimize-closings':
      return outcome(() => optimizeClosingsPlan(task.months, task.options));
    case 'optimize': {
      const result = optimizePlan(task.history, task.options);
      return {
        reason: result.reason,
        evaluated: result.evaluated,
        plans: result.plans.map((found) => ({
          plan: found.plan,
          target_gap_pct: found.target_gap_pct,
          worst_loss_pct: found.worst_loss_pct,
          simulation: simulationToJson(found.simulation),
        })),
      };
    }
  }
}
