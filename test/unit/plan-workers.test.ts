/**
 * Plan computations run on worker threads (src/services/plans/plan-workers.ts): the answers are
 * the domain's own, the event loop stays free while they run, and a full queue or a task past
 * its time limit is a quick 503 with Retry-After, never a pile-up.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AppError } from '../../src/domain/app-error.js';
import { simulatePlan, simulationToJson } from '../../src/domain/plans/simulate.js';
import { createPlanWorkers } from '../../src/services/plans/plan-workers.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { CONTRACT_PLAN, payUnder, syntheticHistory } from './plans-support.js';
import { generateDemoMonths } from '../../src/demo/generate.js';
import { historyMonthFromImport } from '../../src/domain/imports/to-history.js';
import type { HistoryFeed } from '../../src/services/plans/history-feed.js';

const FLAT_15: PlanDefinition = {
  name: 'Flat 15%',
  applies_to: ['acq', 'dispo'],
  basis: 'month',
  tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: null, rate: 0.15 }] },
};

const small = payUnder(syntheticHistory({ seed: 5, months: 6, agents: 10, managers: 2, deals: true }), FLAT_15);
const big = payUnder(syntheticHistory({ seed: 7, months: 24, agents: 50, managers: 6 }), FLAT_15);
const optimize = {
  target_commission_pct: 12,
  max_loss_pct: 30,
  rate_bounds: { min: 0.05, max: 0.2 },
  rate_step: 0.0025,
  bracket_count: 4,
};

function problem(status: number, slug: string) {
  // 503 over HTTP: the error plugin maps the `unavailable` kind (src/http/plugins/errors.ts).
  return (error: unknown) => error instanceof AppError && status === 503 && error.kind === 'unavailable' && error.code === slug && error.retryAfterSeconds !== undefined;
}

describe('plan workers', () => {
  const workers = createPlanWorkers({ threads: 1, queue: 1 });
  after(() => workers.close());

  it('answer what the domain answers', async () => {
    const [first, last] = [small[0]!.month, small.at(-1)!.month];
    const simulated = await workers.simulate(async () => ({ plan: CONTRACT_PLAN, history: small, from: first, to: last, top: undefined }));
    assert.deepEqual(simulated, simulationToJson(simulatePlan(CONTRACT_PLAN, small, first, last)));
    const calculated = await workers.calculate(async () => ({ plan: CONTRACT_PLAN, history: small, month: last }));
    assert.ok(calculated.statements.length > 0);
    assert.equal(typeof calculated.total, 'number');
  });

  it('keep the event loop free while they compute, and refuse work beyond the queue', async () => {
    const running = workers.optimize(async () => ({ history: big, options: optimize }));
    const queued = workers.optimize(async () => ({ history: big, options: optimize }));
    // One runs, one waits; a third has no room: refused at once.
    let loaded = false;
    const refused = workers.optimize(async () => {
      loaded = true;
      return { history: big, options: optimize };
    });
    await assert.rejects(refused, problem(503, 'plans-busy'));
    assert.equal(loaded, false, 'a refused task never loads its inputs');
    // Meanwhile this thread keeps answering: a timer set now fires before the search is done. Were
    // the search on this thread, it would have finished before any timer could run.
    const timer = new Promise<'timer'>((resolve) => setTimeout(() => resolve('timer'), 1));
    assert.equal(await Promise.race([timer, running.then(() => 'search' as const)]), 'timer', 'the event loop is not blocked by the search');
    const results = await Promise.all([running, queued]);
    for (const result of results) assert.ok(result.evaluated > 0);
  });
});

describe('a history fed to the plan workers two months at a time', () => {
  const workers = createPlanWorkers({ threads: 1, queue: 2 });
  after(() => workers.close());
  // The demo tenant's months: deals on both sides, terminations, teams.
  const documents = generateDemoMonths();
  const history = documents.map(historyMonthFromImport);
  const texts = documents.map((document) => ({ month: document.month, text: JSON.stringify(document) }));
  const feed = (months: typeof texts): HistoryFeed => ({
    kind: 'history-feed',
    produce: async (send) => {
      for (let index = 0; index < months.length; index += 2) await send(months.slice(index, index + 2));
    },
  });
  const tiers: PlanDefinition['tiers'] = { measure: 'gp', mode: 'retroactive', brackets: [{ up_to: 10000, rate: 0.08 }, { up_to: null, rate: 0.1 }] };
  const plans: PlanDefinition[] = [
    { name: 'Per deal', applies_to: ['acq', 'dispo'], basis: 'deal', tiers },
    { name: 'Quarterly with clawbacks', applies_to: ['acq', 'dispo'], basis: 'quarter', tiers, components: [{ type: 'clawback', method: 'recompute' }] },
    { name: 'Month and YTD', applies_to: ['acq', 'dispo', 'manager'], basis: 'month', tiers, components: [{ type: 'formula', expression: 'ytd_gp * 0.001' }] },
  ];

  it('is simulated month by month as it arrives, with the answer of the whole history', async () => {
    const [from, to] = [history[3]!.month, history.at(-2)!.month];
    for (const plan of plans) {
      const simulated = await workers.simulate(async () => ({ plan, history: feed(texts), from, to, top: undefined }));
      assert.deepEqual(simulated, simulationToJson(simulatePlan(plan, history, from, to)), plan.name);
      assert.ok(simulated.total_commission > 0, plan.name);
    }
  });

  it('fails the task, not the pool, when a month arrives out of order', async () => {
    const [from, to] = [history[0]!.month, history.at(-1)!.month];
    const swapped = [texts[1]!, texts[0]!, ...texts.slice(2)];
    await assert.rejects(workers.simulate(async () => ({ plan: plans[0]!, history: feed(swapped), from, to, top: undefined })), /comes after/);
    const simulated = await workers.simulate(async () => ({ plan: plans[0]!, history: feed(texts), from, to, top: undefined }));
    assert.deepEqual(simulated, simulationToJson(simulatePlan(plans[0]!, history, from, to)));
  });
});

describe('a plan task past its time limit', () => {
  it('is stopped and answered 503 with Retry-After', async () => {
    const workers = createPlanWorkers({ threads: 1, timeLimitMs: 1 });
    const [first, last] = [big[0]!.month, big.at(-1)!.month];
    // The 503 plans-timeout is the limit firing; how soon is the limit's own business, not a clock's here.
    await assert.rejects(workers.simulate(async () => ({ plan: CONTRACT_PLAN, history: big, from: first, to: last, top: undefined })), problem(503, 'plans-timeout'));
    await workers.close();
  });
});

describe('plan workers: fair admission between tenants', () => {
  /** A fake task that takes `ms` and records when it started and ended, by tenant. */
  function fakeWorkers(options: { threads: number; queue: number; tenantShare?: number; tenantThreads?: number }) {
    const log: string[] = [];
    const workers = createPlanWorkers({
      ...options,
      runTask: async (task) => {
        const label = (task as { plan: { name: string } }).plan.name;
        log.push(`start ${label}`);
        await new Promise((resolve) => setTimeout(resolve, 40));
        log.push(`end ${label}`);
        return { label };
      },
    });
    const submit = (tenant: string, label: string) =>
      workers.simulate(async () => ({ plan: { ...FLAT_15, name: label }, history: [], from: '2025-01', to: '2025-01', top: undefined }), tenant);
    return { workers, submit, log };
  }

  it("a tenant's first task waits for no other tenant's backlog", async () => {
    // One thread, room for nine: A queues four (its share), then B asks once.
    const { workers, submit, log } = fakeWorkers({ threads: 1, queue: 8 });
    after(() => workers.close());
    const a = ['a1', 'a2', 'a3', 'a4'].map((label) => submit('tenant-a', label));
    const b = submit('tenant-b', 'b1');
    await Promise.all([...a, b]);
    // Round robin: b1 runs right after the task that held the thread, not after A's four.
    assert.deepEqual(log.filter((line) => line.startsWith('start')), ['start a1', 'start b1', 'start a2', 'start a3', 'start a4']);
  });

  it("beyond its share a tenant is refused (503) while another tenant is still admitted", async () => {
    const { workers, submit } = fakeWorkers({ threads: 1, queue: 5 }); // capacity 6, share 3
    after(() => workers.close());
    const held = ['a1', 'a2', 'a3'].map((label) => submit('tenant-a', label));
    await assert.rejects(submit('tenant-a', 'a4'), problem(503, 'plans-busy'));
    const b = submit('tenant-b', 'b1');
    await Promise.all([...held, b]);
    // And the share comes back once A's tasks are done.
    await submit('tenant-a', 'a5');
  });

  it('a tenant runs on at most its share of the threads', async () => {
    const { workers, submit, log } = fakeWorkers({ threads: 2, queue: 8, tenantThreads: 1 });
    after(() => workers.close());
    await Promise.all(['a1', 'a2', 'a3'].map((label) => submit('tenant-a', label)));
    // Never two of A at once: each start follows the previous end.
    assert.deepEqual(log, ['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
  });
});
