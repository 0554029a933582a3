import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { History } from '../../domain/history.js';
import { historyMonthFromImport } from '../../domain/imports/to-history.js';
import type { CommissionMonth } from '../../domain/imports/format.js';
import { isHistoryFeed, type HistoryFeed } from './history-feed.js';
import type { SimulationJson } from '../../domain/plans/simulate.js';
import type { PlanDefinition } from '../../domain/plans/definition-shape.js';
import type { StatementJson } from '../../domain/plans/statement.js';
import { AppError } from '../../domain/app-error.js';
import type { Payout } from '../../domain/payouts/calculate-payouts.js';
import type { ClosingsOptimizeResult } from '../../domain/payouts/optimize-closings.js';
import type { TierSignalsAnswer } from '../../domain/analytics/tier-signals.js';
import type { PayoutSimulation } from '../../domain/payouts/simulate-payouts.js';
import type { FeedMessage, PackedTask, PlanTask } from './plan-worker.js';
import { unwrap, type EngineOutcome } from '../worker-outcome.js';

/** What the optimiser answers: the best plans found, each with its simulation. */
export interface OptimizerOutput {
  reason: string | null;
  evaluated: number;
  plans: { plan: PlanDefinition; simulation: SimulationJson; target_gap_pct: number; worst_loss_pct: number }[];
}

/** A task's inputs as its loader gives them: a history as the months themselves or as a feed (history-feed.ts). */
type Inputs<K extends PlanTask['kind']> = Omit<Extract<PlanTask, { kind: K }>, 'kind'> extends infer T
  ? T extends { history: unknown }
    ? Omit<T, 'history'> & { history: History | HistoryFeed }
    : T
  : never;

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
  /** Tier-gaming signals and the holdback suggestion over closings months (src/domain/analytics/tier-signals.ts). */
  tierSignals(load: () => Promise<Inputs<'tier-signals'>>, tenantId?: string): Promise<TierSignalsAnswer>;
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

class PumpStopped extends Error {
  constructor() {
    super('the plan worker stopped reading its history');
  }
}

/** A feed's months decoded here: only for a `runTask` of a test, which gets no port. */
async function assembled(feed: HistoryFeed): Promise<History> {
  const history: History = [];
  await feed.produce(async (batch) => {
    for (const month of batch) history.push(historyMonthFromImport(JSON.parse(month.text) as CommissionMonth));
  });
  return history;
}

/**
 * Sends the feed's batches on `port`, each once the worker has acknowledged the one before;
 * `stop()` (the task ended or failed) ends a pump still waiting.
 */
function pump(feed: HistoryFeed, port: MessagePort): { pumped: Promise<void>; stop: () => void } {
  let waiting: { resolve: () => void; reject: (error: Error) => void } | null = null;
  let stopped = false;
  port.on('message', () => {
    const current = waiting;
    waiting = null;
    current?.resolve();
  });
  const stop = () => {
    if (stopped) return;
    stopped = true;
    waiting?.reject(new PumpStopped());
    waiting = null;
    port.close();
  };
  const post = (message: FeedMessage) => port.postMessage(message);
  const pumped = feed
    .produce(
      (batch) =>
        new Promise<void>((resolve, reject) => {
          if (stopped) return reject(new PumpStopped());
          waiting = { resolve, reject };
          post({ months: batch });
        }),
    )
    .then(
      () => {
        if (!stopped) post({ done: true });
      },
      (error: unknown) => {
        if (!stopped) post({ error: error instanceof Error ? error.message : String(error) });
        throw error;
      },
    );
  return { pumped, stop };
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

/**
 * Runs `work` once `admission` lets the tenant's task start (`busy()` when there is no room),
 * releasing its place when it ends; an abort (the task's time limit) is `tooLong()`.
 */
export async function runAdmitted<T>(
  admission: FairAdmission,
  tenantId: string,
  errors: { busy: () => Error; tooLong: () => Error },
  work: () => Promise<T>,
): Promise<T> {
  const admitted = admission.admit(tenantId);
  if (!admitted) throw errors.busy();
  const done = await admitted;
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) throw errors.tooLong();
    throw error;
  } finally {
    done();
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

/** A task as loaded: its history, if it has one, possibly a feed. */
type LoadedTask = { [K in PlanTask['kind']]: Inputs<K> & { kind: K } }[PlanTask['kind']];

// The worker is the sibling file with this file's own extension: .ts under tsx, .js once built.
const EXTENSION = path.extname(fileURLToPath(import.meta.url));
const WORKER = fileURLToPath(new URL(EXTENSION === '.ts' ? './plan-worker-under-tsx.mjs' : './plan-worker.js', import.meta.url));

const busy = () =>
  new AppError('unavailable', 'plans-busy', 'Plan calculations are busy with other requests; retry in a few seconds.', { retryAfterSeconds: 5 });
const tooLong = () =>
  new AppError('unavailable', 'plans-timeout', 'The calculation took too long; narrow the range of months.', { retryAfterSeconds: 30 });

const PACKED_KINDS: ReadonlySet<PlanTask['kind']> = new Set(['payouts', 'simulate-payouts', 'optimize-closings']);

/** The task as posted to a worker thread: closings tasks as JSON text (see PackedTask), the others as they are. */
export function packTask(task: PlanTask): PlanTask | PackedTask {
  return PACKED_KINDS.has(task.kind) ? { kind: 'packed', json: JSON.stringify(task) } : task;
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
  const runTask = options.runTask ?? ((task: PlanTask, signal: AbortSignal) => pool!.run(packTask(task), { signal }));

  /** Runs a task whose history may be a feed: on the real threads it is pumped to the worker's port. */
  async function runLoaded(task: LoadedTask, signal: AbortSignal): Promise<unknown> {
    if (!('history' in task) || !isHistoryFeed(task.history)) return runTask(task as PlanTask, signal);
    const feed = task.history;
    if (!pool || options.runTask) return runTask({ ...task, history: await assembled(feed) } as PlanTask, signal);
    const channel = new MessageChannel();
    const { pumped, stop } = pump(feed, channel.port1);
    const ran = pool.run({ ...task, history: { port: channel.port2 } }, { signal, transferList: [channel.port2] });
    try {
      const [result] = await Promise.all([ran, pumped]);
      return result;
    } catch (error) {
      stop();
      // A failure to load (the database) is the answer, rather than what the worker made of it.
      const loadError = await pumped.then(() => null, (reason: unknown) => reason);
      throw loadError !== null && !(loadError instanceof PumpStopped) ? loadError : error;
    } finally {
      stop();
      ran.catch(() => {});
    }
  }
  // Admission is decided here, and piscina only ever gets as many tasks as it has threads: its own
  // maxQueue is not applied to tasks that carry an AbortSignal, and it knows nothing of tenants.
  const admission = new FairAdmission({
    threads,
    capacity,
    share: options.tenantShare ?? Math.max(1, Math.floor(capacity / 2)),
    tenantThreads: options.tenantThreads ?? Math.max(1, Math.ceil(threads / 2)),
  });

  const run = <T>(load: () => Promise<LoadedTask>, limitMs: number, tenantId = ''): Promise<T> =>
    runAdmitted(admission, tenantId, { busy, tooLong }, async () => {
      // Loaded once the task's turn has come: a waiting task holds no history in memory.
      const task = await load();
      return (await runLoaded(task, AbortSignal.timeout(limitMs))) as T;
    });

  return {
    simulate: (load, tenantId) => run(async () => ({ kind: 'simulate', ...(await load()) }), timeLimitMs, tenantId),
    calculate: (load, tenantId) => run(async () => ({ kind: 'calculate', ...(await load()) }), timeLimitMs, tenantId),
    optimize: (load, tenantId) => run(async () => ({ kind: 'optimize', ...(await load()) }), timeLimitMs * 2, tenantId),
    payouts: async (load, tenantId) => unwrap(await run<EngineOutcome<Payout>>(async () => ({ kind: 'payouts', ...(await load()) }), timeLimitMs, tenantId)),
    simulatePayouts: async (load, tenantId) =>
      unwrap(await run<EngineOutcome<PayoutSimulation>>(async () => ({ kind: 'simulate-payouts', ...(await load()) }), timeLimitMs, tenantId)),
    optimizeClosings: async (load, tenantId) =>
      unwrap(await run<EngineOutcome<ClosingsOptimizeResult>>(async () => ({ kind: 'optimize-closings', ...(await load()) }), timeLimitMs * 2, tenantId)),
    tierSignals: async (load, tenantId) =>
      unwrap(await run<EngineOutcome<TierSignalsAnswer>>(async () => ({ kind: 'tier-signals', ...(await load()) }), timeLimitMs, tenantId)),
    close: async () => {
      await pool?.destroy();
    },
  };
}
