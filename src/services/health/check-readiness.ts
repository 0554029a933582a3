import type pg from 'pg';
import { MIGRATIONS_TABLE } from '../../db/bootstrap.js';

export type Readiness =
  | { ready: true }
  | {
      ready: false;
      detail: 'database not migrated' | 'database unreachable';
      /** For the log, not the probe's answer: the migrations seen, or why the database could not be reached (a refused startup parameter behind a pooler, a wrong password, a server that is down). */
      cause: { applied: string | null; wanted: string } | { message: string | undefined; code: string | undefined };
    };

/** Whether the service can answer: the database is reachable and has this build's newest migration. */
export async function checkReadiness(deps: { pool: pg.Pool }, input: { latestMigration: string }): Promise<Readiness> {
  try {
    const result = await deps.pool.query<{ name: string | null }>(`SELECT max(name) AS name FROM ${MIGRATIONS_TABLE}`);
    const applied = result.rows[0]?.name ?? null;
    if (applied === null || applied < input.latestMigration) {
      return { ready: false, detail: 'database not migrated', cause: { applied, wanted: input.latestMigration } };
    }
    return { ready: true };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    return { ready: false, detail: 'database unreachable', cause: { message, code } };
  }
}
