/**
 * Concurrent writers of one tenant: imports of different months that name the same people lock
 * them in one order (src/db/commissions.ts), so they queue instead of deadlocking; a transaction
 * PostgreSQL aborts anyway (deadlock, serialization failure) is re-run by withTenant
 * (src/db/tenant.ts), and one that keeps failing is a 503 with Retry-After, never a 500.
 */
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { MAX_TRANSACTION_RUNS, withTenant } from '../../src/db/tenant.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { seededRandom } from '../../src/demo/seeded-random.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { ownDatabase } from '../helpers/own-database.js';

const AGENTS = 40;
const MANAGERS = 6;
const MARKETS = 8;
const WRITERS = 20;

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Month n of 2020.. with the same 40 agents, 6 managers and 8 markets as every other month, listed
 * in an order of its own. Agent i earns GP (1000 + i + n) and commission (100 + i) dollars, so the
 * month's commission is Σ(100 + i) for i < 40 = 4000 + 780 = 4780 whatever n is, and its GP is
 * Σ(1000 + i + n) = 40000 + 780 + 40n.
 */
function crowdedMonth(n: number): CommissionMonth {
  const random = seededRandom(1_000 + n);
  const month = `${2020 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
  const agents = Array.from({ length: AGENTS }, (_, i) => ({
    name: `Agent ${String(i).padStart(2, '0')}`,
    type: (i % 2 === 0 ? 'acq' : 'dispo') as 'acq' | 'dispo',
    gp: 1000 + i + n,
    deals: 1,
    commission: 100 + i,
    market: `Market ${i % MARKETS}`,
    manager: `Manager ${i % MANAGERS}`,
  }));
  const managers = Array.from({ length: MANAGERS }, (_, m) => ({
    name: `Manager ${m}`,
    gp: 0,
    commission: 10 + m,
    team: agents.filter((_, i) => i % MANAGERS === m).map((agent) => agent.name),
  }));
  const markets = Array.from({ length: MARKETS }, (_, k) => ({ name: `Market ${k}`, lat: 30 + k, lon: -100 - k }));
  return { month, agents: shuffled(agents, random), managers: shuffled(managers, random), markets: shuffled(markets, random) };
}

async function deadlocksOf(ownerUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    // The statistics collector flushes at transaction end of the reporting backend; ask for a fresh snapshot.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const result = await client.query<{ deadlocks: string }>('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()');
    return Number(result.rows[0]!.deadlocks);
  } finally {
    await client.end();
  }
}

test('20 concurrent imports of different months naming the same people in shuffled orders: all 201, no deadlock, every month as sent', { timeout: 120_000 }, async (t) => {
  const database = await ownDatabase(t, 'deadlocks');
  // A connection per writer, so all 20 transactions are open at once and meet on the same rows.
  const pool = database.pool({ max: WRITERS, acquireTimeoutMs: 30_000 });
  const app = await testApp(t, { pool, env: { IMPORTS_PER_TENANT: '20', IMPORTS_TOTAL: '20' } });
  const org = uniqueOrg('deadlocks');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  // Provision the tenant first: the race under test is between imports, not first sight.
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/commissions', headers: admin })).statusCode, 200);

  const deadlocksBefore = await deadlocksOf(database.ownerUrl);
  const months = Array.from({ length: WRITERS }, (_, n) => crowdedMonth(n));
  const answers = await Promise.all(
    months.map((month) => app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: month })),
  );
  // The ledger: every import acknowledged, then each one read back.
  const failed = answers.map((answer, n) => ({ n, answer })).filter(({ answer }) => answer.statusCode !== 201);
  assert.deepEqual(
    failed.map(({ n, answer }) => `${months[n]!.month}: ${answer.statusCode} ${answer.body.slice(0, 200)}`),
    [],
    'every import is acknowledged with 201',
  );
  // Sorted lock order means the imports queue on the rows they share: PostgreSQL saw no deadlock at
  // all (withTenant's re-run would hide one from the client, so the server's own count is what tells).
  assert.equal(await deadlocksOf(database.ownerUrl), deadlocksBefore, 'no deadlock was detected while the imports ran');

  for (const [n, month] of months.entries()) {
    const read = await app.inject({ method: 'GET', url: `/api/v1/commissions/${month.month}`, headers: admin });
    assert.equal(read.statusCode, 200, read.body);
    const { summary, data } = read.json() as { summary: { total_gp: number; total_commission: number; agents: number; managers: number }; data: CommissionMonth };
    // Hand-worked in crowdedMonth's comment: GP 40780 + 40n; commission 4780 of agents + 75 of managers (10 + … + 15).
    assert.equal(summary.total_gp, 40_780 + 40 * n, `${month.month} GP`);
    assert.equal(summary.total_commission, 4_780 + 75, `${month.month} commission`);
    assert.equal(summary.agents, AGENTS);
    assert.equal(summary.managers, MANAGERS);
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    assert.deepEqual([...data.agents].sort(byName), [...month.agents].sort(byName), `${month.month} holds the agents as sent`);
  }
  // One row per person however many months named them.
  const agents = await withTenant(pool, tenantIdForOrg(org), (tx) => tx.query<{ n: number }>('SELECT count(*)::int AS n FROM agents'));
  assert.equal(agents.rows[0]!.n, AGENTS);
});

test('withTenant re-runs a transaction PostgreSQL aborted for a deadlock; the other side commits', { timeout: 60_000 }, async (t) => {
  const database = await ownDatabase(t, 'rerun');
  const pool = database.pool({ max: 4 });
  const tenantId = randomUUID();
  // Two transactions that take two advisory locks in opposite orders, each waiting until the other
  // holds its first: a real deadlock, which PostgreSQL breaks by aborting one of them (40P01).
  let runs = 0;
  let holding = 0;
  const bothHold = () =>
    new Promise<void>((resolve) => {
      const poll = () => (holding >= 2 ? resolve() : setTimeout(poll, 5));
      poll();
    });
  const side = (first: number, second: number) =>
    withTenant(pool, tenantId, async (tx) => {
      runs += 1;
      await tx.query('SELECT pg_advisory_xact_lock($1)', [first]);
      holding += 1;
      await bothHold();
      await tx.query('SELECT pg_advisory_xact_lock($1)', [second]);
      return first;
    });
  const results = await Promise.all([side(1, 2), side(2, 1)]);
  assert.deepEqual(results, [1, 2], 'both transactions end up committed');
  assert.equal(runs, 3, 'one side ran twice: once into the deadlock, once to commit');
});

test('a serialization failure that persists: withTenant runs the transaction a bounded number of times, then the API answers 503 with Retry-After', { timeout: 60_000 }, async (t) => {
  const database = await ownDatabase(t, 'serialization');
  const owner = await database.client();
  // A real server-side 40001 on every import of this test's months (the trigger lives in this
  // test's own database only).
  await owner.query(`
    CREATE FUNCTION always_conflicting() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001'; END $$;
    CREATE TRIGGER always_conflicting BEFORE INSERT ON commission_months FOR EACH ROW EXECUTE FUNCTION always_conflicting();`);
  const pool = database.pool({ max: 4 });

  let runs = 0;
  const tenantId = randomUUID();
  await assert.rejects(
    withTenant(pool, tenantId, async (tx) => {
      runs += 1;
      await tx.query(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$`);
    }),
    (error: { code?: string }) => error.code === '40001',
  );
  assert.equal(runs, MAX_TRANSACTION_RUNS, 'bounded: the first run and the re-runs, no more');

  let once = 0;
  await assert.rejects(
    withTenant(
      pool,
      tenantId,
      async (tx) => {
        once += 1;
        await tx.query(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40P01'; END $$`);
      },
      { rerunnable: false },
    ),
    (error: { code?: string }) => error.code === '40P01',
  );
  assert.equal(once, 1, 'work that cannot be re-run is not');

  const app = await testApp(t, { pool });
  const admin = bearer(await tokenFor({ orgId: uniqueOrg('serialization'), role: 'admin', sub: randomUUID() }));
  const answer = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: crowdedMonth(0) });
  assert.equal(answer.statusCode, 503, answer.body);
  assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
  assert.equal(answer.headers['retry-after'], '1');
  assert.equal(answer.json().type, '/problems/unavailable');
  const list = await app.inject({ method: 'GET', url: '/api/v1/commissions', headers: admin });
  assert.equal(list.json().total, 0, `nothing half-written: ${list.body}`);
});
