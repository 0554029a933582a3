import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { transactionTimeouts } from './pool.js';

/** What tenant-scoped code gets: a query method bound to one transaction with the tenant set. */
export interface TenantTx {
  readonly tenantId: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface WithTenantOptions {
  /**
   * False when `fn` does something outside the transaction that must not happen twice (writes to
   * a response stream, for instance): then a serialization failure or deadlock is not re-run but
   * thrown at once. Default true.
   */
  rerunnable?: boolean;
  /**
   * The roster name of the payee the transaction acts for (a `payee` principal): proved with the
   * tenant in the same entry (migration 0016), after which every tenant table shows only that
   * person's rows and refuses writes but their inquiries. Absent: the whole tenant.
   */
  payee?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How long an entry proof may travel before the database refuses it (it allows a minute at most). */
const ENTRY_LIFETIME_MS = 30_000;

// The tenant proof key of each application pool (migration 0012): read over the owner connection
// at startup and bound to the pool that will use it, so nothing reachable as cip_app holds it.
const proofKeys = new WeakMap<pg.Pool, Buffer>();

/** Lets `withTenant` on `pool` prove tenants with `key` (64 bytes, from `readTenantProofKey`). */
export function bindTenantProofKey(pool: pg.Pool, key: Buffer): void {
  if (key.length !== 64) throw new TypeError('the tenant proof key is 64 bytes');
  proofKeys.set(pool, key);
}

/** The key bound to `pool`, if any (the change feed derives its sealing key from it). */
export function tenantProofKeyOf(pool: pg.Pool): Buffer | undefined {
  return proofKeys.get(pool);
}

/**
 * The statement text that opens a transaction scoped to `tenantId`: BEGIN and the database-checked
 * entry (enter_tenant, migration 0012) in one simple query. Every part is hex, digits or a checked
 * uuid, so it can stand in the text; a captured copy is useless (single-use nonce, short expiry).
 */
export function tenantEntryText(key: Buffer, tenantId: string, now = Date.now(), payee?: string): string {
  if (!UUID.test(tenantId)) throw new TypeError('withTenant needs a tenant uuid');
  if (payee !== undefined && !/\S/.test(payee)) throw new TypeError('withTenant needs a payee name');
  const tenant = tenantId.toLowerCase();
  const expires = now + ENTRY_LIFETIME_MS;
  const nonce = randomBytes(16).toString('hex');
  // The payee, when there is one, is under the MAC too and travels as the hex of its UTF-8 text.
  const signed = `enter:${tenant}:${expires}:${nonce}${payee === undefined ? '' : `:payee:${payee}`}`;
  const mac = createHmac('sha256', key).update(signed, 'utf8').digest('hex');
  const payeeArgument = payee === undefined ? '' : `, '${Buffer.from(payee, 'utf8').toString('hex')}'`;
  return `BEGIN; SELECT enter_tenant('${tenant}', ${expires}, '${nonce}', '${mac}'${payeeArgument})`;
}

/**
 * SQLSTATEs after which PostgreSQL has rolled the whole transaction back and the same work may
 * succeed when run again: serialization_failure and deadlock_detected.
 */
const RERUN_CODES = new Set(['40001', '40P01']);

/** Runs of one transaction at most (the first and three re-runs), then the error goes to the caller (a 503). */
export const MAX_TRANSACTION_RUNS = 4;

/** Full jitter on an exponential step (25, 50, 100 ms): re-runs of the two sides of a deadlock do not meet again in step. */
const rerunDelayMs = (run: number) => Math.random() * 25 * 2 ** (run - 1);

function isRerunnable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RERUN_CODES.has(code);
}

/**
 * The one door to tenant rows. Opens a transaction on a pooled connection as the application role,
 * proves the tenant to the database (`enter_tenant`, which sets it transaction-locally, so it
 * cannot leak into the connection's next user nor be set by hand: migration 0012),
 * runs `fn` and commits; any error rolls everything back. Row-level security does the filtering:
 * without this call, queries on tenant tables see no rows at all.
 *
 * Contract: `fn` may be run more than once. When PostgreSQL aborts the transaction with a
 * serialization failure or a deadlock (40001, 40P01), nothing of it was committed, and `withTenant`
 * runs `fn` again in a fresh transaction (on a connection taken anew, after a short random pause),
 * up to MAX_TRANSACTION_RUNS in all; the last such error is thrown as it is (the error plugin
 * answers 503 with Retry-After). So `fn` must keep its effects inside the transaction — no writes
 * to sockets or streams, no messages, no counters outside — and compute its result from what it
 * reads there. Work that cannot be re-run passes `{ rerunnable: false }`.
 */
export async function withTenant<T>(
  pool: pg.Pool,
  tenantId: string,
  fn: (tx: TenantTx) => Promise<T>,
  options: WithTenantOptions = {},
): Promise<T> {
  if (!UUID.test(tenantId)) throw new TypeError('withTenant needs a tenant uuid');
  const runs = options.rerunnable === false ? 1 : MAX_TRANSACTION_RUNS;
  for (let run = 1; ; run++) {
    try {
      return await runTransaction(pool, tenantId, fn, options.payee);
    } catch (error) {
      if (run >= runs || !isRerunnable(error)) throw error;
      await sleep(rerunDelayMs(run));
    }
  }
}

/** `SET LOCAL` of the pool's server-side timeouts (see createPool), or nothing for a pool without them. */
function timeoutStatements(pool: pg.Pool): string {
  const timeouts = transactionTimeouts(pool);
  if (!timeouts) return '';
  // Integers from the configuration, so they can stand in the text.
  return `; SET LOCAL statement_timeout = ${Math.trunc(timeouts.statementTimeoutMs)}; SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(timeouts.idleInTransactionTimeoutMs)}`;
}

async function runTransaction<T>(pool: pg.Pool, tenantId: string, fn: (tx: TenantTx) => Promise<T>, payee: string | undefined): Promise<T> {
  const key = proofKeys.get(pool);
  // Connected first, so that a database that cannot be reached is reported as that (a 503).
  const client = await pool.connect();
  if (!key) {
    client.release();
    throw new Error('withTenant: this pool has no tenant proof key (bindTenantProofKey)');
  }
  let broken = false;
  // A connection lost mid-transaction (server restart, idle timeout) also emits 'error' on the
  // client; the failing query already rejects, so only note that the client must not be reused.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    // One round trip for all: a simple query may hold several statements, each transaction-scoped
    // (the entry and SET LOCAL), so PgBouncer's transaction pooling keeps working.
    await client.query(`${tenantEntryText(key, tenantId, Date.now(), payee)}${timeoutStatements(pool)}`);
    const tx: TenantTx = {
      tenantId,
      query: (text, values) => client.query(text, values),
    };
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection is unusable; do not hand it to the next request
    }
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
