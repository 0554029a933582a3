import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { buildApp, loggerOptions } from './app.js';
import { loadConfig, usesDevelopmentKey, type Config } from './config.js';
import { createTokenVerifier } from './auth/verify-token.js';
import { loadOrCreateDevSecret, signUserToken } from './auth/dev-token.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { ensureDatabase, latestMigration, prepareDatabase, withDatabase } from './db/bootstrap.js';
import { createPool } from './db/pool.js';
import { DEMO_ORG_ID, DEMO_OWNER, ensureDemoTenant } from './demo/demo-tenant.js';

const EMBEDDED_DATABASE = 'commission_intelligence';

async function ownerDatabaseUrl(config: Config, log: pino.Logger): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  log.info({ dir: `${config.dataDir}/postgres` }, 'starting embedded PostgreSQL');
  const embedded = await startEmbeddedPostgres({
    dir: `${config.dataDir}/postgres`,
    persistent: true,
    log: (line) => log.debug({ postgres: line.trim() }, 'embedded postgres'),
  });
  await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
  return { url: withDatabase(embedded.url, EMBEDDED_DATABASE), embedded };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino(loggerOptions(config) as pino.LoggerOptions);

  const { url: ownerUrl, embedded } = await ownerDatabaseUrl(config, log);
  const database = await prepareDatabase(ownerUrl, {
    appUrl: config.appDatabaseUrl,
    appPassword: config.appDatabasePassword,
    log: (message) => log.info({ migration: message }, 'migrate'),
  });
  if (database.migrationsApplied.length > 0) log.info({ applied: database.migrationsApplied }, 'migrations applied');

  const pool = createPool({
    url: database.appUrl,
    max: config.dbPoolSize,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    onIdleError: (error) => log.warn({ err: error }, 'idle database connection failed'),
  });

  const devSecret = usesDevelopmentKey(config) ? await loadOrCreateDevSecret(config.dataDir) : undefined;
  const hsSecret = config.auth.jwtSecret ? new TextEncoder().encode(config.auth.jwtSecret) : devSecret;
  const verifyToken = createTokenVerifier(config.auth, { hsSecret, jwksUrl: config.auth.jwksUrl });

  const app = await buildApp({ config, pool, verifyToken, latestMigration: await latestMigration(), logger: log });
  await ensureDemoTenant(pool, { promoDays: config.promoDays, today: new Date(), log });

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down: draining requests');
    await app.close();
    await pool.end();
    await embedded?.stop();
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
