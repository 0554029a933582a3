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

/** The application role's pool, with every timeout set on purpose (pg's defaults wait forever). */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    // Also bounds the wait for a free connection when all are busy: a 503 instead of a pile-up.
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs * 2, 10_000),
    application_name: 'commission-intelligence',
  });
  pool.on('error', options.onIdleError);
  return pool;
}
