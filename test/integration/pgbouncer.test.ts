/**
 * The deployment docs/scaling.md recommends: the application role's connections through PgBouncer
 * in transaction mode. PgBouncer refuses session settings in the startup packet, so the service
 * sets its timeouts with SET LOCAL inside each transaction (src/db/tenant.ts); this runs the real
 * service process through a real PgBouncer (Debian package `pgbouncer`) whose two server
 * connections every client's transactions share.
 */
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { APP_ROLE, deriveAppPassword } from '../../src/db/bootstrap.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';
import { bearer, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';
import { ownDatabase } from '../helpers/own-database.js';
import { pgbouncerBinary, startPgBouncer } from '../helpers/pgbouncer.js';
import { request, startService, type Answer } from '../helpers/service-process.js';

const binary = pgbouncerBinary();
const skip = binary ? false : 'pgbouncer is not installed (Debian package `pgbouncer`; .ci/run installs it)';

/** Month n (0: 2010-01), its figures marked with n so a read-back proves whose import it is. */
function markedMonth(n: number): CommissionMonth {
  const month = smallMonth(`${2010 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`);
  return { ...month, metadata: { ...month.metadata, total_transactions: 100 + n } };
}

function describe(answer: Answer): string {
  return `${answer.status} retry-after=${answer.retryAfter} in ${Math.round(answer.answeredAt - answer.sentAt)} ms: ${answer.body.slice(0, 200)}`;
}

test('through PgBouncer in transaction mode: ready, tenants isolated on shared server connections, a slow statement cut at DB_STATEMENT_TIMEOUT_MS', { skip, timeout: 180_000 }, async (t) => {
  const database = await ownDatabase(t, 'pgbouncer');
  const server = new URL(database.ownerUrl);
  // ownDatabase logged the application role in with the password derived from the owner's server.
  const password = deriveAppPassword(database.ownerUrl);
  const bouncer = await startPgBouncer(t, {
    binary: binary!,
    server: { host: server.hostname, port: Number(server.port || 5432) },
    user: APP_ROLE,
    password,
    serverPoolSize: 2,
  });
  const viaBouncer = `postgres://${APP_ROLE}:${encodeURIComponent(password)}@127.0.0.1:${bouncer.port}/${database.name}`;
  const statementTimeoutMs = 1_000;
  const service = await startService(t, database.ownerUrl, {
    APP_DATABASE_URL: viaBouncer,
    DB_STATEMENT_TIMEOUT_MS: String(statementTimeoutMs),
    IMPORTS_PER_TENANT: '12',
    IMPORTS_TOTAL: '12',
    DB_POOL_SIZE: '8',
    // The change feed's LISTEN needs a session; with Redis it is not used (docs/scaling.md).
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
  });
  const output = () => `${service.output().slice(-2_000)}\n--- pgbouncer:\n${bouncer.output().slice(-1_000)}`;

  const ready = await request(service.base, '/readyz');
  assert.equal(ready.status, 200, `ready through PgBouncer: ${describe(ready)}\n${output()}`);

  const orgs = [uniqueOrg('bouncer-a'), uniqueOrg('bouncer-b')];
  const admins = await Promise.all(orgs.map(async (orgId) => bearer(await tokenFor({ orgId, role: 'admin', sub: randomUUID() }))));
  // Tenant 0 imports months 0–5, tenant 1 months 6–11, all at once: 12 transactions of two tenants
  // on PgBouncer's two server connections, each setting its tenant transaction-locally.
  const owned = [
    [0, 1, 2, 3, 4, 5],
    [6, 7, 8, 9, 10, 11],
  ];
  const imports = await Promise.all(
    owned.flatMap((months, who) =>
      months.map(async (n) => ({ n, answer: await request(service.base, '/api/v1/commissions/import', { method: 'POST', headers: admins[who]!, body: markedMonth(n) }) })),
    ),
  );
  for (const { n, answer } of imports) assert.equal(answer.status, 201, `import of month ${n}: ${describe(answer)}\n${output()}`);

  for (const [who, months] of owned.entries()) {
    const list = await request(service.base, '/api/v1/commissions?limit=50', { headers: admins[who]! });
    assert.equal(list.status, 200, describe(list));
    const seen = (JSON.parse(list.body) as { items: Array<{ month: string }> }).items.map((item) => item.month).sort();
    assert.deepEqual(seen, months.map((n) => markedMonth(n).month).sort(), `tenant ${who} sees its own months only`);
    for (const n of months) {
      const read = await request(service.base, `/api/v1/commissions/${markedMonth(n).month}`, { headers: admins[who]! });
      const body = JSON.parse(read.body) as { data: CommissionMonth };
      assert.equal(body.data.metadata?.total_transactions, 100 + n, `month ${n} holds tenant ${who}'s own import`);
    }
    const other = owned[1 - who]![0]!;
    const foreign = await request(service.base, `/api/v1/commissions/${markedMonth(other).month}`, { headers: admins[who]! });
    assert.equal(foreign.status, 404, `tenant ${who} cannot read the other tenant's month: ${describe(foreign)}`);
  }

  // From the inside, on the same shared server connections: a client with no tenant set sees no
  // rows, and no tenant or timeout was left behind on the server connection by earlier transactions.
  const raw = new pg.Client({ connectionString: viaBouncer });
  raw.on('error', () => {});
  await raw.connect();
  t.after(() => raw.end().catch(() => {}));
  for (let i = 0; i < 4; i++) {
    const row = (
      await raw.query<{ n: number; tenant: string | null; timeout: string }>(
        "SELECT (SELECT count(*)::int FROM commission_months) AS n, nullif(current_setting('app.current_tenant', true), '') AS tenant, current_setting('statement_timeout') AS timeout",
      )
    ).rows[0]!;
    assert.deepEqual(row, { n: 0, tenant: null, timeout: '0' }, 'a server connection carries nothing from the transactions it ran');
  }

  // A statement that would take 5 s (a trigger of this test's database) is cut by the server at
  // the configured 1 s: the timeout reached the server through PgBouncer.
  const owner = await database.client();
  const slowMonth = markedMonth(12).month;
  await owner.query(`
    CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.month = '${slowMonth}-01' THEN PERFORM pg_sleep(5); END IF; RETURN NEW; END $$;
    CREATE TRIGGER slow_insert BEFORE INSERT ON commission_months FOR EACH ROW EXECUTE FUNCTION slow_insert();`);
  const slow = await request(service.base, '/api/v1/commissions/import', { method: 'POST', headers: admins[0]!, body: markedMonth(12) });
  assert.equal(slow.status, 503, `the slow import is cut: ${describe(slow)}`);
  assert.ok(slow.retryAfter !== null, describe(slow));
  // The lower bound shows the statement ran until the timeout; the upper bound (3 s of slack for a
  // loaded CI machine, still under the 5 s sleep) shows the server cut it, not the sleep's end.
  assert.ok(slow.answeredAt - slow.sentAt >= statementTimeoutMs - 100, describe(slow));
  assert.ok(slow.answeredAt - slow.sentAt < 4_000, `cut at DB_STATEMENT_TIMEOUT_MS: ${describe(slow)}`);
  const cancelled = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM commission_months WHERE month = '${slowMonth}-01'`);
  assert.equal(cancelled.rows[0]!.n, 0, 'the cut import wrote nothing');

  const after = await request(service.base, '/api/v1/commissions', { headers: admins[0]! });
  assert.equal(after.status, 200, `served normally after the cut: ${describe(after)}`);
  assert.ok(!service.output().includes('"unhandled error"'), `no 500 was logged:\n${output()}`);
});
