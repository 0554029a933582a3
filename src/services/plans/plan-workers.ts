import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { SimulationJson } from '../../domain/plans/simulate.js';
import type { PlanDefinition } from '../../domain/plans/definition-shape.js';
import type { StatementJson } from '../../domain/plans/statement.js';
import { AppError } from '../../domain/app-error.js';
import type { Payout } from '../../domain/payouts/calculate-payouts.js';
import type { ClosingsOptimizeResult } from '../../domain/payouts/optimize-closings.js';
import type { PayoutSimulation } from '../../domain/payouts/simulate-payouts.js';
import type { EngineOutcome, PlanTask } from './plan-worker.js';

/** What the optimiser answers: the best plans found, each with its simulation. */
export interface OptimizerOutput {
  reason: string | null;
  evaluated: number;
  plans: { plan: PlanDefinition; simulation: SimulationJson; target_gap_pct: number; worst_loss_pct: number }[];
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
  /** `tenantId`: whose share the task counts against (see admission below); unnamed tasks share one. */
  simulate(load: () => Promise<Inputs<'simulate'>>, tenantId?: string): Promise<SimulationJson>;
  calculate(load: () => Promise<Inputs<'calculate'>>, tenantId?: string): Promise<{ total: number; statements: StatementJson[] }>;
  optimize(load: () => Promise<Inputs<'optimize'>>, tenantId?: string): Promise<OptimizerOutput>;
  /** A month's payouts from its closings (src/domain/payouts/calculate-payouts.ts); the engine's refusals as AppErrors. */
  payouts(load: () => Promise<Inputs<'payouts'>>, tenantId?: string): Promise<Payout>;
  /** Payouts month after month over closings history, against the approved ones (src/domain/payouts/simulate-payouts.ts). */
  simulatePayouts(load: () => Promise<Inputs<'simulate-payouts'>>, tenantId?: string): Promise<PayoutSimulation>;
  /** The optimiser over closings history (src/domain/payouts/optimize-closings.ts). */
  optimizeClosings(load: () => Promise<Inputs<'optimize-closings'>>, tenantId?: string): Promise<ClosingsOptimizeResult>;
  close(): Promise<void>;
}

export interface PlanWorkerOptions {
  /** Threads at most; default one fewer than the machine's cores (at least one). */
  threads?: number;
  /** Tasks that may wait for a thread; default four per thread. */
  queue?: number;
  /** Longest a calculation or simulation may run, ms (default 30 s); the optimiser gets twice as long. */
  timeLimitMs?: number;
  /** Tasks one tenant may hold (running or waiting); default half of threads + queue (at least one). */
  tenantShare?: number;
  /** Threads one tenant may occupy at once; default half of them (at least one). */
  tenantThreads?: number;
  /** Runs one admitted task; the worker threads unless a test puts a fake here. */
  runTask?: (task: PlanTask, signal: AbortSignal) => Promise<unknown>;
}

/**
 * Fair admission. A tenant may hold at most `share` of the places (running or waiting) and run on
 * at most `threads` of them: seven optimiser calls of one member can no longer take every place.
 * Waiting tasks are kept per tenant and a free thread goes to the waiting tenant running fewest
 * tasks, then to the one served longest ago (round robin), so a tenant's first task waits for at
 * most one task of each other tenant, never for another tenant's whole backlog.
 */
export class FairAdmission {
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly heldBy = new Map<string, number>();
  private readonly runningBy = new Map<string, number>();
  /** When each tenant holding places was last given a thread (a dispatch counter). */
  private readonly servedAt = new Map<string, number>();
  private dispatches = 0;
  private held = 0;
  private running = 0;

  constructor(
    private readonly limits: { threads: number; capacity: number; share: number; tenantThreads: number },
  ) {}

  /**
   * Resolves when the task may start (call the returned `done` when it ends); false: no room for
   * it. The unnamed tenant '' (calls from no request: the CLI, tests) is limited by capacity only.
   */
  admit(tenant: string): Promise<() => void> | false {
    if (this.held >= this.limits.capacity) return false;
    if (tenant !== '' && (this.heldBy.get(tenant) ?? 0) >= this.limits.share) return false;
    this.held += 1;
    bump(this.heldBy, tenant, 1);
    return new Promise((resolve) => {
      const queue = this.waiting.get(tenant) ?? [];
      queue.push(() => resolve(this.finisher(tenant)));
      this.waiting.set(tenant, queue);
      this.dispatch();
    });
  }

  private finisher(tenant: string): () => void {
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.held -= 1;
      this.running -= 1;
      bump(this.heldBy, tenant, -1);
      bump(this.runningBy, tenant, -1);
      if (!this.heldBy.has(tenant)) this.servedAt.delete(tenant);
      this.dispatch();
    };
  }

  /** Gives free threads to waiting tasks: the tenant running fewest, then the one served longest ago. */
  private dispatch(): void {
    while (this.running < this.limits.threads) {
      let tenant: string | undefined;
      let best: [number, number] = [Infinity, Infinity];
      for (const key of this.waiting.keys()) {
        const running = this.runningBy.get(key) ?? 0;
        if (running >= this.limits.tenantThreads) continue;
        const rank: [number, number] = [running, this.servedAt.get(key) ?? -1];
        if (rank[0] < best[0] || (rank[0] === best[0] && rank[1] < best[1])) {
          tenant = key;
          best = rank;
        }
      }
      if (tenant === undefined) return;
      const queue = this.waiting.get(tenant)!;
      const start = queue.shift()!;
      if (queue.length === 0) this.waiting.delete(tenant);
      this.running += 1;
      bump(this.runningBy, tenant, 1);
      this.servedAt.set(tenant, (this.dispatches += 1));
      start();
    }
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

// The worker is the sibling file with this file's own extension: .ts under tsx, .js once built.
const EXTENSION = path.extname(fileURLToPath(import.meta.url));
const WORKER = fileURLToPath(new URL(EXTENSION === '.ts' ? './plan-worker-under-tsx.mjs' : './plan-worker.js', import.meta.url));

const busy = () =>
  new AppError('unavailable', 'plans-busy', 'Plan calculations are busy with other requests; retry in a few seconds.', { retryAfterSeconds: 5 });
const tooLong = () =>
  new AppError('unavailable', 'plans-timeout', 'The calculation took too long; narrow the range of months.', { retryAfterSeconds: 30 });

/** The engine's answer, or its refusal (plans overlapping, a plan closings cannot pay) as the AppError it was. */
function unwrap<T>(outcome: EngineOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { kind, code, message, errors, details } = outcome.error;
  throw new AppError(kind, code, message, { ...(errors ? { errors } : {}), details });
}

export function createPlanWorkers(options: PlanWorkerOptions = {}): PlanWorkers {
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  const capacity = threads + (options.queue ?? threads * 4);
  const timeLimitMs = options.timeLimitMs ?? 30_000;
  const pool = options.runTask
    ? undefined
    : new Piscina({
        filename: WORKER,
        // No thread until the first task; idle ones end after a minute.
        minThreads: 0,
        maxThreads: threads,
        idleTimeout: 60_000,
      });
  const runTask = options.runTask ?? ((task: PlanTask, signal: AbortSignal) => pool!.run(task, { signal }));
  // Admission is decided here, and piscina only ever gets as many tasks as it has threads: its own
  // maxQueue is not applied to tasks that carry an AbortSignal, and it knows nothing of tenants.
  const admission = new FairAdmission({
    threads,
    capacity,
    share: options.tenantShare ?? Math.max(1, Math.floor(capacity / 2)),
    tenantThreads: options.tenantThreads ?? Math.max(1, Math.ceil(threads / 2)),
  });

  async function run<T>(load: () => Promise<PlanTask>, limitMs: number, tenantId = ''): Promise<T> {
    const admitted = admission.admit(tenantId);
    if (!admitted) throw busy();
    const done = await admitted;
    try {
      // Loaded once the task's turn has come: a waiting task holds no history in memory.
      const task = await load();
      return (await runTask(task, AbortSignal.timeout(limitMs))) as T;
    } catch (error) {
      if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) throw tooLong();
      throw error;
    } finally {
      done();
    }
  }

  return {
    simulate: (load, tenantId) => run(async () => ({ kind: 'simulate', ...(await load()) }), timeLimitMs, tenantId),
    calculate: (load, tenantId) => run(async () => ({ kind: 'calculate', ...(await load()) }), timeLimitMs, tenantId),
    optimize: (load, tenantId) => run(async () => ({ kind: 'optimize', ...(await load()) }), timeLimitMs * 2, tenantId),
    payouts: async (load, tenantId) => unwrap(await run<EngineOutcome<Payout>>(async () => ({ kind: 'payouts', ...(await load()) }), timeLimitMs, tenantId)),
    simulatePayouts: async (load, tenantId) =>
      unwrap(await run<EngineOutcome<PayoutSimulation>>(async () => ({ kind: 'simulate-payouts', ...(await load()) }), timeLimitMs, tenantId)),
    optimizeClosings: async (load, tenantId) =>
      unwrap(await run<EngineOutcome<ClosingsOptimizeResult>>(async () => ({ kind: 'optimize-closings', ...(await load()) }), timeLimitMs * 2, tenantId)),
    close: async () => {
      await pool?.destroy();
    },
  };
}
