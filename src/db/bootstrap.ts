import { createHmac } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';

/** The login role the service queries as: owns nothing, not superuser, no BYPASSRLS (see migration 0001). */
export const APP_ROLE = 'cip_app';
export const MIGRATIONS_TABLE = 'pgmigrations';
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

type Log = (message: string) => void;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Returns `url` pointing at another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Creates `database` on the server behind `serverUrl` when it does not exist yet. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (error) {
        // Another process created it between our check and our CREATE.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  });
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`),
  );
}

/**
 * Applies every pending migration as the owner. node-pg-migrate records them in `pgmigrations`
 * and holds an advisory lock, so several instances starting together migrate once.
 */
export async function migrate(ownerUrl: string, log: Log = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl: ownerUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    singleTransaction: true,
    advisoryLockMode: 'wait',
    checkOrder: true,
    log,
  });
  return applied.map((migration) => migration.name);
}

/** Name of the newest migration shipped with this build: what a migrated database has applied last. */
export async function latestMigration(): Promise<string> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
  const last = files.at(-1);
  if (!last) throw new Error(`no migrations in ${MIGRATIONS_DIR}`);
  return last.replace(/\.sql$/, '');
}

/**
 * A stable password for the application role: an HMAC of the owner's server and credentials, so
 * every instance that shares the owner connection derives the same one without storing it. The
 * database name is left out because roles belong to the whole server: every database on it must
 * agree on the one password.
 */
export function deriveAppPassword(ownerUrl: string): string {
  const server = new URL(ownerUrl);
  server.pathname = '/';
  server.search = '';
  return createHmac('sha256', server.toString()).update(APP_ROLE).digest('base64url');
}

export function appDatabaseUrl(ownerUrl: string, password: string): string {
  const parsed = new URL(ownerUrl);
  parsed.username = APP_ROLE;
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Makes sure the application role can log in with `password`: tries it first, and sets it only when
 * it does not work yet (so instances starting together do not fight over ALTER ROLE).
 */
export async function ensureAppLogin(ownerUrl: string, password: string): Promise<string> {
  const url = appDatabaseUrl(ownerUrl, password);
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
    return url;
  } catch {
    try {
      await withClient(ownerUrl, (client) =>
        client.query(`ALTER ROLE ${client.escapeIdentifier(APP_ROLE)} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`),
      );
    } catch (error) {
      // Another process altered the role at the same moment ("tuple concurrently updated"); it
      // derived the same password, so the login works now.
      await withClient(url, (client) => client.query('SELECT 1')).catch(() => {
        throw error;
      });
    }
    return url;
  }
}

/**
 * The key withTenant proves tenants with (migration 0012), read as the owner: cip_app has no
 * privilege on its table, so SQL run as the application role can neither read nor forge it.
 */
export async function readTenantProofKey(ownerUrl: string): Promise<Buffer> {
  return withClient(ownerUrl, async (client) => {
    const result = await client.query<{ key: Buffer }>('SELECT key FROM tenant_proof_key');
    const key = result.rows[0]?.key;
    if (!key || key.length !== 64) throw new Error('tenant_proof_key holds no key: is migration 0012 applied?');
    return key;
  });
}

export interface PreparedDatabase {
  ownerUrl: string;
  appUrl: string;
  migrationsApplied: string[];
  /** For `bindTenantProofKey` on the application pool. */
  tenantProofKey: Buffer;
}

/** Migrates the database behind `ownerUrl` and returns how the service should connect to it. */
export async function prepareDatabase(
  ownerUrl: string,
  options: { appUrl?: string | undefined; appPassword?: string | undefined; log?: Log } = {},
): Promise<PreparedDatabase> {
  const migrationsApplied = await migrate(ownerUrl, options.log);
  const appUrl = options.appUrl ?? (await ensureAppLogin(ownerUrl, options.appPassword ?? deriveAppPassword(ownerUrl)));
  return { ownerUrl, appUrl, migrationsApplied, tenantProofKey: await readTenantProofKey(ownerUrl) };
}
