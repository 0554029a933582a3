import type pg from 'pg';
import type { TenantTx } from './tenant.js';

/**
 * Bumps the tenant's cache generation inside the write's own transaction (migration 0014): it
 * commits with the data it invalidates, or not at all. Take it last in the transaction: the row
 * lock is then held only while committing, and no lock is ever waited for while holding it.
 */
export async function bumpCacheGeneration(tx: TenantTx): Promise<string> {
  const result = await tx.query<{ generation: string }>(
    `INSERT INTO tenant_cache_generations (tenant_id) VALUES ($1)
     ON CONFLICT (tenant_id) DO UPDATE SET generation = nextval('tenant_cache_generation_seq')
     RETURNING generation::text`,
    [tx.tenantId],
  );
  return result.rows[0]!.generation;
}

/**
 * The tenant's committed cache generation; a tenant without one (never written since migration
 * 0014) gets one. Undefined when a concurrent transaction is creating it (ask again).
 */
export async function readCacheGeneration(tx: TenantTx): Promise<string | undefined> {
  const found = await tx.query<{ generation: string }>('SELECT generation::text FROM tenant_cache_generations WHERE tenant_id = $1', [tx.tenantId]);
  if (found.rows[0]) return found.rows[0].generation;
  const created = await tx.query<{ generation: string }>(
    'INSERT INTO tenant_cache_generations (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING RETURNING generation::text',
    [tx.tenantId],
  );
  return created.rows[0]?.generation;
}

/**
 * Which database this is: its cluster's system identifier (pg_control_system, where the role may
 * read it) and the database's oid. A restore into a new cluster changes the first, into a new
 * database of the same cluster the second, and two databases of one cluster differ in the second,
 * so cache keys that carry it are never shared by two databases nor survive a restore.
 */
export async function databaseIdentity(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ oid: string }>('SELECT oid::text FROM pg_database WHERE datname = current_database()');
  let system = 'unknown';
  try {
    const control = await pool.query<{ system_identifier: string }>('SELECT system_identifier::text FROM pg_control_system()');
    system = control.rows[0]?.system_identifier ?? system;
  } catch {
    // Revoked on some managed services: the oid (and the sequence of generations) still tell databases apart.
  }
  return `${system}.${rows[0]!.oid}`;
}
