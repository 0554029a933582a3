/**
 * `npm run bench:history [-- --keep] [-- --only cold_summary,simulate_deals,exports]`
 *
 * Issue 21's "proportional" cases on the 60-month, 1,000,000-deal tenant of bench/generate.ts:
 * cold summaries one at a time per period, 50 concurrent cold requests (computations counted), a
 * deal-basis 24-month simulation (time, the service's RSS peak, `/healthz` p99 while it runs, the
 * worker's memory after it), and month exports (JSON at 10 connections in MB/s, as a script and as a
 * browser asks for it, and CSV over 60 months).
 *
 * The database is `BENCH_HISTORY_DATABASE` (default `cip_bench_history`) on the server at
 * BENCH_DATABASE_URL (a superuser URL). With `--keep` a database already loaded is reused and kept
 * (loading a million deals takes a minute or two); without, it is loaded afresh and dropped after.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { buildApp, type AppDeps } from '../src/app.js';
import { signUserToken } from '../src/auth/dev-token.js';
import { createTokenVerifier } from '../src/auth/verify-token.js';
import { loadConfig } from '../src/config.js';
import { dropDatabase, ensureDatabase, latestMigration, withDatabase } from '../src/db/bootstrap.js';
import { openDatabase } from '../src/db/open.js';
import { tenantIdForOrg } from '../src/db/tenant-id.js';
import { FULL_DATASET, LARGE_ORG, loadDataset, monthsEndingAt, QUICK_DATASET } from './generate.js';
import { runLoad } from './run-load.js';

const SECRET = 'benchmark-signing-secret-of-at-least-32-bytes';
const { values: args } = parseArgs({
  options: { keep: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false }, only: { type: 'string' }, runs: { type: 'string', default: '20' } },
});
const only = args.only?.split(',').map((key) => key.trim()) ?? null;
const wanted = (key: string) => only === null || only.includes(key);
const RUNS = Number(args.runs);
const say = (line: string) => process.stdout.write(`${line}\n`);
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');
const spec = args.quick ? QUICK_DATASET : FULL_DATASET;
const dataset = { ...spec, small: { ...spec.small, count: 1 } };
const database = process.env.BENCH_HISTORY_DATABASE ?? (args.quick ? 'cip_bench_history_quick' : 'cip_bench_history');

const serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl) throw new Error('bench:history needs BENCH_DATABASE_URL (a superuser URL of a PostgreSQL server)');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};

async function loaded(url: string, tenantId: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query("SELECT to_regclass('public.deals') IS NOT NULL AS ok");
    if (!exists.rows[0]?.ok) return false;
    const count = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM deals WHERE tenant_id = $1', [tenantId]);
    if ((count.rows[0]?.n ?? 0) < dataset.large.deals * 0.99) return false;
    // A database loaded before the generator stored each month's text (generate.ts) is loaded again.
    const texts = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM commission_months WHERE tenant_id = $1 AND document_text IS NULL', [tenantId]);
    return texts.rows[0]?.n === 0;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  say(`# bench:history (${args.quick ? 'quick' : 'full'}): ${os.availableParallelism()} cores, Node ${process.version}`);
  say(`load average before: ${load()}`);
  const url = withDatabase(serverUrl!, database);
  const tenantId = tenantIdForOrg(LARGE_ORG);
  const reuse = args.keep && (await ensureDatabase(serverUrl!, database).then(() => loaded(url, tenantId)));
  if (!reuse) {
    await dropDatabase(serverUrl!, database);
    await ensureDatabase(serverUrl!, database);
  }
  const config = loadConfig({
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    DB_STATEMENT_TIMEOUT_MS: '60000',
    PROMO_DAYS: '3650',
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
  });
  const log = { info: () => {}, debug: () => {}, warn: () => {}, error: (_o: object, message: string) => process.stderr.write(`${message}\n`) };
  const open = await openDatabase({ ...config, databaseUrl: url }, log);
  const apps: FastifyInstance[] = [];
  try {
    if (reuse) say(`database ${database}: reused (--keep)`);
    else {
      const owner = new pg.Client({ connectionString: open.ownerUrl });
      await owner.connect();
      try {
        const result = await loadDataset(owner, open.pool, dataset, say);
        say(`loaded in ${result.seconds.toFixed(1)} s (large tenant: ${result.largeDeals.toLocaleString('en-US')} deals)`);
      } finally {
        await owner.end();
      }
    }
    const months = monthsEndingAt(dataset.large.lastMonth, dataset.large.months);
    const secret = new TextEncoder().encode(SECRET);
    const deps: AppDeps = {
      config,
      logger: pino({ level: 'warn' }, pino.destination({ dest: 2, sync: false })),
      pool: open.pool,
      verifyToken: createTokenVerifier(config.auth, { hsSecret: secret }),
      latestMigration: await latestMigration(),
    } as AppDeps;
    const app = await buildApp(deps);
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const base = `http://127.0.0.1:${address.port}`;
    const token = await signUserToken(secret, { orgId: LARGE_ORG, role: 'admin', sub: 'be0c0000-0000-4000-8000-000000000001', email: 'bench@bench.example', ttlSeconds: 6 * 3600 });
    const headers = { authorization: `Bearer ${token}` };
    const context: BenchContext = { base, headers, months, pool: open.pool };
    for (const [key, run] of Object.entries(CASES)) {
      if (!wanted(key)) continue;
      say(`\n## ${key} (load average ${load()})`);
      const cpu = process.cpuUsage();
      await run(context);
      const used = process.cpuUsage(cpu);
      say(`  process CPU: ${((used.user + used.system) / 1000).toFixed(0)} ms`);
    }
  } finally {
    for (const app of apps) await app.close();
    await open.close();
    if (!args.keep) await dropDatabase(serverUrl!, database);
  }
  say(`\nload average after: ${load()}`);
}

interface BenchContext {
  base: string;
  headers: Record<string, string>;
  months: string[];
  pool: pg.Pool;
}

async function timedGet(context: BenchContext, path: string, headers: Record<string, string> = {}): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${context.base}${path}`, { headers: { ...context.headers, ...headers } });
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status, bytes: body.byteLength };
}

const CASES: Record<string, (context: BenchContext) => Promise<void>> = {
  async cold_summary(context) {
    for (const period of ['last_12m', 'all']) {
      for (const view of ['summary', 'predictive']) {
        const path = `/api/v1/analytics/${view}?period=${period}`;
        for (let warm = 0; warm < 3; warm += 1) await timedGet(context, path);
        const times: number[] = [];
        let status = 0;
        for (let run = 0; run < RUNS; run += 1) {
          const result = await timedGet(context, path);
          times.push(result.ms);
          status = result.status;
        }
        say(`  ${view} ${period}, cold, one at a time: median ${median(times).toFixed(1)} ms, p90 ${percentile(times, 0.9).toFixed(1)} ms (status ${status}, ${RUNS} runs)`);
      }
    }
  },
  async simulate_deals(context) {
    const last = context.months.at(-1)!;
    const from = context.months.at(-24)!;
    const body = JSON.stringify({
      plan: { name: 'Bench per deal', applies_to: ['acq', 'dispo'], basis: 'deal', tiers: { measure: 'gp', mode: 'retroactive', brackets: [{ from: 0, rate: 0.08 }, { from: 10000, rate: 0.1 }] } },
      from,
      to: last,
    });
    for (let run = 0; run < 2; run += 1) {
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const health: number[] = [];
      let running = true;
      const prober = (async () => {
        while (running) {
          const started = performance.now();
          await fetch(`${context.base}/healthz`).then((response) => response.arrayBuffer());
          health.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const started = performance.now();
      const response = await fetch(`${context.base}/api/v1/plans/simulate`, { method: 'POST', headers: { ...context.headers, 'content-type': 'application/json' }, body });
      const text = await response.text();
      const ms = performance.now() - started;
      running = false;
      await prober;
      clearInterval(sampler);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = process.memoryUsage().rss;
      say(
        `  deal-basis simulation ${from}..${last}: ${ms.toFixed(0)} ms (status ${response.status}${response.status === 200 ? '' : `: ${text.slice(0, 200)}`}), ` +
          `RSS ${(rssBefore / 2 ** 20).toFixed(0)} → peak ${(peak / 2 ** 20).toFixed(0)} MB, ${(after / 2 ** 20).toFixed(0)} MB 1 s after; ` +
          `/healthz p99 ${percentile(health, 0.99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms over ${health.length} probes`,
      );
    }
  },
  async exports(context) {
    const last = context.months.at(-1)!;
    const path = `/api/v1/commissions/export?month=${last}&format=json`;
    const size = (await timedGet(context, path, { 'accept-encoding': 'identity' })).bytes;
    // Closed loop at 10 connections for 10 s, autocannon on its own thread (bench/run-load.ts), so
    // the generator does not share the server's event loop. As a script fetches it (no encoding)
    // and as a browser does (br or gzip): MB/s counts the month's JSON delivered, not wire bytes.
    for (const [label, encoding] of [
      ['identity', 'identity'],
      ['browser (br, gzip)', 'gzip, deflate, br'],
    ] as const) {
      const result = await runLoad({ url: `${context.base}${path}`, method: 'GET', headers: { ...context.headers, 'accept-encoding': encoding }, connections: 10, duration: 10, timeout: 60 });
      const ok = result.statuses['200'] ?? 0;
      say(
        `  export ${last} json (${(size / 2 ** 20).toFixed(2)} MB), ${label}, 10 connections: ${((ok * size) / 2 ** 20 / result.seconds).toFixed(1)} MB/s of JSON, ` +
          `${(result.bytes / 2 ** 20 / result.seconds).toFixed(1)} MB/s on the wire, p50 ${median(result.latencies).toFixed(0)} ms (statuses ${JSON.stringify(result.statuses)})`,
      );
    }
    // CSV of every month, one at a time.
    const range = `/api/v1/commissions/export?from=${context.months[0]}&to=${last}&format=csv`;
    await timedGet(context, range);
    const times: number[] = [];
    let bytes = 0;
    for (let run = 0; run < 10; run += 1) {
      const result = await timedGet(context, range, { 'accept-encoding': 'identity' });
      times.push(result.ms);
      bytes = result.bytes;
    }
    say(`  export ${context.months.length} months csv (${(bytes / 2 ** 20).toFixed(2)} MB), one at a time: median ${median(times).toFixed(0)} ms, p90 ${percentile(times, 0.9).toFixed(0)} ms`);
  },
};

await main();
