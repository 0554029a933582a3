/**
 * GDPR for one person: erasing a user removes their record and the IP addresses of their requests
 * from the audit trail, in one transaction, and nothing else; the audit trail stays append-only
 * otherwise; an organisation is never left without an admin while it has users; and every
 * instance forgets the erased user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PgChangeFeed } from '../../src/realtime/pg-change-feed.js';
import { withTenant } from '../../src/db/tenant.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { appPool, appUrl, bearer, ownerClient, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { smallMonth } from '../helpers/fixtures.js';
import { signMarketplaceBody } from '../../src/auth/marketplace-signature.js';

type Headers = Record<string, string>;

async function me(app: FastifyInstance, headers: Headers): Promise<{ id: string; email: string | null; role: string }> {
  const response = await app.inject({ url: '/api/v1/users/me', headers });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

/** Two people of one organisation, neither with a role claim: the first is stored as admin. */
async function organisation(app: FastifyInstance, label: string) {
  const orgId = uniqueOrg(label);
  const admin = bearer(await tokenFor({ orgId, email: `first@${label}.example`, sub: randomUUID() }));
  const adminUser = await me(app, admin);
  const member = bearer(await tokenFor({ orgId, email: `second@${label}.example`, sub: randomUUID() }));
  const memberUser = await me(app, member);
  return { orgId, tenantId: tenantIdForOrg(orgId), admin, adminUser, member, memberUser };
}

test('an admin erases a member: record and IP addresses gone, audit entries kept, other people untouched', async (t) => {
  const app = await testApp(t);
  const org = await organisation(app, 'erase-member');
  assert.equal(org.adminUser.role, 'admin');
  assert.equal(org.memberUser.role, 'member');
  assert.equal(org.memberUser.email, 'second@erase-member.example');

  // Both people use the product; the member's requests are audited with their IP address.
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: org.admin, payload: smallMonth() })).statusCode, 201);
  for (let i = 0; i < 3; i += 1) assert.equal((await app.inject({ url: '/api/v1/commissions', headers: org.member })).statusCode, 200);
  assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/users/${org.adminUser.id}`, headers: org.member })).statusCode, 403, 'a member erases nobody else');
  await app.auditWriter.flush();

  const owner = await ownerClient(t);
  const auditOf = async (userId: string) =>
    (await owner.query<{ ip: string | null; action: string }>('SELECT ip, action FROM audit_log WHERE tenant_id = $1 AND user_id = $2', [org.tenantId, userId])).rows;
  const memberRowsBefore = await auditOf(org.memberUser.id);
  assert.ok(memberRowsBefore.length >= 4, 'the member was audited');
  assert.ok(memberRowsBefore.every((row) => row.ip !== null), 'with IP addresses');


  const erased = await app.inject({ method: 'DELETE', url: `/api/v1/users/${org.memberUser.id}`, headers: org.admin });
  assert.equal(erased.statusCode, 200, erased.body);
  assert.deepEqual(erased.json(), { status: 'erased', user_id: org.memberUser.id, audit_entries_redacted: memberRowsBefore.length });

  const users = await owner.query('SELECT email FROM users WHERE tenant_id = $1', [org.tenantId]);
  assert.deepEqual(users.rows, [{ email: 'first@erase-member.example' }], 'the member’s record is gone, the admin’s is not');
  const memberRowsAfter = await auditOf(org.memberUser.id);
  assert.equal(memberRowsAfter.length, memberRowsBefore.length, 'no audit entry is deleted');
  assert.ok(memberRowsAfter.every((row) => row.ip === null), 'every IP address of the member is removed');
  await app.auditWriter.flush();
  const adminRows = await auditOf(org.adminUser.id);
  assert.ok(adminRows.length > 0 && adminRows.every((row) => row.ip !== null), 'the admin’s entries keep theirs');
  assert.ok(adminRows.some((row) => row.action === 'DELETE /api/v1/users/:id'), 'the erasure itself is audited');

  // The organisation's data is the organisation's: the import stays.
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-08', headers: org.admin })).statusCode, 200);
  // The trail shows the member's entries under an id that leads nowhere.
  const trail = await app.inject({ url: `/api/v1/audit?user_id=${org.memberUser.id}`, headers: org.admin });
  assert.equal(trail.statusCode, 200, trail.body);
  const items = trail.json().items as { user_email: string | null; ip: string | null }[];
  assert.equal(items.length, memberRowsBefore.length);
  assert.ok(items.every((item) => item.user_email === null && item.ip === null));

  assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/users/${org.memberUser.id}`, headers: org.admin })).statusCode, 404, 'gone is gone');
  // Signing in again starts afresh: a new member with a new id.
  const again = await me(app, org.member);
  assert.notEqual(again.id, org.memberUser.id);
  assert.equal(again.role, 'member');
});

test('the only admin of an organisation with users cannot leave it without one', async (t) => {
  const app = await testApp(t);
  const org = await organisation(app, 'last-admin');

  const refused = await app.inject({ method: 'DELETE', url: '/api/v1/users/me', headers: org.admin });
  assert.equal(refused.statusCode, 409, refused.body);
  assert.equal(refused.json().type, '/problems/last-admin');
  const demoted = await app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: org.admin, payload: { role: 'member' } });
  assert.equal(demoted.statusCode, 409, demoted.body);
  assert.equal((await me(app, org.admin)).email, 'first@last-admin.example', 'nothing was removed');

  assert.equal((await app.inject({ method: 'PATCH', url: `/api/v1/users/${org.adminUser.id}`, headers: org.member, payload: { role: 'member' } })).statusCode, 403);
  const promoted = await app.inject({ method: 'PATCH', url: `/api/v1/users/${org.memberUser.id}`, headers: org.admin, payload: { role: 'admin' } });
  assert.equal(promoted.statusCode, 200, promoted.body);
  assert.equal(promoted.json().role, 'admin');

  // With another admin, the first may erase themselves: the token used is revoked with them.
  const self = await app.inject({ method: 'DELETE', url: '/api/v1/users/me', headers: org.admin });
  assert.equal(self.statusCode, 200, self.body);
  assert.equal(self.json().user_id, org.adminUser.id);
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: org.admin })).statusCode, 401, 'the erased user’s session is revoked');

  await app.auditWriter.flush();
  const owner = await ownerClient(t);
  const rows = await owner.query<{ ip: string | null; action: string }>(
    'SELECT ip, action FROM audit_log WHERE tenant_id = $1 AND user_id = $2',
    [org.tenantId, org.adminUser.id],
  );
  assert.ok(rows.rows.some((row) => row.action === 'DELETE /api/v1/users/:id'), 'the self-erasure is audited');
  assert.ok(rows.rows.every((row) => row.ip === null), 'and no entry of the erased user keeps an IP address, that one included');

  // The last user of an organisation may always go.
  const lastOne = await app.inject({ method: 'DELETE', url: '/api/v1/users/me', headers: org.member });
  assert.equal(lastOne.statusCode, 200, lastOne.body);
});

test('the redaction is the only change the audit trail accepts, and only for the caller’s tenant', async (t) => {
  const app = await testApp(t);
  const org = await organisation(app, 'redact-scope');
  const other = await organisation(app, 'redact-other');
  await app.auditWriter.flush();

  const pool = appPool(t);
  // Another tenant's transaction asks to redact this tenant's member: nothing happens.
  const count = await withTenant(pool, other.tenantId, async (tx) => (await tx.query<{ n: number }>('SELECT redact_user_audit($1) AS n', [org.memberUser.id])).rows[0]!.n);
  assert.equal(count, 0);
  const owner = await ownerClient(t);
  const ips = await owner.query('SELECT ip FROM audit_log WHERE tenant_id = $1 AND user_id = $2 AND ip IS NOT NULL', [org.tenantId, org.memberUser.id]);
  assert.ok(ips.rowCount! > 0, 'the member’s entries keep their IP addresses');

  await assert.rejects(owner.query('SELECT redact_user_audit($1)', [org.memberUser.id]), /tenant-scoped transaction/, 'no tenant, no redaction');
  await assert.rejects(
    owner.query(`UPDATE audit_log SET ip = '203.0.113.9' WHERE tenant_id = $1`, [org.tenantId]),
    /append-only/,
    'an IP address is never rewritten',
  );
  await assert.rejects(
    owner.query('UPDATE audit_log SET ip = NULL, status = 299 WHERE tenant_id = $1', [org.tenantId]),
    /append-only/,
    'a redaction changes nothing but the IP address',
  );
});

test('an erasure through one instance is heard by the others: the user is looked up afresh there', async (t) => {
  const feeds = [0, 1].map(() => new PgChangeFeed({ connectionString: appUrl(), pool: appPool(t) }));
  t.after(() => Promise.all(feeds.map((feed) => feed.close())));
  await Promise.all(feeds.map((feed) => feed.ready(5_000)));
  const [one, two] = await Promise.all(feeds.map((feed) => testApp(t, { feed })));
  const org = await organisation(one!, 'erase-two');
  assert.equal((await me(two!, org.member)).id, org.memberUser.id, 'instance two knows the member');

  const erased = await one!.inject({ method: 'DELETE', url: `/api/v1/users/${org.memberUser.id}`, headers: org.admin });
  assert.equal(erased.statusCode, 200, erased.body);
  await eventually('instance two forgets the erased member', async () => {
    const response = await two!.inject({ url: '/api/v1/users/me', headers: org.member });
    return response.statusCode === 200 && response.json().id !== org.memberUser.id;
  });
});

test('the marketplace erases a deleted account’s user with a signed push, even the last admin; idempotent', async (t) => {
  const secret = 'marketplace-secret-for-user-erasure';
  const app = await testApp(t, { env: { MARKETPLACE_WEBHOOK_SECRET: secret } });
  const orgId = uniqueOrg('mp-erase');
  const sub = randomUUID();
  const admin = bearer(await tokenFor({ orgId, email: 'leaving@mp-erase.example', sub }));
  const adminUser = await me(app, admin);
  const member = bearer(await tokenFor({ orgId, email: 'staying@mp-erase.example', sub: randomUUID() }));
  await me(app, member);
  await app.auditWriter.flush();

  const push = (body: object, key = secret) => {
    const text = JSON.stringify(body);
    return app.inject({
      method: 'POST',
      url: '/api/v1/marketplace/users/erase',
      headers: { 'content-type': 'application/json', 'x-signature': signMarketplaceBody(key, Math.floor(Date.now() / 1000), text, '/api/v1/marketplace/users/erase') },
      payload: text,
    });
  };
  assert.equal((await push({ event_id: 'evt-erase-1', tenant_id: orgId, user_id: sub }, 'not-the-secret')).statusCode, 401);
  const owner = await ownerClient(t);
  const emails = async () =>
    (await owner.query<{ email: string }>('SELECT email FROM users WHERE tenant_id = $1 ORDER BY email', [tenantIdForOrg(orgId)])).rows.map((row) => row.email);
  assert.deepEqual(await emails(), ['leaving@mp-erase.example', 'staying@mp-erase.example'], 'a forged push changes nothing');

  const erased = await push({ event_id: 'evt-erase-1', tenant_id: orgId, user_id: sub });
  assert.equal(erased.statusCode, 200, erased.body);
  assert.equal(erased.json().status, 'erased');
  assert.ok(erased.json().audit_entries_redacted >= 1);
  assert.deepEqual(await emails(), ['staying@mp-erase.example'], 'the only admin goes: the account is gone');
  const ips = await owner.query('SELECT 1 FROM audit_log WHERE tenant_id = $1 AND user_id = $2 AND ip IS NOT NULL', [tenantIdForOrg(orgId), adminUser.id]);
  assert.equal(ips.rowCount, 0);

  const again = await push({ event_id: 'evt-erase-2', tenant_id: orgId, user_id: sub });
  assert.deepEqual(again.json(), { status: 'absent', audit_entries_redacted: 0 }, 'a second request finds nobody');

  // The person signs in again (a new account with the same id): a replay of the first request,
  // signed anew within the tolerance, must not erase them a second time.
  await me(app, admin);
  assert.deepEqual(await emails(), ['leaving@mp-erase.example', 'staying@mp-erase.example']);
  const replayed = await push({ event_id: 'evt-erase-1', tenant_id: orgId, user_id: sub });
  assert.equal(replayed.statusCode, 200);
  assert.deepEqual(replayed.json(), { status: 'duplicate', audit_entries_redacted: 0 });
  assert.deepEqual(await emails(), ['leaving@mp-erase.example', 'staying@mp-erase.example'], 'the replay changed nothing');
});
