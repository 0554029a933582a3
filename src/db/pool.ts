import pg from 'pg';

export interface PoolOptions {
  url: string;
  max: number;
  statementTimeoutMs: number;
  /** How long a request waits for a free connection (or a new one to open) before failing; default 5 s. */
  acquireTimeoutMs?: number;
  /** Called when an idle client fails (server restart, network): pg would otherwise crash the process. */
  onIdleError: (error: Error) => void;
}

// NUMERIC and BIGINT arrive as strings; money stays exact because nothing parses them into floats.
// DATE stays a 'YYYY-MM-DD' string instead of a local-midnight Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/** The server-side timeouts of a pool's transactions, set by `withTenant` (src/db/tenant.ts). */
export interface TransactionTimeouts {
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

const timeoutsOfPool = new WeakMap<pg.Pool, TransactionTimeouts>();

/** The timeouts `createPool` was given for `pool`; undefined for a pool made some other way. */
export function transactionTimeouts(pool: pg.Pool): TransactionTimeouts | undefined {
  return timeoutsOfPool.get(pool);
}

/**
 * The application role's pool, with every timeout set on purpose (pg's defaults wait forever).
 *
 * The server-side timeouts are not startup parameters: a transaction pooler (PgBouncer in
 * transaction mode) refuses `statement_timeout` in the startup packet, and with
 * `ignore_startup_parameters` it drops them silently. `withTenant` sets them with `SET LOCAL` in
 * its first round trip instead, which every pooler passes through to the one server connection the
 * transaction runs on.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    // Also bounds the wait for a free connection when all are busy: a 503 instead of a pile-up.
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'commission-intelligence',
  });
  timeoutsOfPool.set(pool, {
    statementTimeoutMs: options.statementTimeoutMs,
    idleInTransactionTimeoutMs: Math.max(options.statementTimeoutMs * 2, 10_000),
  });
  pool.on('error', options.onIdleError);
  return pool;
}
