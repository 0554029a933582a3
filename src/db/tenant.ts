import type pg from 'pg';

/** What tenant-scoped code gets: a query method bound to one transaction with the tenant set. */
export interface TenantTx {
  readonly tenantId: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one door to tenant rows. Opens a transaction on a pooled connection as the application role,
 * sets `app.current_tenant` transaction-locally (so it cannot leak into the connection's next user),
 * runs `fn` and commits; any error rolls everything back. Row-level security does the filtering:
 * without this call, queries on tenant tables see no rows at all.
 */
export async function withTenant<T>(pool: pg.Pool, tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new TypeError('withTenant needs a tenant uuid');
  const client = await pool.connect();
  let broken = false;
  // A connection lost mid-transaction (server restart, idle timeout) also emits 'error' on the
  // client; the failing query already rejects, so only note that the client must not be reused.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    // One round trip for both: the id passed the UUID check above (hex digits and dashes only),
    // so it can stand in the text of a simple query, which may hold several statements.
    await client.query(`BEGIN; SELECT set_config('app.current_tenant', '${tenantId}', true)`);
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
