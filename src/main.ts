import cluster from 'node:cluster';
import type { Server, ServerResponse } from 'node:http';
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { buildApp, loggerOptions } from './app.js';
import { loadConfig, usesDevelopmentKey, type Config } from './config.js';
import { createTokenVerifier } from './auth/verify-token.js';
import { loadOrCreateDevSecret, signUserToken } from './auth/dev-token.js';
import { latestMigration } from './db/bootstrap.js';
import { openDatabase, type OpenDatabase } from './db/open.js';
import { createTenantCache, invalidateAndAnnounce } from './cache/create-cache.js';
import type { TenantCache } from './cache/cache.js';
import { createChangeFeed, type ChangeFeed } from './realtime/change-feed.js';
import { ReportJobs } from './jobs/report-jobs.js';
import { DEMO_ORG_ID, DEMO_OWNER, seedDemoTenant } from './demo/demo-tenant.js';
import { createErrorReporter } from './observability/error-reporting.js';
import { createProductAnalytics } from './observability/product-analytics.js';
import { createPlanWorkers, type PlanWorkers } from './services/plans/plan-workers.js';
import { SHUTDOWN_MESSAGE, startWorkers } from './cluster/primary.js';
import type { WorkerListening } from './cluster/messages.js';

/**
 * Lets the drain end. server.close() waits for every connection, and a keep-alive client's socket
 * stays open between requests for the whole keep-alive timeout (72 s), past the grace period, so
 * the grace timer would kill the process before the job queue, pool and Redis are closed. Once
 * shutting down, every answer not yet begun says `connection: close` (the client reconnects
 * elsewhere), and each socket that falls idle after an answer is closed. Returns the switch.
 */
function closeConnectionsOnShutdown(server: Server): () => void {
  const inFlight = new Set<ServerResponse>();
  let shuttingDown = false;
  const closeIdle = () => setImmediate(() => server.closeIdleConnections());
  server.on('request', (_request, response: ServerResponse) => {
    if (shuttingDown && !response.headersSent) response.setHeader('connection', 'close');
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      if (shuttingDown) closeIdle();
    });
  });
  return () => {
    shuttingDown = true;
    for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    closeIdle();
  };
}

/** A request line's fields, for the readable console. */
interface LoggedRequest {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/**
 * Where log lines go: readable lines (pino-pretty, a development dependency loaded only here) for a
 * person at a terminal in development; one JSON line per event otherwise and in production, for
 * whatever collects the logs. Written in this thread, so a line logged before the sign-in URL is
 * printed comes before it.
 */
async function logDestination(config: Config): Promise<pino.DestinationStream | undefined> {
  if (config.env === 'production' || !process.stdout.isTTY) return undefined;
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({
      colorize: true,
      sync: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,req,res,route,responseTime,request_id,user_id,org_id',
      messageFormat: (line, messageKey) => {
        const { req, res, responseTime } = line as LoggedRequest;
        if (!req || !res) return String(line[messageKey] ?? '');
        return `${req.method} ${req.url} ${res.statusCode} ${Math.round(responseTime ?? 0)} ms`;
      },
    });
  } catch {
    return undefined; // Installed without development dependencies: JSON lines.
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino(loggerOptions(config) as pino.LoggerOptions, await logDestination(config));
  if (cluster.isPrimary && config.webConcurrency > 1) return runPrimary(config, log);
  return runServer(config, log);
}

/** The demo tenant is for trying the product; a production database holds customers only. */
async function seedDemo(config: Config, database: OpenDatabase, log: pino.Logger, deps: { planWorkers: PlanWorkers; cache: TenantCache; feed: ChangeFeed }): Promise<void> {
  if (config.env === 'production') return;
  await seedDemoTenant(database.pool, { promoDays: config.promoDays, today: new Date(), log, planWorkers: deps.planWorkers, tenantChanged: invalidateAndAnnounce(deps) });
}

/** Printed, not logged, in development: it is for the person at the terminal. */
async function announce(config: Config, log: pino.Logger, port: number, devSecret: Uint8Array | undefined, extra: Record<string, unknown> = {}): Promise<void> {
  const base = `http://localhost:${port}`;
  if (devSecret) {
    const token = await signUserToken(devSecret, { orgId: DEMO_ORG_ID, sub: DEMO_OWNER.sub, email: DEMO_OWNER.email });
    process.stdout.write(`\n  Commission Intelligence is running.\n  Open the demo tenant: ${base}/#access_token=${token}\n  API docs: ${base}/docs\n\n`);
  } else {
    log.info({ url: base, ...extra }, 'listening');
  }
}

/**
 * WEB_CONCURRENCY > 1: this process migrates the database (starting the embedded one when there
 * is no DATABASE_URL) and seeds the demo once, then forks the workers with the database's URLs,
 * restarts one that dies, and on SIGTERM/SIGINT asks them to drain before it stops the database.
 */
async function runPrimary(config: Config, log: pino.Logger): Promise<void> {
  const database = await openDatabase(config, log);
  // Made before forking, so every worker reads the same key instead of racing to create it.
  const devSecret = usesDevelopmentKey(config) ? await loadOrCreateDevSecret(config.dataDir) : undefined;
  if (config.env !== 'production') {
    const feed = createChangeFeed({ redisUrl: config.redisUrl, databaseUrl: database.appUrl, pool: database.pool, log });
    const cache = await createTenantCache({ redisUrl: config.redisUrl, feed, pool: database.pool, log });
    const planWorkers = createPlanWorkers();
    try {
      await seedDemo(config, database, log, { planWorkers, cache, feed });
    } finally {
      await planWorkers.close();
      await cache.close();
      await feed.close();
    }
  }
  let shutdown: (() => void) | undefined;
  const workers = startWorkers({
    count: config.webConcurrency,
    env: { DATABASE_URL: database.ownerUrl, APP_DATABASE_URL: database.appUrl },
    log,
    onListening: (port) => void announce(config, log, port, devSecret, { workers: config.webConcurrency }),
    onCrashLoop: () => {
      process.exitCode = 1;
      shutdown?.();
    },
  });
  const graceful = closeWithGrace({ delay: 20_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'cluster primary shutting down after an error');
    else log.info({ signal }, 'shutting down: draining the workers');
    await workers.stop();
    await database.close();
    log.info('stopped');
  });
  shutdown = graceful.close;
  log.info({ workers: config.webConcurrency, pid: process.pid }, 'cluster primary started');
}

async function runServer(config: Config, log: pino.Logger): Promise<void> {
  const worker = cluster.isWorker;
  // Off unless SENTRY_DSN / POSTHOG_KEY are set; then the SDK is loaded, never otherwise.
  const errorReporter = await createErrorReporter(config.errorReporting, log);
  const analytics = await createProductAnalytics(config.productAnalytics, log);

  // A cluster worker: the primary has migrated (and seeded) already.
  const database = await openDatabase(config, log, { migrate: !worker });
  const { pool } = database;

  const devSecret = usesDevelopmentKey(config) ? await loadOrCreateDevSecret(config.dataDir) : undefined;
  const hsSecret = config.auth.jwtSecret ? new TextEncoder().encode(config.auth.jwtSecret) : devSecret;
  const verifyToken = createTokenVerifier(config.auth, { hsSecret, jwksUrl: config.auth.jwksUrl });

  // Each worker has its own feed, cache and pool, as two instances would: a write through one
  // worker reaches the others' in-process caches through the change feed.
  const feed = createChangeFeed({ redisUrl: config.redisUrl, databaseUrl: database.appUrl, pool, log });
  const cache = await createTenantCache({ redisUrl: config.redisUrl, feed, pool, log });
  // Monthly reports on pg-boss: its schema belongs to the owner; the reports themselves go through the app pool.
  const reports = await ReportJobs.start({ ownerUrl: database.ownerUrl, pool, feed, log });
  // Shared by the app and the demo seed, which calculates the demo's payouts on them.
  const planWorkers = createPlanWorkers();
  const app = await buildApp({ config, pool, verifyToken, latestMigration: await latestMigration(), logger: log, cache, feed, reports, errorReporter, analytics, planWorkers });
  if (!worker) await seedDemo(config, database, log, { planWorkers, cache, feed });

  const beginShutdown = closeConnectionsOnShutdown(app.server);
  let stopping = false;
  const graceful = closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    stopping = true;
    beginShutdown();
    if (err) {
      log.error({ err }, 'shutting down after an error');
      errorReporter?.reportProcessError(err);
    } else log.info({ signal }, 'shutting down: draining requests');
    await app.close();
    await planWorkers.close();
    // After the drain, so the last requests' events go too; each waits 2 s at most.
    await Promise.all([errorReporter?.close(), analytics?.close()]);
    await reports.stop();
    await cache.close();
    await feed.close();
    await database.close();
    log.info('stopped');
  });
  if (worker) {
    // The primary asks by message (SIGTERM/SIGINT reached it); a primary that is gone leaves the
    // IPC channel closed: drain and stop either way, once.
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void graceful.close();
    };
    process.on('message', (message) => message === SHUTDOWN_MESSAGE && stop());
    process.once('disconnect', stop);
  }

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (worker) process.send?.({ type: 'cip:listening', port } satisfies WorkerListening);
  else await announce(config, log, port, devSecret);
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
