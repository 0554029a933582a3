/**
 * Plan computations, run in the plan worker threads (./plan-workers.ts) so that seconds of CPU for
 * one tenant never stall the event loop that answers everyone else. Inputs are checked before they
 * get here; what comes back is the API's JSON.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MessagePort } from 'node:worker_threads';
import { outcome, type EngineOutcome } from '../worker-outcome.js';
import type { History, HistoryMonth } from '../../domain/history.js';
import { calculatePayouts, type Payout, type PayoutInput } from '../../domain/payouts/calculate-payouts.js';
import { optimizeClosingsPlan, type ClosingsOptimizeMonth, type ClosingsOptimizeOptions } from '../../domain/payouts/optimize-closings.js';
import { simulatePayouts, type PayoutSimulation, type PayoutSimulationInput } from '../../domain/payouts/simulate-payouts.js';
import { tierSignalsAnswer, type TierSignalsInput } from '../../domain/analytics/tier-signals.js';
import { sumCents, toAmount } from '../../domain/money.js';
import { calculateStatements, type PlanSource } from '../../domain/plans/calculate.js';
import { optimizePlan, type OptimizeOptions } from '../../domain/plans/optimize.js';
import { simulatePlan, simulationToJson, streamSimulation } from '../../domain/plans/simulate.js';
import { statementToJson } from '../../domain/plans/statement.js';
import { historyMonthFromImport } from '../../domain/imports/to-history.js';
import type { CommissionMonth } from '../../domain/imports/format.js';

/**
 * A history the worker receives on `port` (history-feed.ts): messages of months' JSON text, each
 * acknowledged with 'ack' once decoded, then `{ done: true }` (or `{ error }`).
 */
export interface HistoryPort {
  port: MessagePort;
}
export type FeedMessage = { months: Array<{ month: string; text: string }> } | { done: true } | { error: string };

export type PlanTask =
  | { kind: 'simulate'; plan: PlanSource; history: History | HistoryPort; from: string; to: string; top: number | undefined }
  | { kind: 'calculate'; plan: PlanSource; history: History | HistoryPort; month: string }
  | { kind: 'optimize'; history: History | HistoryPort; options: OptimizeOptions }
  | { kind: 'payouts'; input: PayoutInput }
  | { kind: 'simulate-payouts'; input: PayoutSimulationInput }
  | { kind: 'optimize-closings'; months: ClosingsOptimizeMonth[]; options: ClosingsOptimizeOptions }
  | { kind: 'tier-signals'; input: TierSignalsInput };

/** A payout, or the AppError the engine refused it with (plans overlapping, a plan closings cannot pay), as plain data. */
export type { EngineOutcome };
export type PayoutOutcome = EngineOutcome<Payout>;
export type PayoutSimulationOutcome = EngineOutcome<PayoutSimulation>;

/**
 * A task over closings as JSON text (packTask in ./plan-workers.ts): months of closings are hundreds
 * of thousands of small objects, and a structured clone of them costs the posting thread more than
 * twice what JSON.stringify does (and the worker more than JSON.parse). Closings, plans and
 * adjustments are plain JSON data, so the text carries them unchanged; numbers round-trip exactly.
 */
export interface PackedTask {
  kind: 'packed';
  json: string;
}

/**
 * The history sent on the port, each month decoded as it comes and handed to `take`. The batch is
 * acknowledged once decoded, before `take` works on it, so the next is read from the database
 * meanwhile (at most one batch waits on the port).
 */
function receiveHistory({ port }: HistoryPort, take: (month: HistoryMonth) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    port.on('message', (message: FeedMessage) => {
      if ('months' in message) {
        try {
          const months = message.months.map((month) => historyMonthFromImport(JSON.parse(month.text) as CommissionMonth));
          port.postMessage('ack');
          for (const month of months) take(month);
        } catch (error) {
          port.close();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        return;
      }
      port.close();
      if ('done' in message) resolve();
      else reject(new Error(`the history could not be loaded: ${message.error}`));
    });
  });
}

/** A task's history, received whole (a calculation of one month reads little; the optimiser reads it all many times). */
async function wholeHistory(port: HistoryPort): Promise<History> {
  const history: History = [];
  await receiveHistory(port, (month) => history.push(month));
  return history;
}

/** A simulation folds each month as it arrives and keeps only the months it still reads (simulate.ts). */
async function streamedSimulation(task: Extract<PlanTask, { kind: 'simulate' }>, port: HistoryPort): Promise<unknown> {
  const simulation = streamSimulation(task.plan, task.from, task.to, task.top ? { top: task.top } : {});
  await receiveHistory(port, (month) => simulation.add(month));
  return simulationToJson(simulation.result());
}

const fullCollection = (() => {
  // A collection on demand, so a task's big history is given back to the system when the task
  // ends rather than when the idle thread ends a minute later.
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();

function scheduleCollection(): void {
  // After the result has been posted back.
  setTimeout(() => fullCollection(), 0).unref?.();
}

export default async function runPlanTask(posted: PlanTask | PackedTask): Promise<unknown> {
  const task: PlanTask = posted.kind === 'packed' ? (JSON.parse(posted.json) as PlanTask) : posted;
  if ((task.kind === 'simulate' || task.kind === 'calculate' || task.kind === 'optimize') && !Array.isArray(task.history)) {
    try {
      if (task.kind === 'simulate') return await streamedSimulation(task, task.history);
      return compute({ ...task, history: await wholeHistory(task.history) });
    } finally {
      scheduleCollection();
    }
  }
  // Past the check above, a history here is an array.
  return compute(task as Loaded<PlanTask>);
}

type Loaded<T> = T extends { history: unknown } ? Omit<T, 'history'> & { history: History } : T;

function compute(task: Loaded<PlanTask>): unknown {
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
    case 'tier-signals':
      return outcome(() => tierSignalsAnswer(task.input));
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
