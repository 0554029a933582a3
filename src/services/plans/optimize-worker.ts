/**
 * Runs the plan optimiser off the event loop: a search takes seconds of CPU, and the API must keep
 * answering other requests meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { History } from '../../domain/history.js';
import { optimizePlan, type OptimizeOptions } from '../../domain/plans/optimize.js';
import { simulationToJson } from '../../domain/plans/simulate.js';

const { history, options } = workerData as { history: History; options: OptimizeOptions };
const result = optimizePlan(history, options);
parentPort!.postMessage({
  reason: result.reason,
  evaluated: result.evaluated,
  plans: result.plans.map((found) => ({
    plan: found.plan,
    target_gap_pct: found.target_gap_pct,
    worst_loss_pct: found.worst_loss_pct,
    simulation: simulationToJson(found.simulation),
  })),
});
