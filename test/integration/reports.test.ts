/**
 * Monthly reports: the API (made in the request when there is no queue), and the pg-boss jobs —
 * two instances sharing one queue make each report exactly once, a repeated schedule makes no
 * second report, failures are retried with backoff and end as `failed`.
 */
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { readReportOfMonth } from '../../src/db/reports.js';
import { withTenant } from '../../src/db/tenant.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { MONTHLY_CRON, MONTHLY_QUEUE, ReportJobs, previousMonth, type ReportJobsOptions } from '../../src/jobs/report-jobs.js';
import { generateReport } from '../../src/services/reports/generate-report.js';
import { eventually } from '../helpers/eventually.js';
import { appPool, bearer, ownerUrl, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';

const quiet = { info: () => {}, warn: () => {} };

test('previousMonth is the calendar month before, in UTC', () => {
  assert.equal(previousMonth(new Date('2025-10-01T06:00:00Z')), '2025-09');
  assert.equal(previousMonth(new Date('2026-01-01T00:00:00Z')), '2025-12');
});

test('POST /reports makes the report of a month; GET answers it as JSON and CSV, to its tenant only', async (t) => {
  const app = await testApp(t);
  const org = uniqueOrg('report');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  const other = bearer(await tokenFor({ orgId: uniqueOrg('other'), role: 'admin', sub: randomUUID() }));
  const month = smallMonth('2025-08');
  month.agents[1]!.name = '=HYPERLINK("x")';
  month.managers![0]!.team = ['Ada Quill', '=HYPERLINK("x")'];
  month.deals = undefined;
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: month })).statusCode, 201);

  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/reports', headers: member, payload: { month: '2025-08' } })).statusCode, 403);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/reports', headers: admin, payload: {} })).statusCode, 422, 'the month is required');
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/reports', headers: admin, payload: { month: '2024-01' } })).statusCode, 404);

  const created = await app.inject({ method: 'POST', url: '/api/v1/reports', headers: admin, payload: { month: '2025-08' } });
  assert.equal(created.statusCode, 202, created.body);
  const report = created.json() as { id: string; month: string; status: string };
  assert.equal(report.month, '2025-08');
  assert.equal(report.status, 'ready', 'without a queue the report is made in the request');
  assert.equal(created.headers.location, `/api/v1/reports/${report.id}`);

  const json = await app.inject({ url: `/api/v1/reports/${report.id}`, headers: member });
  assert.equal(json.statusCode, 200);
  const body = json.json() as { statements: { name: string; payee_type: string; commission: number; commission_pct: number | null }[]; summary: Record<string, unknown> };
  assert.deepEqual(
    body.statements.map((s) => [s.payee_type, s.name, s.commission, s.commission_pct]),
    [
      ['agent', 'Ada Quill', 9000.04, 15],
      ['agent', '=HYPERLINK("x")', 4000.03, 10],
      ['manager', 'Mona Reyes', 1600.01, 1.6],
    ],
  );
  assert.equal(body.summary.commission_pct, 14.6, 'the summary of the month as of the month');
  assert.equal((body.summary as { period_label?: string }).period_label, '2025-08');

  const csv = await app.inject({ url: `/api/v1/reports/${report.id}?format=csv`, headers: member });
  assert.equal(csv.statusCode, 200);
  assert.match(csv.headers['content-type']!.toString(), /^text\/csv/);
  const lines = csv.body.trimEnd().split('\r\n');
  assert.equal(lines[0], 'month,payee_type,name,agent_type,manager,market,gp,deals,terminations,commission,commission_pct');
  assert.equal(lines[1], '2025-08,agent,Ada Quill,acq,Mona Reyes,"Phoenix, AZ",60000.25,5,1,9000.04,15.0');
  assert.ok(lines[2]!.startsWith(`2025-08,agent,"'=HYPERLINK(""x"")"`), `formula neutralised: ${lines[2]}`);
  assert.equal(lines.length, 4);

  const listed = await app.inject({ url: '/api/v1/reports', headers: member });
  assert.deepEqual((listed.json() as { items: { id: string }[] }).items.map((item) => item.id), [report.id]);

  // Asking again regenerates in place.
  const again = await app.inject({ method: 'POST', url: '/api/v1/reports', headers: admin, payload: { month: '2025-08' } });
  assert.equal((again.json() as { id: string }).id, report.id);

  // Another tenant cannot read it, nor list it.
  assert.equal((await app.inject({ url: `/api/v1/reports/${report.id}`, headers: other })).statusCode, 404);
  assert.equal((await app.inject({ url: `/api/v1/reports/${report.id}?format=csv`, headers: other })).statusCode, 404);
  assert.deepEqual((await app.inject({ url: '/api/v1/reports', headers: other })).json(), { items: [] });
});

/** Tenants with `month` imported, through the API. */
async function tenantsWithMonth(t: TestContext, count: number, month: string): Promise<string[]> {
  const app = await testApp(t);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const org = uniqueOrg('jobs');
    const token = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
    const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: token, payload: smallMonth(month) });
    assert.equal(imported.statusCode, 201, imported.body);
    ids.push(tenantIdForOrg(org));
  }
  return ids;
}

/**
 * pg-boss instances sharing one schema of their own (one per entry of `each`), all stopped and the
 * schema dropped when the test ends.
 */
async function startInstances(t: TestContext, each: Partial<ReportJobsOptions>[], { together = false } = {}): Promise<{ jobs: ReportJobs[]; pool: pg.Pool }> {
  const schema = `pgboss_test_${randomUUID().slice(0, 8)}`;
  const pool = appPool(t);
  const jobs: ReportJobs[] = [];
  t.after(async () => {
    for (const instance of jobs) await instance.stop();
    const owner = new pg.Client({ connectionString: ownerUrl() });
    await owner.connect();
    await owner.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await owner.end();
  });
  const start = (options: Partial<ReportJobsOptions>) =>
    ReportJobs.start({ ownerUrl: ownerUrl(), pool, log: quiet, schema, schedule: false, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, ...options });
  if (together) {
    const started = await Promise.allSettled(each.map(start));
    for (const outcome of started) if (outcome.status === 'fulfilled') jobs.push(outcome.value);
    for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
  } else {
    for (const options of each) jobs.push(await start(options));
  }
  return { jobs, pool };
}

/** Resolves once `check` holds (polling), or fails after `ms`. */
const until = (what: string, check: () => Promise<boolean>, ms = 60_000) => eventually(what, async () => (await check()) || undefined, ms, 200);

async function statusOf(pool: pg.Pool, tenantId: string, month: string) {
  return withTenant(pool, tenantId, (tx) => readReportOfMonth(tx, month));
}

test('instances starting at once on a new schema all start (the queue creation that can deadlock is retried)', { timeout: 60_000 }, async (t) => {
  // The workers of WEB_CONCURRENCY start together; pg-boss's queue DDL could pick one as a deadlock victim.
  const { jobs, pool } = await startInstances(t, [{}, {}, {}, {}], { together: true });
  assert.equal(jobs.length, 4);
  const tenants = await tenantsWithMonth(t, 1, '2025-07');
  await jobs[3]!.fanOut('2025-07', tenants);
  await until('the report made', async () => (await statusOf(pool, tenants[0]!, '2025-07'))?.status === 'ready');
});

test('two instances on one queue: every scheduled report is made exactly once, even when the schedule fires twice', { timeout: 120_000 }, async (t) => {
  const month = '2025-07';
  const tenants = await tenantsWithMonth(t, 6, month);
  const made: { key: string; instance: number }[] = [];
  const counting = (instance: number): typeof generateReport => async (deps, job) => {
    const outcome = await generateReport(deps, job);
    if (outcome === 'ready') made.push({ key: `${job.tenantId}:${job.month}`, instance });
    return outcome;
  };
  const { jobs, pool } = await startInstances(t, [
    { generate: counting(0), concurrency: 2 },
    { generate: counting(1), concurrency: 2 },
  ]);
  const [a, b] = [jobs[0]!, jobs[1]!];

  // The scheduler may list every tenant, the owner reading through the report_scheduler policy.
  const everyone = await a.tenants();
  for (const tenant of tenants) assert.ok(everyone.includes(tenant), 'the owner lists every tenant');

  // Both instances fan out the same month at once, as if the schedule had fired on each.
  const queued = await Promise.all([a.fanOut(month, tenants), b.fanOut(month, tenants)]);
  assert.ok(queued[0]! + queued[1]! >= tenants.length);

  await until('every report ready', async () => {
    for (const tenant of tenants) if ((await statusOf(pool, tenant, month))?.status !== 'ready') return false;
    return true;
  });
  // Anything queued twice has run by now; it must have found the report made.
  await until('the queue drained', async () => (await a.pending()) === 0);

  assert.deepEqual(made.map((entry) => entry.key).sort(), tenants.map((tenant) => `${tenant}:${month}`).sort(), 'one report per tenant');
  t.diagnostic(`reports made by instance A: ${made.filter((entry) => entry.instance === 0).length}, by B: ${made.filter((entry) => entry.instance === 1).length}`);

  // A later repeat of the schedule makes nothing new.
  await b.fanOut(month, tenants);
  await until('the queue drained again', async () => (await b.pending()) === 0);
  assert.equal(made.length, tenants.length);
});

test('a failing report is retried with backoff, and marked failed after the last attempt', { timeout: 120_000 }, async (t) => {
  const month = '2025-06';
  const [flaky, broken] = await tenantsWithMonth(t, 2, month);
  const attempts = new Map<string, number>();
  const failing: typeof generateReport = async (deps, job) => {
    const n = (attempts.get(job.tenantId) ?? 0) + 1;
    attempts.set(job.tenantId, n);
    if (job.tenantId === broken || n === 1) throw new Error(`attempt ${n} failed`);
    return generateReport(deps, job);
  };
  const { jobs, pool } = await startInstances(t, [{ generate: failing, retryLimit: 2, retryDelaySeconds: 1 }]);
  const [instance] = jobs;

  const flakyId = await instance!.request({ tenantId: flaky!, month, userId: null });
  await instance!.request({ tenantId: broken!, month, userId: null });

  await until('the flaky report ready', async () => (await statusOf(pool, flaky!, month))?.status === 'ready');
  const recovered = await withTenant(pool, flaky!, (tx) => tx.query('SELECT id, attempts, error FROM reports WHERE tenant_id = $1', [tx.tenantId]));
  assert.deepEqual(recovered.rows[0], { id: flakyId, attempts: 1, error: null }, 'the second attempt made it (the first failed before counting)');
  assert.equal(attempts.get(flaky!), 2);

  await until('the broken report failed', async () => (await statusOf(pool, broken!, month))?.status === 'failed');
  const failed = await statusOf(pool, broken!, month);
  assert.equal(failed?.error, 'attempt 3 failed');
  assert.equal(attempts.get(broken!), 3, 'the first attempt and two retries');
});

test('the monthly schedule is registered once, however many instances start', { timeout: 60_000 }, async (t) => {
  const { jobs } = await startInstances(t, [{ schedule: true }, { schedule: true }]);
  const schedules = await jobs[0]!.schedules();
  assert.deepEqual(
    schedules.map((schedule) => [schedule.name, schedule.cron]),
    [[MONTHLY_QUEUE, MONTHLY_CRON]],
  );
});
