import { createHmac, randomBytes } from 'node:crypto';
import type pg from 'pg';

/** What tenant-scoped code gets: a query method bound to one transaction with the tenant set. */
export interface TenantTx {
  readonly tenantId: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
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
export function tenantEntryText(key: Buffer, tenantId: string, now = Date.now()): string {
  if (!UUID.test(tenantId)) throw new TypeError('withTenant needs a tenant uuid');
  const tenant = tenantId.toLowerCase();
  const expires = now + ENTRY_LIFETIME_MS;
  const nonce = randomBytes(16).toString('hex');
  const mac = createHmac('sha256', key).update(`enter:${tenant}:${expires}:${nonce}`).digest('hex');
  return `BEGIN; SELECT enter_tenant('${tenant}', ${expires}, '${nonce}', '${mac}')`;
}

/**
 * The one door to tenant rows. Opens a transaction on a pooled connection as the application role,
 * proves the tenant to the database (`enter_tenant`, which sets it transaction-locally, so it
 * cannot leak into the connection's next user nor be set by hand: migration 0012),
 * runs `fn` and commits; any error rolls everything back. Row-level security does the filtering:
 * without this call, queries on tenant tables see no rows at all.
 */
export async function withTenant<T>(pool: pg.Pool, tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new TypeError('withTenant needs a tenant uuid');
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
    // One round trip: a simple query may hold several statements (and stays transaction-scoped,
    // so PgBouncer's transaction pooling keeps working).
    await client.query(tenantEntryText(key, tenantId));
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
