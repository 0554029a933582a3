import type pg from 'pg';
import type { Config } from '../config.js';
import { ensureDatabase, prepareDatabase, readTenantProofKey, withDatabase, type PreparedDatabase } from './bootstrap.js';
import { startEmbeddedPostgres } from './embedded.js';
import { createPool } from './pool.js';
import { bindTenantProofKey } from './tenant.js';

const EMBEDDED_DATABASE = 'commission_intelligence';

export interface Log {
  info: (object: object, message: string) => void;
  warn: (object: object, message: string) => void;
  /** Where a start failure's cause goes; warn when absent. */
  error?: (object: object, message: string) => void;
  debug: (object: object, message: string) => void;
}

export interface OpenDatabase {
  /** The application role's pool: row-level security applies to everything it does. */
  pool: pg.Pool;
  /** The owner (migration) connection: for work that needs it (the job queue's schema, the benchmark's loader). */
  ownerUrl: string;
  /** The application role's connection string (for dedicated connections such as LISTEN). */
  appUrl: string;
  migrationsApplied: string[];
  /** Ends the pool and, for the embedded database, stops the cluster. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * False in a cluster worker: the primary has migrated the database (and started the embedded
   * one) before forking, and hands the worker DATABASE_URL and APP_DATABASE_URL; the worker only
   * connects (and reads the tenant proof key).
   */
  migrate?: boolean;
}

/**
 * The database the configuration names, migrated and ready: the external one at DATABASE_URL, or
 * the embedded cluster in $DATA_DIR/postgres (started here, stopped by close()).
 */
export async function openDatabase(config: Config, log: Log, options: OpenOptions = {}): Promise<OpenDatabase> {
  let ownerUrl = config.databaseUrl;
  if (options.migrate === false && (!ownerUrl || !config.appDatabaseUrl)) {
    throw new Error('openDatabase without migrating needs DATABASE_URL and APP_DATABASE_URL (a cluster worker gets them from the primary)');
  }
  let stopEmbedded = async () => {};
  if (!ownerUrl) {
    log.info({ dir: `${config.dataDir}/postgres` }, 'starting embedded PostgreSQL');
    const embedded = await startEmbeddedPostgres({
      dir: `${config.dataDir}/postgres`,
      persistent: true,
      log: (line) => log.debug({ postgres: line.trim() }, 'embedded postgres'),
      warn: (message, details) => log.warn(details, message),
    }).catch((error: unknown) => {
      // The server's own lines are debug-level; the reason it did not start is not.
      if (log.error) log.error({ err: error }, 'embedded PostgreSQL did not start');
      else log.warn({ err: error }, 'embedded PostgreSQL did not start');
      throw error;
    });
    stopEmbedded = () => embedded.stop();
    try {
      await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
    } catch (error) {
      await embedded.stop();
      throw error;
    }
    ownerUrl = withDatabase(embedded.url, EMBEDDED_DATABASE);
  }
  try {
    const prepared: PreparedDatabase =
      options.migrate === false
        ? { ownerUrl, appUrl: config.appDatabaseUrl!, migrationsApplied: [], tenantProofKey: await readTenantProofKey(ownerUrl) }
        : await prepareDatabase(ownerUrl, {
            appUrl: config.appDatabaseUrl,
            appPassword: config.appDatabasePassword,
            log: (message) => log.debug({ migration: message }, 'migrate'),
          });
    if (prepared.migrationsApplied.length > 0) log.info({ applied: prepared.migrationsApplied }, 'migrations applied');
    let closing = false;
    const pool = createPool({
      url: prepared.appUrl,
      max: config.dbPoolSize,
      statementTimeoutMs: config.dbStatementTimeoutMs,
      acquireTimeoutMs: config.dbPoolAcquireTimeoutMs,
      // Only what went wrong: pg attaches the whole client to the error. During close() the
      // server ends connections that are still being closed: expected, not logged.
      onIdleError: (error) => {
        if (!closing) log.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'idle database connection failed');
      },
    });
    bindTenantProofKey(pool, prepared.tenantProofKey);
    return {
      pool,
      ownerUrl,
      appUrl: prepared.appUrl,
      migrationsApplied: prepared.migrationsApplied,
      async close() {
        closing = true;
        await pool.end();
        await stopEmbedded();
      },
    };
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
}
