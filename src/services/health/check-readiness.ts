import type pg from 'pg';
import { MIGRATIONS_TABLE } from '../../db/bootstrap.js';

export type Readiness = { ready: true } | { ready: false; detail: 'database not migrated' | 'database unreachable' };

/** Whether the service can answer: the database is reachable and has this build's newest migration. */
export async function checkReadiness(deps: { pool: pg.Pool }, input: { latestMigration: string }): Promise<Readiness> {
  try {
    const result = await deps.pool.query<{ name: string | null }>(`SELECT max(name) AS name FROM ${MIGRATIONS_TABLE}`);
    const applied = result.rows[0]?.name ?? null;
    if (applied === null || applied < input.latestMigration) return { ready: false, detail: 'database not migrated' };
    return { ready: true };
  } catch {
    return { ready: false, detail: 'database unreachable' };
  }
}
