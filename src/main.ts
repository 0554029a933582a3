import type { Server, ServerResponse } from 'node:http';
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { buildApp, loggerOptions } from './app.js';
import { loadConfig, usesDevelopmentKey, type Config } from './config.js';
import { createTokenVerifier } from './auth/verify-token.js';
import { loadOrCreateDevSecret, signUserToken } from './auth/dev-token.js';
import { latestMigration } from './db/bootstrap.js';
import { openDatabase } from './db/open.js';
import { createTenantCache } from './cache/create-cache.js';
import { createChangeFeed } from './realtime/change-feed.js';
import { ReportJobs } from './jobs/report-jobs.js';
import { DEMO_ORG_ID, DEMO_OWNER, seedDemoTenant } from './demo/demo-tenant.js';
import { createErrorReporter } from './observability/error-reporting.js';
import { createProductAnalytics } from './observability/product-analytics.js';
import { createPlanWorkers } from './services/plans/plan-workers.js';

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
  // Off unless SENTRY_DSN / POSTHOG_KEY are set; then the SDK is loaded, never otherwise.
  const errorReporter = await createErrorReporter(config.errorReporting, log);
  const analytics = await createProductAnalytics(config.productAnalytics, log);

  const database = await openDatabase(config, log);
  const { pool } = database;

  const devSecret = usesDevelopmentKey(config) ? await loadOrCreateDevSecret(config.dataDir) : undefined;
  const hsSecret = config.auth.jwtSecret ? new TextEncoder().encode(config.auth.jwtSecret) : devSecret;
  const verifyToken = createTokenVerifier(config.auth, { hsSecret, jwksUrl: config.auth.jwksUrl });

  const feed = createChangeFeed({ redisUrl: config.redisUrl, databaseUrl: database.appUrl, pool, log });
  const cache = await createTenantCache({ redisUrl: config.redisUrl, feed, pool, log });
  // Monthly reports on pg-boss: its schema belongs to the owner; the reports themselves go through the app pool.
  const reports = await ReportJobs.start({ ownerUrl: database.ownerUrl, pool, feed, log });
  // Shared by the app and the demo seed, which calculates the demo's payouts on them.
  const planWorkers = createPlanWorkers();
  const app = await buildApp({ config, pool, verifyToken, latestMigration: await latestMigration(), logger: log, cache, feed, reports, errorReporter, analytics, planWorkers });
  // The demo tenant is for trying the product; a production database holds customers only.
  if (config.env !== 'production') {
    const tenantChanged = async (tenantId: string, change?: { type: string; month?: string }) => {
      await cache.invalidateTenant(tenantId);
      await feed.publish(tenantId, change ?? { type: 'change' });
    };
    await seedDemoTenant(pool, { promoDays: config.promoDays, today: new Date(), log, planWorkers, tenantChanged });
  }

  const beginShutdown = closeConnectionsOnShutdown(app.server);
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
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

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://localhost:${port}`;
  if (devSecret) {
    const token = await signUserToken(devSecret, { orgId: DEMO_ORG_ID, sub: DEMO_OWNER.sub, email: DEMO_OWNER.email });
    // Printed, not logged: it is for the person at the terminal.
    process.stdout.write(`\n  Commission Intelligence is running.\n  Open the demo tenant: ${base}/#access_token=${token}\n  API docs: ${base}/docs\n\n`);
  } else {
    log.info({ url: base }, 'listening');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
