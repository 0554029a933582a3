/**
 * `npm run bench:per-request [-- --rounds 5] [-- --duration 5]`: what one cached authenticated
 * read costs beside the bare-Fastify ceiling, for weighing per-request levers one by one (the
 * README's lever table). A small tenant shaped like the large one of `npm run bench` (300 agents:
 * the same 1.9 KB summary), the service built in this process with its production settings, a bare
 * Fastify `/hello` beside it; autocannon (50 connections) in a worker thread, rounds interleaved,
 * medians. CPU µs per request is this (main) thread's CPU time over the answers: the servers run
 * here, the load generator on its own thread, so it is the server's cost of one request, which the
 * machine's load moves far less than req/s (busy µs, the event loop's wall-clock busy time, is shown too). Database as `npm run bench` (BENCH_DATABASE_URL,
 * BENCH_DATABASE with `_per_request`).
 */
import os from 'node:os';
import { performance as perfHooks } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { buildApp, loggerOptions } from '../src/app.js';
import { signUserToken } from '../src/auth/dev-token.js';
import { createTokenVerifier } from '../src/auth/verify-token.js';
import { createTenantCache } from '../src/cache/create-cache.js';
import { loadConfig } from '../src/config.js';
import { latestMigration } from '../src/db/bootstrap.js';
import { benchDatabaseName, openBenchDatabase } from './bench-database.js';
import { LARGE_ORG, loadDataset, type DatasetSpec } from './generate.js';
import type { LoadResult } from './load-worker.js';
import { runLoad } from './run-load.js';
import { silentFeed } from './silent-feed.js';
import { mainThreadCpuMs } from './thread-cpu.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string' }, duration: { type: 'string' }, connections: { type: 'string' } } });
const rounds = Number(args.rounds ?? 5);
const duration = Number(args.duration ?? 5);
const connections = Number(args.connections ?? 50);
const SECRET = 'benchmark-signing-secret-of-at-least-32-bytes';
const SPEC: DatasetSpec = {
  large: { months: 24, lastMonth: '2025-09', agents: 300, managers: 30, deals: 30_000, importedMonths: 0 },
  small: { count: 1, months: 12, lastMonth: '2025-09', agents: 4, managers: 1, deals: 240, importedMonths: 0 },
};
const say = (line: string) => process.stdout.write(`${line}\n`);


async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

interface Round {
  rps: number;
  busyUs: number;
  cpuUs: number;
  bytesPerAnswer: number;
}

async function measure(url: string, headers: Record<string, string>): Promise<Round> {
  const before = perfHooks.eventLoopUtilization();
  const cpuBefore = mainThreadCpuMs();
  const result = await runLoad({ url, method: 'GET', headers, connections, duration, timeout: 30 });
  const busy = perfHooks.eventLoopUtilization(before).active;
  const cpu = mainThreadCpuMs() - cpuBefore;
  const ok = Object.entries(result.statuses).filter(([status]) => status.startsWith('2')).reduce((sum, [, n]) => sum + n, 0);
  if (ok !== result.requests) throw new Error(`${url}: ${JSON.stringify(result.statuses)}`);
  return { rps: ok / result.seconds, busyUs: (busy * 1000) / Math.max(1, ok), cpuUs: (cpu * 1000) / Math.max(1, ok), bytesPerAnswer: result.bytes / Math.max(1, ok) };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const cpuBefore = process.cpuUsage();
  say(`load average before: ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`);
  const config = loadConfig({
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    PROMO_DAYS: '3650',
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
  });
  const { open, cleanup } = await openBenchDatabase(benchDatabaseName('per_request'));
  const apps: FastifyInstance[] = [];
  try {
    const owner = new pg.Client({ connectionString: open.ownerUrl });
    await owner.connect();
    try {
      await loadDataset(owner, open.pool, SPEC, () => {});
    } finally {
      await owner.end();
    }
    const cache = await createTenantCache({ redisUrl: undefined, feed: silentFeed, pool: open.pool });
    // Log lines go to /dev/null, written as the service writes them (the cost of a line is in making it).
    const logger = pino(loggerOptions(config) as pino.LoggerOptions, pino.destination({ dest: '/dev/null', sync: false }));
    const secret = new TextEncoder().encode(SECRET);
    const app = await buildApp({ config, logger, pool: open.pool, cache, verifyToken: createTokenVerifier(config.auth, { hsSecret: secret }), latestMigration: await latestMigration() });
    apps.push(app);
    const bare = Fastify({ logger: false });
    bare.get('/hello', async () => ({ hello: 'world' }));
    apps.push(bare);
    const serviceBase = await listen(app);
    const bareBase = await listen(bare);
    const token = await signUserToken(secret, { orgId: LARGE_ORG, role: 'admin', sub: 'be0c0000-0000-4000-8000-000000000001', email: 'bench@bench.example', ttlSeconds: 3600 });
    const summary = `${serviceBase}/api/v1/analytics/summary?period=last_12m`;
    const auth = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const sample = await fetch(summary, { headers: auth });
    const body = await sample.text();
    if (!sample.ok) throw new Error(`summary answered ${sample.status}: ${body}`);
    const names: string[] = [];
    let headerBytes = 0;
    sample.headers.forEach((value, name) => {
      names.push(name);
      headerBytes += name.length + value.length + 4;
    });
    say(`summary: ${body.length} bytes of body (decoded), ${headerBytes} bytes of headers (${names.join(', ')})`);
    for (let i = 0; i < 300; i += 1) {
      await fetch(summary, { headers: auth }).then((response) => response.arrayBuffer());
      await fetch(`${bareBase}/hello`).then((response) => response.arrayBuffer());
    }
    const bareRounds: Round[] = [];
    const summaryRounds: Round[] = [];
    for (let r = 0; r < rounds; r += 1) {
      bareRounds.push(await measure(`${bareBase}/hello`, {}));
      summaryRounds.push(await measure(summary, auth));
      say(`  round ${r + 1}: bare ${bareRounds.at(-1)!.rps.toFixed(0)} req/s (${bareRounds.at(-1)!.cpuUs.toFixed(0)} µs CPU, ${bareRounds.at(-1)!.busyUs.toFixed(0)} µs busy), summary ${summaryRounds.at(-1)!.rps.toFixed(0)} req/s (${summaryRounds.at(-1)!.cpuUs.toFixed(0)} µs CPU, ${summaryRounds.at(-1)!.busyUs.toFixed(0)} µs busy) (load ${os.loadavg()[0]!.toFixed(2)})`);
    }
    const bareRps = median(bareRounds.map((r) => r.rps));
    const summaryRps = median(summaryRounds.map((r) => r.rps));
    const bareUs = median(bareRounds.map((r) => r.cpuUs));
    const summaryUs = median(summaryRounds.map((r) => r.cpuUs));
    say(`bare /hello: ${bareRps.toFixed(0)} req/s, ${bareUs.toFixed(0)} µs main-thread CPU per request`);
    say(`cached summary: ${summaryRps.toFixed(0)} req/s, ${summaryUs.toFixed(0)} µs main-thread CPU per request; ${(summaryRps / bareRps * 100).toFixed(1)}% of the ceiling by req/s, ${(bareUs / summaryUs * 100).toFixed(1)}% by CPU per request`);
    const cpu = process.cpuUsage(cpuBefore);
    say(`load average after: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}; process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
    await cache.close();
  } finally {
    for (const app of apps) await app.close();
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
