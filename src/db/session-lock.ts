import type pg from 'pg';

/**
 * Runs `fn` while this process holds a session advisory lock named `key` on one connection of
 * `pool` (waiting for another holder to finish first): for work made of several transactions that
 * two processes must not do at once, such as seeding the demo tenant when two instances start
 * together. Not for a transaction pooler (PgBouncer in transaction mode), which does not keep a
 * session on one server connection.
 */
export async function withSessionLock<T>(pool: pg.Pool, key: string, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
  } catch (error) {
    client.release(true);
    throw error;
  }
  let broken = false;
  try {
    return await fn();
  } finally {
    try {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
    } catch {
      // The lock ends with the session: this connection is not given back to the pool.
      broken = true;
    }
    client.release(broken);
  }
}
