/**
 * Backup and restore as docs/operations.md tells it: pg_dump of a database in use (the machine's
 * PostgreSQL 15 client tools), pg_restore into a database of a fresh cluster that has never seen
 * the application role, start-up (which creates the role and its grants although every migration
 * is recorded as applied), then every export compared byte for byte with the original's.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { APP_ROLE, ensureDatabase, prepareDatabase, withDatabase } from '../../src/db/bootstrap.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { createPool } from '../../src/db/pool.js';
import { bindTenantProofKey } from '../../src/db/tenant.js';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';
import { eventually } from '../helpers/eventually.js';
import { ownDatabase } from '../helpers/own-database.js';

const run = promisify(execFile);
const CLOCK = () => new Date('2025-11-20T09:00:00Z');

/**
 * The tenant export with each table's rows sorted: it streams rows in the table's physical order
 * (src/db/tenant-data.ts has no ORDER BY), which a restore is free to change; every row, every
 * byte of each row, must still be the same.
 */
function rowsInOrder(text: string): string {
  const document = JSON.parse(text) as { tables: Record<string, unknown[]> };
  for (const [table, rows] of Object.entries(document.tables)) {
    document.tables[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return JSON.stringify(document);
}

/** Every export the API offers for one tenant, as the bytes it sends. */
async function exportsOf(app: FastifyInstance, headers: Record<string, string>): Promise<Record<string, string>> {
  const urls = [
    '/api/v1/tenant/export',
    '/api/v1/commissions/export?month=2025-07&format=json',
    '/api/v1/commissions/export?month=2025-08&format=csv',
    '/api/v1/commissions/export?from=2025-06&to=2025-08&format=json',
    '/api/v1/commissions/export?from=2025-06&to=2025-08&format=csv',
  ];
  const out: Record<string, string> = {};
  for (const url of urls) {
    const answer = await app.inject({ method: 'GET', url, headers });
    assert.equal(answer.statusCode, 200, `${url}: ${answer.body.slice(0, 200)}`);
    out[url] = answer.body;
  }
  return out;
}

test('pg_dump, pg_restore into a fresh cluster without the role, start-up: the role and its grants come back and every export is byte for byte the same', { timeout: 240_000 }, async (t) => {
  const source = await ownDatabase(t, 'backup');
  // pg_dump refuses a server newer than itself (npm test without TEST_DATABASE_URL runs an embedded 18).
  const tools = await run('pg_dump', ['--version']).then(({ stdout }) => Number(/(\d+)\.\d+/.exec(stdout)?.[1] ?? 0), () => 0);
  const serverMajor = await (async () => {
    const client = await source.client();
    return Math.floor((await client.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v")).rows[0]!.v / 10_000);
  })();
  if (tools < serverMajor) {
    t.skip(tools === 0 ? 'pg_dump is not installed' : `pg_dump ${tools} cannot dump the PostgreSQL ${serverMajor} test server (set TEST_DATABASE_URL to the machine's PostgreSQL)`);
    return;
  }
  const sourcePool = source.pool();
  const org = uniqueOrg('restore');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  const before = await testApp(t, { pool: sourcePool, clock: CLOCK });
  for (const month of ['2025-06', '2025-07', '2025-08']) {
    const answer = await before.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: smallMonth(month) });
    assert.equal(answer.statusCode, 201, answer.body);
  }
  // The audit trail is part of the tenant export, and every export is audited: dump first (once
  // the imports' audit rows are written), then export from both databases.
  const sourceOwner = await source.client();
  await eventually('the imports are audited', async () => (await sourceOwner.query('SELECT 1 FROM audit_log')).rowCount === 3);

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'cip-restore-'));
  await chmod(scratch, 0o755);
  // One hook, in this order: after-hooks run first registered first, and removing the directory
  // under a running cluster fails (ENOTEMPTY) when it writes meanwhile.
  let cluster: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  t.after(async () => {
    await cluster?.stop();
    await rm(scratch, { recursive: true, force: true });
  });
  const dump = path.join(scratch, 'backup.dump');
  await run('pg_dump', ['--format=custom', `--file=${dump}`, `--dbname=${source.ownerUrl}`]);
  const original = await exportsOf(before, admin);

  // A new cluster: no cip_app role, as after a move to a new server.
  cluster = await startEmbeddedPostgres({ dir: path.join(scratch, 'postgres'), persistent: false });
  const fresh = new pg.Client({ connectionString: cluster.url });
  // The cluster stops in an earlier after-hook than this client ends.
  fresh.on('error', () => {});
  await fresh.connect();
  t.after(() => fresh.end());
  assert.equal((await fresh.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE])).rowCount, 0, 'the precondition: the new cluster has no application role');
  await ensureDatabase(cluster.url, 'restored');
  const restoredUrl = withDatabase(cluster.url, 'restored');
  // The dump's GRANTs to the missing role fail (pg_restore exits 1 and says so); everything else restores.
  const restored = await run('pg_restore', [`--dbname=${restoredUrl}`, dump]).then(
    () => ({ stderr: '' }),
    (error: { stderr?: string }) => ({ stderr: error.stderr ?? '' }),
  );
  const errors = restored.stderr.split('\n').filter((line) => /error:/.test(line));
  assert.ok(errors.some((line) => /role "cip_app" does not exist/.test(line)), `the dump's grants name the missing role:\n${restored.stderr}`);
  const otherErrors = errors.filter((line) => !/role "cip_app" does not exist|errors ignored on restore|while PROCESSING TOC|from TOC entry/.test(line));
  assert.deepEqual(otherErrors, [], `pg_restore failed only on the missing role:\n${restored.stderr}`);

  const prepared = await prepareDatabase(restoredUrl);
  assert.deepEqual(prepared.migrationsApplied, [], 'every migration was recorded as applied already');
  const pool = createPool({ url: prepared.appUrl, max: 4, statementTimeoutMs: 30_000, onIdleError: () => {} });
  // The restored database's own proof key (restored with it), as open.ts binds it for the service.
  bindTenantProofKey(pool, prepared.tenantProofKey);
  t.after(() => pool.end());
  const after = await testApp(t, { pool, clock: CLOCK });
  const copy = await exportsOf(after, admin);
  for (const url of Object.keys(original)) {
    const [a, b] = [original[url]!, copy[url] ?? ''].map((text) => (url === '/api/v1/tenant/export' ? rowsInOrder(text) : text)) as [string, string];
    let at = 0;
    while (at < a.length && a[at] === b[at]) at++;
    assert.ok(a === b, `${url} is byte for byte the same after the restore; first difference at ${at}:\n  before: ${a.slice(at - 200, at + 200)}\n  after:  ${b.slice(at - 200, at + 200)}`);
  }

  // The role came back as the migrations make it: it owns nothing and row-level security binds it.
  const role = (await fresh.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean }>(
    'SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = $1',
    [APP_ROLE],
  )).rows[0];
  assert.deepEqual({ ...role }, { rolsuper: false, rolbypassrls: false, rolcreaterole: false });
  const unscoped = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM commission_months');
  assert.equal(unscoped.rows[0]!.n, 0, 'without a tenant the restored role sees no rows');
  await assert.rejects(pool.query('SELECT * FROM tenant_tombstones'), /permission denied/, 'and no privilege it was not granted');
});
