/**
 * `npm run bench [-- --quick] [-- --only summary_cached,export_csv,closings_sheets] [-- --duration 20]
 *  [-- --rounds 3] [-- --rate 1000] [-- --workers N]`
 *
 * Starts the service in this process (buildApp + listen on loopback) against PostgreSQL —
 * embedded in a temporary DATA_DIR, or a fresh database (BENCH_DATABASE, default `cip_bench`) on
 * the server at BENCH_DATABASE_URL (a superuser URL) — and Redis at BENCH_REDIS_URL when set (the
 * in-process cache otherwise), beside a bare Fastify server (`GET /hello`, no plugins): the
 * ceiling every figure is a ratio to. Loads a large tenant and many small ones (bench/generate.ts),
 * then measures each case in a worker thread: closed loop with autocannon; the ceiling group
 * (bare /hello, /healthz, the cached summary) and the open-loop group (evenly spaced sends at
 * `--rate` req/s, latency from the due time) in interleaved rounds, medians reported; then the
 * service as processes (`node src/main.ts`) at WEB_CONCURRENCY=1 and N (interleaved too). Then
 * imports and previews 10,000-row closings spreadsheets (bench/closings.ts), prints a table and
 * writes bench/results.json. BENCH_PORT (default 0: ephemeral) is the first of five consecutive
 * ports: cached service, uncached service, bare ceiling, 1-worker and N-worker processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance as perfHooks } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { buildApp, loggerOptions, type AppDeps } from '../src/app.js';
import { signUserToken } from '../src/auth/dev-token.js';
import { createTokenVerifier } from '../src/auth/verify-token.js';
import { createTenantCache } from '../src/cache/create-cache.js';
import type { TenantCache } from '../src/cache/cache.js';
import { loadConfig, type Config } from '../src/config.js';
import { dropDatabase, ensureDatabase, latestMigration, withDatabase } from '../src/db/bootstrap.js';
import { openDatabase, type OpenDatabase } from '../src/db/open.js';
import { FULL_DATASET, LARGE_ORG, QUICK_DATASET, generateMonth, loadDataset, type LoadedDataset } from './generate.js';
import type { LoadResult } from './load-worker.js';
import { runLoad } from './run-load.js';
import { silentFeed } from './silent-feed.js';
import { mainThreadCpuMs } from './thread-cpu.js';
import { benchClosingsSpreadsheets, type SheetBenchResult } from './closings.js';
import { benchDatabaseName } from './bench-database.js';

const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);
const BENCH_DATABASE = benchDatabaseName();
const REPO_ROOT = path.resolve(BENCH_DIR, '..');
const SERVER_LOG = path.join(BENCH_DIR, 'server.log');
const SECRET = 'benchmark-signing-secret-of-at-least-32-bytes';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    rounds: { type: 'string' },
    rate: { type: 'string' },
    workers: { type: 'string' },
  },
});
const quick = args.quick ?? false;
const duration = args.duration ? Number(args.duration) : quick ? 3 : 15;
const connections = args.connections ? Number(args.connections) : 50;
const importCount = quick ? 3 : 10;
const serialCount = quick ? 20 : 50;
const rounds = args.rounds ? Number(args.rounds) : 3;
const openRate = args.rate ? Number(args.rate) : 1000;
const workerCount = args.workers ? Number(args.workers) : os.availableParallelism();
const basePort = benchPort();

/** BENCH_PORT: the first of five consecutive loopback ports the benchmark listens on; 0 (default) picks free ones. */
function benchPort(): number {
  const raw = process.env.BENCH_PORT?.trim();
  if (!raw) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_530) throw new Error(`BENCH_PORT must be a port number (0-65530), got "${raw}"`);
  return port;
}

const portOf = (offset: number) => (basePort === 0 ? 0 : basePort + offset);

const say = (line: string) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Load generation

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

type ServerName = 'cached' | 'uncached' | 'bare' | 'workers_1' | 'workers_n';

interface CaseSpec {
  key: string;
  label: string;
  server: ServerName;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  auth: boolean;
  connections: number;
  amount?: number;
  timeout?: number;
  /** Requests sent one by one before measuring (JIT, provisioning, a warm cache); each must be 2xx. */
  warmup: number;
  /** Seconds at least: a case whose requests take seconds needs a window that lets some complete. */
  minDuration?: number;
  kind: 'ceiling' | 'read' | 'write' | 'compute';
  /** Open loop: requests a second, evenly spaced (`connections` is the most sockets it may open). */
  rate?: number;
  /** Cases of one group are measured in interleaved rounds (a, b, c, a, b, c, …) and reported by their medians. */
  group?: 'ceiling' | 'open' | 'workers';
}

interface CaseResult {
  key: string;
  label: string;
  connections: number;
  /** Responses received, and how many were 2xx. */
  requests: number;
  ok: number;
  seconds: number;
  /** 2xx responses per second. */
  rps: number;
  /** Any response per second. */
  rps_all: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  ratio_to_ceiling: number | null;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  mb_per_s: number;
  peak_rss_mb: number;
  /** Errors the server logged during the case (level error and above). */
  server_errors: number;
  /** In-process servers: µs the server's event loop was busy per answer (null for the process cases). */
  server_busy_us: number | null;
  /** In-process servers: main-thread CPU µs per answer (bench/thread-cpu.ts; null for the process cases). */
  server_cpu_us: number | null;
  /** 2xx/s of each round, for grouped cases (the figures above are the rounds' medians). */
  rounds_rps?: number[];
  /** Open loop: the rate asked, the most requests outstanding, the latest a send left after its due time. */
  rate?: number;
  max_outstanding?: number;
  max_send_lag_ms?: number;
}

async function measure(spec: CaseSpec, base: string, token: string, ceilingRps: number | null): Promise<CaseResult> {
  const headers: Record<string, string> = { accept: 'application/json, text/csv' };
  if (spec.auth) headers.authorization = `Bearer ${token}`;
  if (spec.body !== undefined) headers['content-type'] = 'application/json';
  for (let i = 0; i < spec.warmup; i += 1) {
    const response = await fetch(`${base}${spec.path}`, {
      method: spec.method,
      headers,
      ...(spec.body === undefined ? {} : { body: spec.body }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${spec.key}: warm-up answered ${response.status}: ${text.slice(0, 500)}`);
  }
  let peakRss = process.memoryUsage().rss;
  const eluBefore = perfHooks.eventLoopUtilization();
  const cpuBefore = mainThreadCpuMs();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  let result: LoadResult;
  try {
    result = await runLoad({
      url: `${base}${spec.path}`,
      method: spec.method,
      headers,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      connections: spec.connections,
      ...(spec.amount === undefined ? { duration: Math.max(duration, spec.minDuration ?? 0) } : { amount: spec.amount }),
      timeout: spec.timeout ?? 30,
      ...(spec.rate === undefined ? {} : { rate: spec.rate }),
    });
  } finally {
    clearInterval(sampler);
  }
  // The in-process servers run on this thread, the load generator on another: this thread's CPU
  // time per answer is the server's cost of a request, which a loaded machine moves far less than req/s.
  const busyMs = perfHooks.eventLoopUtilization(eluBefore).active;
  const cpuMs = mainThreadCpuMs() - cpuBefore;
  const sorted = result.latencies;
  // Throughput counts successful answers only: a pool timeout's fast 500 is not served work.
  const ok = Object.entries(result.statuses)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  // Serial cases (a fixed number of requests, one connection) run for their latencies: their
  // throughput is one over the mean latency, and comparing it with the ceiling means nothing.
  const serial = spec.amount !== undefined && spec.connections === 1;
  const busySeconds = sorted.reduce((sum, value) => sum + value, 0) / 1000;
  const rps = serial ? ok / Math.max(busySeconds, 1e-9) : ok / result.seconds;
  return {
    key: spec.key,
    label: spec.label,
    connections: spec.connections,
    requests: result.requests,
    ok,
    seconds: round(result.seconds, 2),
    rps: round(rps, 1),
    rps_all: round(result.requests / result.seconds, 1),
    mean_ms: round(sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length), 2),
    p50_ms: round(percentile(sorted, 50), 2),
    p95_ms: round(percentile(sorted, 95), 2),
    p99_ms: round(percentile(sorted, 99), 2),
    max_ms: round(sorted.at(-1) ?? Number.NaN, 2),
    ratio_to_ceiling: ceilingRps && !serial ? round(rps / ceilingRps, 3) : null,
    statuses: result.statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    mb_per_s: round(result.bytes / result.seconds / 1e6, 2),
    peak_rss_mb: Math.round(peakRss / 1e6),
    server_errors: 0,
    server_busy_us: spec.server === 'workers_1' || spec.server === 'workers_n' ? null : round((busyMs * 1000) / Math.max(1, result.requests), 1),
    server_cpu_us: spec.server === 'workers_1' || spec.server === 'workers_n' ? null : round((cpuMs * 1000) / Math.max(1, result.requests), 1),
    ...(spec.rate === undefined
      ? {}
      : { rate: spec.rate, max_outstanding: result.maxOutstanding ?? 0, max_send_lag_ms: round(result.maxSendLagMs ?? 0, 2) }),
  };
}

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** One case's rounds as one result: medians of rates and percentiles, sums of counts. */
function mergeRounds(results: CaseResult[]): CaseResult {
  const first = results[0]!;
  if (results.length === 1) return { ...first, rounds_rps: [first.rps] };
  const med = (pick: (result: CaseResult) => number, digits = 2) => round(median(results.map(pick)), digits);
  const statuses: Record<string, number> = {};
  for (const result of results) for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const sum = (pick: (result: CaseResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  return {
    ...first,
    requests: sum((r) => r.requests),
    ok: sum((r) => r.ok),
    seconds: round(sum((r) => r.seconds), 2),
    rps: med((r) => r.rps, 1),
    rps_all: med((r) => r.rps_all, 1),
    mean_ms: med((r) => r.mean_ms),
    p50_ms: med((r) => r.p50_ms),
    p95_ms: med((r) => r.p95_ms),
    p99_ms: med((r) => r.p99_ms),
    max_ms: Math.max(...results.map((r) => r.max_ms)),
    statuses,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    mb_per_s: med((r) => r.mb_per_s),
    peak_rss_mb: Math.max(...results.map((r) => r.peak_rss_mb)),
    server_errors: sum((r) => r.server_errors),
    server_busy_us: first.server_busy_us === null ? null : med((r) => r.server_busy_us ?? Number.NaN, 1),
    server_cpu_us: first.server_cpu_us === null ? null : med((r) => r.server_cpu_us ?? Number.NaN, 1),
    rounds_rps: results.map((r) => r.rps),
    ...(first.rate === undefined
      ? {}
      : { max_outstanding: Math.max(...results.map((r) => r.max_outstanding ?? 0)), max_send_lag_ms: Math.max(...results.map((r) => r.max_send_lag_ms ?? 0)) }),
  };
}

const round = (value: number, digits: number) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

// ---------------------------------------------------------------------------------------------
// Service

async function listen(deps: AppDeps, port: number): Promise<{ app: FastifyInstance; base: string }> {
  return listening(await buildApp(deps), port);
}

async function listening(app: FastifyInstance, port: number): Promise<{ app: FastifyInstance; base: string }> {
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { app, base: `http://127.0.0.1:${address.port}` };
}

/**
 * The ceiling: Fastify with nothing of ours (no plugins, hooks, logger or schema), answering a
 * small JSON object, in this process like the service, so both meet the same load generator.
 */
function bareFastify(): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/hello', async () => ({ hello: 'world' }));
  return app;
}

/** A free loopback port (for a process whose port must be known before it starts). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no address');
  return address.port;
}

interface ServiceProcess {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The service as production runs it (`node --import tsx src/main.ts`, NODE_ENV=production) with
 * WEB_CONCURRENCY=`workers`, on the benchmark's database (already migrated and loaded), its log
 * (warn and above) in bench/server-workers-N.log. Ready once /readyz answers 200.
 */
async function startServiceProcess(workers: number, port: number, urls: { ownerUrl: string; appUrl: string }): Promise<ServiceProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cip-bench-svc-'));
  const listenPort = port === 0 ? await freePort() : port;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(listenPort),
    DATA_DIR: dataDir,
    DATABASE_URL: urls.ownerUrl,
    APP_DATABASE_URL: urls.appUrl,
    AUTH_JWT_SECRET: SECRET,
    WEB_CONCURRENCY: String(workers),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DB_STATEMENT_TIMEOUT_MS: process.env.DB_STATEMENT_TIMEOUT_MS ?? '60000',
    PROMO_DAYS: '3650',
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
    ...(process.env.DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.DB_POOL_SIZE } : {}),
    ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(path.join(BENCH_DIR, `server-workers-${workers}.log`));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service (WEB_CONCURRENCY=${workers}) exited with ${child.exitCode}: see bench/server-workers-${workers}.log`);
    const ready = await fetch(`${base}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the service (WEB_CONCURRENCY=${workers}) was not ready within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    base,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let closing = false;

interface Database {
  open: OpenDatabase;
  kind: string;
  cleanup(): Promise<void>;
}

async function startDatabase(config: Config): Promise<Database> {
  const serverUrl = process.env.BENCH_DATABASE_URL;
  const log = {
    info: () => {},
    debug: () => {},
    warn: (object: object, message: string) => {
      // Stopping the embedded cluster ends the pool's idle connections: expected, not news.
      if (closing) return;
      const err = (object as { err?: { message?: string } }).err;
      say(`warn: ${message}${err?.message ? `: ${err.message}` : ''}`);
    },
  };
  if (serverUrl) {
    await dropDatabase(serverUrl, BENCH_DATABASE);
    await ensureDatabase(serverUrl, BENCH_DATABASE);
    const open = await openDatabase({ ...config, databaseUrl: withDatabase(serverUrl, BENCH_DATABASE) }, log);
    return {
      open,
      kind: `BENCH_DATABASE_URL (database ${BENCH_DATABASE}, dropped afterwards)`,
      cleanup: async () => {
        await open.close();
        await dropDatabase(serverUrl, BENCH_DATABASE);
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cip-bench-'));
  // The embedded cluster may run as the unprivileged postgres user (when we are root).
  await chmod(dataDir, 0o755);
  const open = await openDatabase({ ...config, databaseUrl: undefined, dataDir }, log);
  return {
    open,
    kind: `embedded PostgreSQL in ${dataDir} (removed afterwards)`,
    cleanup: async () => {
      await open.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The run

function table(results: CaseResult[]): string {
  const header = ['case', 'conns', '2xx/s', 'p50 ms', 'p95 ms', 'p99 ms', 'vs ceiling', 'CPU µs/req', 'non-2xx', 'errors', 'MB/s'];
  // Open-loop rows: `conns` is the most requests outstanding at once.
  const rows = results.map((r) => {
    const non2xx = Object.entries(r.statuses)
      .filter(([status]) => !status.startsWith('2'))
      .reduce((sum, [, n]) => sum + n, 0);
    return [
      r.label,
      String(r.rate === undefined ? r.connections : (r.max_outstanding ?? '')),
      r.rps.toFixed(1),
      r.p50_ms.toFixed(1),
      r.p95_ms.toFixed(1),
      r.p99_ms.toFixed(1),
      r.ratio_to_ceiling === null ? '' : `${(r.ratio_to_ceiling * 100).toFixed(1)}%`,
      r.server_cpu_us === null || !Number.isFinite(r.server_cpu_us) ? '' : r.server_cpu_us.toFixed(0),
      String(non2xx),
      String(r.errors + r.server_errors),
      r.mb_per_s.toFixed(1),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const spec = quick ? QUICK_DATASET : FULL_DATASET;
  const config = loadConfig({
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DB_POOL_SIZE: process.env.DB_POOL_SIZE,
    DB_STATEMENT_TIMEOUT_MS: process.env.DB_STATEMENT_TIMEOUT_MS ?? '60000',
    PROMO_DAYS: '3650',
    // The limiter runs (its cost is measured) but never refuses: 50 connections from one address
    // and one tenant would otherwise measure 429s.
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
  });

  say(`# Commission Intelligence benchmark (${quick ? 'quick' : 'full'})`);
  say(`machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  say(`load average before: ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`);

  const database = await startDatabase(config);
  say(`database: ${database.kind}`);
  const { pool, ownerUrl } = database.open;
  let cache: TenantCache | undefined;
  const apps: FastifyInstance[] = [];
  try {
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    let dataset: LoadedDataset;
    try {
      say('loading data:');
      dataset = await loadDataset(owner, pool, spec, (line) => say(line));
    } finally {
      await owner.end();
    }
    say(`loaded in ${dataset.seconds.toFixed(1)} s (large tenant: ${dataset.largeDeals.toLocaleString('en-US')} deals)`);

    const redisUrl = process.env.BENCH_REDIS_URL;
    cache = await createTenantCache({ redisUrl, feed: silentFeed, pool });
    const cacheKind = redisUrl ? 'Redis (BENCH_REDIS_URL)' : 'in-process (BENCH_REDIS_URL not set)';
    say(`cache: ${cacheKind}`);

    // The server's log goes to a file: a failing case would otherwise bury the table.
    let serverErrors = 0;
    await writeFile(SERVER_LOG, '');
    const logger = pino(
      { ...(loggerOptions(config) as pino.LoggerOptions), hooks: { logMethod(inputArgs, method, level) { if (level >= 50) serverErrors += 1; method.apply(this, inputArgs); } } },
      pino.destination({ dest: SERVER_LOG, sync: true }),
    );
    const secret = new TextEncoder().encode(SECRET);
    const baseDeps = {
      config,
      logger,
      pool,
      verifyToken: createTokenVerifier(config.auth, { hsSecret: secret }),
      latestMigration: await latestMigration(),
    };
    const cached = await listen({ ...baseDeps, cache }, portOf(0));
    const uncached = await listen(baseDeps, portOf(1));
    const bare = await listening(bareFastify(), portOf(2));
    apps.push(cached.app, uncached.app, bare.app);
    const token = await signUserToken(secret, {
      orgId: LARGE_ORG,
      role: 'admin',
      sub: 'be0c0000-0000-4000-8000-000000000001',
      email: 'bench@bench.example',
      ttlSeconds: 6 * 3600,
    });

    const last = dataset.months.at(-1)!;
    const from = dataset.months.at(-24)!;
    // The optimiser's search (a unit test once bounded it by wall clock; its speed is measured here).
    const optimizeBody = JSON.stringify({ target_commission_pct: 13, max_loss_pct: 15, rate_bounds: { min: 0.05, max: 0.25 }, from, to: last });
    const simulateBody = JSON.stringify({
      plan: {
        name: 'Bench declining',
        applies_to: ['acq', 'dispo'],
        basis: 'month',
        tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 40000, rate: 0.1 }, { up_to: null, rate: 0.07 }] },
      },
      from,
      to: last,
    });
    const importBody = JSON.stringify(generateMonth(spec.large, '2025-10', 10_000, 4242));
    const summary = '/api/v1/analytics/summary?period=last_12m';

    const cases: CaseSpec[] = [
      { key: 'ceiling_bare', label: 'bare Fastify GET /hello (ceiling)', server: 'bare', method: 'GET', path: '/hello', auth: false, connections, warmup: 200, kind: 'ceiling', group: 'ceiling' },
      { key: 'ceiling', label: 'GET /healthz', server: 'cached', method: 'GET', path: '/healthz', auth: false, connections, warmup: 200, kind: 'read', group: 'ceiling' },
      { key: 'summary_cached', label: 'summary, cached', server: 'cached', method: 'GET', path: summary, auth: true, connections, warmup: 200, kind: 'read', group: 'ceiling' },
      { key: 'open_bare', label: `bare /hello at ${openRate} req/s (open loop)`, server: 'bare', method: 'GET', path: '/hello', auth: false, connections: 256, rate: openRate, warmup: 20, kind: 'ceiling', group: 'open' },
      { key: 'open_summary_cached', label: `summary, cached, at ${openRate} req/s (open loop)`, server: 'cached', method: 'GET', path: summary, auth: true, connections: 256, rate: openRate, warmup: 20, kind: 'read', group: 'open' },
      { key: 'workers_1', label: 'summary, cached, process WEB_CONCURRENCY=1', server: 'workers_1', method: 'GET', path: summary, auth: true, connections, warmup: 200, kind: 'read', group: 'workers' },
      { key: 'workers_n', label: `summary, cached, process WEB_CONCURRENCY=${workerCount}`, server: 'workers_n', method: 'GET', path: summary, auth: true, connections, warmup: 200, kind: 'read', group: 'workers' },
      { key: 'auth_floor', label: 'GET /api/v1/entitlements (authenticated floor)', server: 'cached', method: 'GET', path: '/api/v1/entitlements', auth: true, connections, warmup: 5, kind: 'read' },
      { key: 'summary_cold', label: 'summary, cold (no cache)', server: 'uncached', method: 'GET', path: summary, auth: true, connections, warmup: 5, kind: 'read' },
      { key: 'summary_cold_serial', label: 'summary, cold, one at a time', server: 'uncached', method: 'GET', path: summary, auth: true, connections: 1, amount: serialCount, warmup: 2, kind: 'read' },
      { key: 'summary_cached_serial', label: 'summary, cached, one at a time', server: 'cached', method: 'GET', path: summary, auth: true, connections: 1, amount: serialCount, warmup: 2, kind: 'read' },
      { key: 'export_json', label: `export ${last} JSON`, server: 'cached', method: 'GET', path: `/api/v1/commissions/export?month=${last}&format=json`, auth: true, connections, warmup: 3, kind: 'read', timeout: 60 },
      { key: 'export_csv', label: `export ${last} CSV`, server: 'cached', method: 'GET', path: `/api/v1/commissions/export?month=${last}&format=csv`, auth: true, connections, warmup: 3, kind: 'read', timeout: 60 },
      { key: 'simulate_serial', label: `simulate ${from}..${last}, one at a time`, server: 'cached', method: 'POST', path: '/api/v1/plans/simulate', body: simulateBody, auth: true, connections: 1, amount: quick ? 3 : 5, warmup: 1, kind: 'compute', timeout: 120 },
      { key: 'optimize_serial', label: `optimize ${from}..${last}, one at a time`, server: 'cached', method: 'POST', path: '/api/v1/plans/optimize', body: optimizeBody, auth: true, connections: 1, amount: quick ? 2 : 3, warmup: 1, kind: 'compute', timeout: 120 },
      { key: 'import', label: 'import 10,000-deal month, serial', server: 'cached', method: 'POST', path: '/api/v1/commissions/import', body: importBody, auth: true, connections: 1, amount: importCount, warmup: 1, kind: 'write', timeout: 120 },
      { key: 'simulate', label: `simulate ${from}..${last}`, server: 'cached', method: 'POST', path: '/api/v1/plans/simulate', body: simulateBody, auth: true, connections, warmup: 0, kind: 'compute', timeout: 120, minDuration: 10 },
    ];
    const only = args.only?.split(',').map((key) => key.trim());
    // The bare ceiling always runs: every throughput is a ratio to it.
    const selected = cases.filter((spec) => !only || spec.key === 'ceiling_bare' || only.includes(spec.key));

    say(`\nmeasuring: ${duration} s per case at ${connections} connections; serial cases ${serialCount} requests, imports ${importCount}`);
    const results: CaseResult[] = [];
    const output = {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      complete: false,
      machine: {
        cores: os.availableParallelism(),
        cpu: os.cpus()[0]?.model ?? null,
        memory_gib: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        load_average_before: loadBefore,
        load_average_after: [] as number[],
      },
      setup: {
        database: database.kind,
        cache: cacheKind,
        server: 'in-process (buildApp + listen on 127.0.0.1) beside a bare Fastify ceiling; WEB_CONCURRENCY cases as processes (src/main.ts); load generators in a worker thread of the benchmark process',
        rounds,
        open_loop_rate: openRate,
        workers: workerCount,
        base_port: basePort,
        log_level: config.logLevel,
        db_pool_size: config.dbPoolSize,
        duration_s: duration,
        connections,
      },
      dataset: {
        large: { ...spec.large, deals_stored: dataset.largeDeals },
        small: spec.small,
        load_seconds: round(dataset.seconds, 1),
      },
      cases: results,
      closings_sheets: [] as SheetBenchResult[],
      aims: [] as Aim[],
      total_seconds: 0,
    };
    // Written after every case, so a run that dies part-way (a case can exhaust memory) keeps what it measured.
    const save = () => writeFile(path.join(BENCH_DIR, 'results.json'), `${JSON.stringify(output, null, 2)}\n`);

    const bases: Partial<Record<ServerName, string>> = { cached: cached.base, uncached: uncached.base, bare: bare.base };
    const processes: ServiceProcess[] = [];
    let ceilingRps: number | null = null;
    const measureOnce = async (spec: CaseSpec): Promise<CaseResult> => {
      const errorsBefore = serverErrors;
      const result = await measure(spec, bases[spec.server]!, token, spec.key === 'ceiling_bare' ? null : ceilingRps);
      // Requests autocannon gave up on may still be running: let them finish before the next case.
      await settle(pool);
      result.server_errors = serverErrors - errorsBefore;
      const errors = result.server_errors > 0 ? `, ${result.server_errors} server errors (see bench/server.log)` : '';
      const open = spec.rate === undefined ? '' : `, p50 ${result.p50_ms.toFixed(1)} ms, p99 ${result.p99_ms.toFixed(1)} ms`;
      say(`  ${spec.label}: ${result.rps.toFixed(1)} req/s, p95 ${result.p95_ms.toFixed(1)} ms${open}${errors} (load ${os.loadavg()[0]!.toFixed(2)})`);
      output.machine.load_average_after = os.loadavg();
      return result;
    };
    try {
      const done = new Set<string>();
      for (const spec of selected) {
        if (done.has(spec.key)) continue;
        const group = spec.group ? selected.filter((other) => other.group === spec.group) : [spec];
        for (const member of group) done.add(member.key);
        if (spec.group === 'workers') {
          say(`starting the service as processes (WEB_CONCURRENCY=1 and ${workerCount})`);
          const urls = { ownerUrl: database.open.ownerUrl, appUrl: database.open.appUrl };
          const one = await startServiceProcess(1, portOf(3), urls);
          processes.push(one);
          const many = await startServiceProcess(workerCount, portOf(4), urls);
          processes.push(many);
          bases.workers_1 = one.base;
          bases.workers_n = many.base;
        }
        const perCase = new Map<string, CaseResult[]>(group.map((member) => [member.key, []]));
        const roundCount = spec.group ? rounds : 1;
        for (let r = 0; r < roundCount; r += 1) {
          if (roundCount > 1) say(` round ${r + 1} of ${roundCount}`);
          for (const member of group) perCase.get(member.key)!.push(await measureOnce(member));
        }
        for (const member of group) {
          const merged = mergeRounds(perCase.get(member.key)!);
          if (member.key === 'ceiling_bare') ceilingRps = merged.rps;
          const serial = member.amount !== undefined && member.connections === 1;
          merged.ratio_to_ceiling = ceilingRps && member.key !== 'ceiling_bare' && !serial && member.rate === undefined ? round(merged.rps / ceilingRps, 3) : null;
          results.push(merged);
        }
        await save();
      }
    } finally {
      for (const child of processes) await child.stop();
    }

    // Closings spreadsheets (issue 14) through the import's use cases, on the same database.
    let sheetAims: Aim[] = [];
    if (!only || only.includes('closings_sheets')) {
      say('closings spreadsheets, 10,000 rows:');
      const sheets = await benchClosingsSpreadsheets(pool, { runs: quick ? 1 : 3, say: (line) => say(line) });
      output.closings_sheets = sheets.results;
      sheetAims = sheets.aims;
      await save();
    }

    say(`\n${table(results)}\n`);
    output.aims = [...checkAims(results), ...sheetAims];
    for (const aim of output.aims) say(`${aim.met ? 'met ' : 'MISS'}  ${aim.aim}: ${aim.measured}`);
    say(`\nload average after: ${output.machine.load_average_after.map((value) => value.toFixed(2)).join(' ')}`);
    output.complete = true;
    output.total_seconds = round((performance.now() - started) / 1000, 1);
    await save();
    say(`wrote bench/results.json (${output.total_seconds} s in all)`);
  } finally {
    await settle(pool);
    closing = true;
    for (const app of apps) await app.close();
    await cache?.close();
    await database.cleanup();
  }
}

/** Waits (up to a minute) until no request holds or waits for a database connection. */
async function settle(pool: pg.Pool): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (pool.waitingCount > 0 || pool.idleCount < pool.totalCount)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

interface Aim {
  aim: string;
  measured: string;
  met: boolean;
}

/** The aims of the performance issues, against what was measured. */
function checkAims(results: CaseResult[]): Aim[] {
  const by = new Map(results.map((result) => [result.key, result]));
  const aims: Aim[] = [];
  const reads = results.filter((result) => ['summary_cold', 'summary_cached', 'export_json', 'export_csv'].includes(result.key));
  for (const read of reads) {
    aims.push({ aim: `p95 ≤ 20 ms at ${read.connections} connections: ${read.label}`, measured: `${read.p95_ms} ms`, met: read.p95_ms <= 20 });
  }
  const openSummary = by.get('open_summary_cached');
  if (openSummary) {
    const late = openSummary.timeouts + openSummary.errors;
    aims.push({
      aim: `cached summary p99 ≤ 20 ms at a fixed ${openSummary.rate} req/s (open loop)`,
      measured: `${openSummary.p99_ms} ms (bare Fastify: ${by.get('open_bare')?.p99_ms ?? '?'} ms)${late > 0 ? `, ${late} unanswered` : ''}`,
      met: openSummary.p99_ms <= 20 && late === 0,
    });
  }
  const one = by.get('workers_1');
  const many = by.get('workers_n');
  if (one && many) {
    aims.push({
      aim: `WEB_CONCURRENCY=${workerCount} serves more than WEB_CONCURRENCY=1 (cached summary)`,
      measured: `${many.rps} vs ${one.rps} req/s (×${(many.rps / Math.max(one.rps, 1e-9)).toFixed(2)})`,
      met: many.rps > one.rps,
    });
  }
  const cachedSummary = by.get('summary_cached');
  if (cachedSummary?.ratio_to_ceiling != null) {
    aims.push({
      aim: 'cached summary ≥ 40% of the bare-Fastify ceiling',
      measured: `${(cachedSummary.ratio_to_ceiling * 100).toFixed(1)}%`,
      met: cachedSummary.ratio_to_ceiling >= 0.4,
    });
  }
  const coldSerial = by.get('summary_cold_serial');
  if (coldSerial) aims.push({ aim: 'cold summary ≤ 150 ms (one at a time, median)', measured: `${coldSerial.p50_ms} ms`, met: coldSerial.p50_ms <= 150 });
  const cachedSerial = by.get('summary_cached_serial');
  if (cachedSerial) aims.push({ aim: 'cached summary ≤ 5 ms (one at a time, median)', measured: `${cachedSerial.p50_ms} ms`, met: cachedSerial.p50_ms <= 5 });
  const imports = by.get('import');
  if (imports) aims.push({ aim: 'import of 10,000 deals ≤ 1 s (mean)', measured: `${imports.mean_ms} ms`, met: imports.mean_ms <= 1000 });
  return aims;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
