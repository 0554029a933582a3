import type { TestContext } from 'node:test';
import pg from 'pg';
import { createPool, type PoolOptions } from '../../src/db/pool.js';
import { dropDatabase, ensureDatabase, prepareDatabase, withDatabase } from '../../src/db/bootstrap.js';
import { bindTenantProofKey } from '../../src/db/tenant.js';
import { serverUrl } from './env.js';

export interface OwnDatabase {
  name: string;
  /** Owner (migration) connection string. */
  ownerUrl: string;
  /** The application role's connection string. */
  appUrl: string;
  /** A pool of the application role, ended before the database is dropped. */
  pool(options?: Partial<Omit<PoolOptions, 'url'>>): pg.Pool;
  /** An owner client, ended before the database is dropped. */
  client(): Promise<pg.Client>;
}

/**
 * A migrated database of one test on the shared test server, dropped when the test ends: for tests
 * that change the schema (triggers), count server statistics of their own (deadlocks), or dump it.
 * One after-hook ends its connections first and then drops it, so nothing sees the drop's 57P01.
 */
export async function ownDatabase(t: TestContext, label: string): Promise<OwnDatabase> {
  const name = `cip_${label}_${process.pid}_${Date.now().toString(36)}`;
  const closers: Array<() => Promise<unknown>> = [];
  await ensureDatabase(serverUrl(), name);
  t.after(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await dropDatabase(serverUrl(), name);
  });
  const ownerUrl = withDatabase(serverUrl(), name);
  const prepared = await prepareDatabase(ownerUrl);
  return {
    name,
    ownerUrl,
    appUrl: prepared.appUrl,
    pool(options = {}) {
      const pool = createPool({ max: 10, statementTimeoutMs: 30_000, onIdleError: () => {}, ...options, url: prepared.appUrl });
      // This database's own proof key (migration 0012), as open.ts binds it for the service.
      bindTenantProofKey(pool, prepared.tenantProofKey);
      closers.push(() => pool.end());
      return pool;
    },
    async client() {
      const client = new pg.Client({ connectionString: ownerUrl });
      client.on('error', () => {});
      await client.connect();
      closers.push(() => client.end());
      return client;
    },
  };
}
