import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { SimulationJson } from '../../domain/plans/simulate.js';
import { AppError } from '../../domain/app-error.js';
import type { PlanTask } from './plan-worker.js';

/** What the optimiser answers: the best plans found, each with its simulation. */
export interface OptimizerOutput {
  reason: string | null;
  evaluated: number;
  plans: unknown[];
}

type Inputs<K extends PlanTask['kind']> = Omit<Extract<PlanTask, { kind: K }>, 'kind'>;

/**
 * Plan calculation, simulation and optimisation on a pool of worker threads (piscina): seconds of
 * CPU for one tenant's big history never stall the event loop that answers everyone else. At most
 * `threads` tasks run at once and `queue` more wait; beyond that, and for a task that outruns its
 * time limit (its thread is stopped), the answer is a 503 with Retry-After rather than a pile-up.
 *
 * Each call takes a loader of its inputs, run once the task is admitted: a refused request costs
 * no database work (a big tenant's history is the expensive part of the request).
 */
export interface PlanWorkers {
  simulate(load: () => Promise<Inputs<'simulate'>>): Promise<SimulationJson>;
  calculate(load: () => Promise<Inputs<'calculate'>>): Promise<{ total: number; statements: unknown[] }>;
  optimize(load: () => Promise<Inputs<'optimize'>>): Promise<OptimizerOutput>;
  close(): Promise<void>;
}

export interface PlanWorkerOptions {
  /** Threads at most; default one fewer than the machine's cores (at least one). */
  threads?: number;
  /** Tasks that may wait for a thread; default four per thread. */
  queue?: number;
  /** Longest a calculation or simulation may run, ms (default 30 s); the optimiser gets twice as long. */
  timeLimitMs?: number;
}

// The worker is the sibling file with this file's own extension: .ts under tsx, .js once built.
const EXTENSION = path.extname(fileURLToPath(import.meta.url));
const WORKER = fileURLToPath(new URL(EXTENSION === '.ts' ? './plan-worker-under-tsx.mjs' : './plan-worker.js', import.meta.url));

const busy = () =>
  new AppError('unavailable', 'plans-busy', 'Plan calculations are busy with other requests; retry in a few seconds.', { retryAfterSeconds: 5 });
const tooLong = () =>
  new AppError('unavailable', 'plans-timeout', 'The calculation took too long; narrow the range of months.', { retryAfterSeconds: 30 });

export function createPlanWorkers(options: PlanWorkerOptions = {}): PlanWorkers {
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  const capacity = threads + (options.queue ?? threads * 4);
  const timeLimitMs = options.timeLimitMs ?? 30_000;
  const pool = new Piscina({
    filename: WORKER,
    // No thread until the first task; idle ones end after a minute.
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  // Admission is counted here: piscina's own maxQueue is not applied to tasks that carry an
  // AbortSignal, and every task here carries its time limit as one.
  let admitted = 0;

  async function run<T>(load: () => Promise<PlanTask>, limitMs: number): Promise<T> {
    if (admitted >= capacity) throw busy();
    admitted += 1;
    try {
      const task = await load();
      return (await pool.run(task, { signal: AbortSignal.timeout(limitMs) })) as T;
    } catch (error) {
      if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) throw tooLong();
      throw error;
    } finally {
      admitted -= 1;
    }
  }

  return {
    simulate: (load) => run(async () => ({ kind: 'simulate', ...(await load()) }), timeLimitMs),
    calculate: (load) => run(async () => ({ kind: 'calculate', ...(await load()) }), timeLimitMs),
    optimize: (load) => run(async () => ({ kind: 'optimize', ...(await load()) }), timeLimitMs * 2),
    close: () => pool.destroy(),
  };
}
