import { createHmac } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
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
  for (let attempt = 1; ; attempt += 1) {
    try {
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
    } catch (error) {
      if (!concurrentRoleChange(error) || attempt >= 5) throw error;
      // The whole run was one transaction and rolled back: running it again is safe.
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}

/**
 * The role cip_app belongs to the cluster, not to one database: two databases of one cluster
 * migrated at the same moment (tests, a restore beside a running service) can both ALTER it, and
 * the later one fails with "tuple concurrently updated". The advisory lock above is per database.
 */
function concurrentRoleChange(error: unknown): boolean {
  return (error as { code?: string }).code === 'XX000' && /tuple concurrently updated/.test((error as Error).message ?? '');
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

/** The role as migration 0001 makes it: it owns nothing, is no superuser, has no BYPASSRLS. */
const APP_ROLE_ATTRIBUTES = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS';

/** A migration's text as statements: each ends with ';' at the end of a line outside a $$ body. */
function sqlStatements(text: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of text.split('\n')) {
    current.push(line);
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join('\n').replace(/;\s*$/, ''));
      current = [];
    }
  }
  return statements;
}

/**
 * The statements of the migrations that grant or revoke privileges, in migration order: top-level
 * GRANT and REVOKE statements, and DO blocks that grant in a loop with only their GRANT lines
 * kept. Replayed, they give the application role its privileges again on a database whose
 * migrations are recorded as applied but whose role is new (a restore into a fresh cluster:
 * pg_dump leaves roles out, and the dump's GRANTs to a missing role fail).
 */
export async function privilegeStatements(): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
  const statements: string[] = [];
  for (const file of files) {
    const text = await readFile(`${MIGRATIONS_DIR}/${file}`, 'utf8');
    const up = text.split(/^-- Down Migration/m)[0] ?? '';
    for (const chunk of sqlStatements(up)) {
      const statement = chunk.replace(/^\s*--.*$/gm, '').trim();
      if (/^(GRANT|REVOKE)\b/i.test(statement)) statements.push(statement);
      else if (/^DO\b/i.test(statement) && /EXECUTE format\('GRANT /.test(statement)) {
        // Only the grants of the loop: its other statements (policies, RLS) are restored with the tables.
        statements.push(statement.split('\n').filter((line) => !/^\s*EXECUTE\b/.test(line) || /EXECUTE format\('GRANT /.test(line)).join('\n'));
      }
    }
  }
  return statements;
}

/** undefined_function, undefined_table, undefined_object: what a dropped or replaced object answers. */
const GONE_SINCE = new Set(['42883', '42P01', '42704']);

/**
 * Makes sure the application role exists with its attributes and privileges. A database restored
 * into a fresh cluster has its migrations recorded as applied but no `cip_app` (roles belong to
 * the cluster, and pg_dump leaves them out), so migrating creates nothing: this creates the role
 * and replays the migrations' grants. Cheap when all is in place: one query.
 */
export async function ensureAppRole(ownerUrl: string, log: Log = () => {}): Promise<void> {
  await withClient(ownerUrl, async (client) => {
    const applied = await client.query(`SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'r'`, [MIGRATIONS_TABLE]);
    if (applied.rowCount === 0) return; // a new database: the migrations create the role and its grants
    const role = client.escapeIdentifier(APP_ROLE);
    const present = await client.query<{ granted: boolean | null }>(
      `SELECT has_table_privilege(r.oid, $2::regclass, 'SELECT') AS granted FROM pg_roles r WHERE r.rolname = $1`,
      [APP_ROLE, MIGRATIONS_TABLE],
    );
    if (present.rows[0]?.granted) return;
    if (present.rowCount === 0) {
      try {
        await client.query(`CREATE ROLE ${role} ${APP_ROLE_ATTRIBUTES}`);
        log(`created the role ${APP_ROLE}, missing from this cluster`);
      } catch (error) {
        // Another instance created it at the same moment.
        if ((error as { code?: string }).code !== '42710') throw error;
      }
    }
    await client.query('BEGIN');
    try {
      for (const statement of await privilegeStatements()) {
        // History replays in order, so a grant may name an object a later migration replaced
        // (0016 replaced enter_tenant's four-argument form): that grant has nothing left to give.
        await client.query('SAVEPOINT grant_statement');
        try {
          await client.query(statement);
        } catch (error) {
          if (!GONE_SINCE.has((error as { code?: string }).code ?? '')) throw error;
          await client.query('ROLLBACK TO SAVEPOINT grant_statement');
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    log(`granted ${APP_ROLE} its privileges again`);
  });
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
  await ensureAppRole(ownerUrl, options.log);
  const migrationsApplied = await migrate(ownerUrl, options.log);
  const appUrl = options.appUrl ?? (await ensureAppLogin(ownerUrl, options.appPassword ?? deriveAppPassword(ownerUrl)));
  return { ownerUrl, appUrl, migrationsApplied, tenantProofKey: await readTenantProofKey(ownerUrl) };
}
