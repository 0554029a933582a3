/**
 * The auth plugin on its own, as hono tests its middleware: a tiny app with the plugin, a fake
 * principal source (tokens are looked up in a table, provisioning is counted) and two routes. No
 * database: the plugin runs no SQL, it asks its source (src/services/sessions/principal-source.ts).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import Fastify from 'fastify';
import { SigningKeysUnavailableError, TokenError, type TokenIdentity } from '../../src/auth/verify-token.js';
import type { AppRole } from '../../src/domain/principal.js';
import authPlugin from '../../src/http/plugins/auth.js';
import errorsPlugin from '../../src/http/plugins/errors.js';
import type { PrincipalSource, ProvisionedUser } from '../../src/services/sessions/principal-source.js';

const TENANT = '11111111-1111-4111-8111-111111111111';

/** Tokens have the shape of a JWT (three dot-separated parts) or the plugin refuses them unread. */
const identity = (name: string, fields: Partial<TokenIdentity> = {}): TokenIdentity => ({
  orgId: 'acme',
  userId: `user-${name}`,
  email: `${name}@acme.example`,
  claimedRole: undefined,
  sessionId: `session-${name}`,
  expiresAt: 4_102_444_800,
  ...fields,
});

class FakePrincipals implements PrincipalSource {
  readonly provisioned: string[] = [];
  readonly revoked = new Set<string>();
  /** Token → what verifying it gives. */
  readonly tokens = new Map<string, TokenIdentity | Error>();
  /** Stored role per user id (the first user of an organisation is its admin: here, whoever is listed). */
  readonly roles = new Map<string, AppRole>();

  async verify(token: string): Promise<TokenIdentity> {
    const found = this.tokens.get(token);
    if (found === undefined) throw new TokenError('invalid signature');
    if (found instanceof Error) throw found;
    return found;
  }

  async isRevoked(identity: TokenIdentity): Promise<boolean> {
    return identity.sessionId !== undefined && this.revoked.has(`${identity.orgId}/${identity.sessionId}`);
  }

  async provision(identity: TokenIdentity): Promise<ProvisionedUser> {
    this.provisioned.push(identity.userId);
    return { tenantId: TENANT, userId: `id-${identity.userId}`, storedRole: this.roles.get(identity.userId) ?? 'member', tenantCreated: false };
  }
}

async function appWith(t: TestContext, principals: FakePrincipals) {
  const app = Fastify();
  await app.register(errorsPlugin);
  await app.register(authPlugin, { principals });
  app.get('/me', { onRequest: app.authenticate }, async (request) => request.principal);
  app.post('/admin-only', { onRequest: [app.authenticate, app.requireAdmin] }, async () => ({ done: true }));
  app.get('/open', async (request) => ({ principal: request.principal }));
  t.after(() => app.close());
  return app;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function fixture() {
  const principals = new FakePrincipals();
  principals.tokens.set('admin.token.sig', identity('ada'));
  principals.roles.set('user-ada', 'admin');
  principals.tokens.set('member.token.sig', identity('max'));
  principals.tokens.set('claimed.member.sig', identity('ada', { claimedRole: 'member', sessionId: 'session-2' }));
  principals.tokens.set('claimed.admin.sig', identity('max', { claimedRole: 'admin', sessionId: 'session-3' }));
  return principals;
}

describe('auth plugin', () => {
  it('answers 401 problem+json with a Bearer challenge when the token is missing', async (t) => {
    const app = await appWith(t, fixture());
    const response = await app.inject('/me');
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(response.headers['www-authenticate'], 'Bearer error="invalid_token"');
    assert.equal(response.json().detail, 'missing bearer token');
  });

  it('answers 401 for an authorization header that is not a bearer JWT, without asking the source', async (t) => {
    const principals = fixture();
    const verify = principals.verify.bind(principals);
    let asked = 0;
    principals.verify = async (token) => {
      asked += 1;
      return verify(token);
    };
    const app = await appWith(t, principals);
    for (const header of ['Basic YWRhOnNlY3JldA==', 'Bearer', 'Bearer not-a-jwt', 'bearer admin.token.sig', 'Bearer admin.token.sig extra']) {
      const response = await app.inject({ url: '/me', headers: { authorization: header } });
      assert.equal(response.statusCode, 401, header);
      assert.equal(response.json().detail, 'malformed authorization header', header);
    }
    assert.equal(asked, 0);
  });

  it('answers 401 with the verifier’s reason for a token it refuses, and 503 when it cannot tell', async (t) => {
    const principals = fixture();
    principals.tokens.set('expired.token.sig', new TokenError('token expired'));
    principals.tokens.set('nokeys.token.sig', new SigningKeysUnavailableError('signing keys unavailable'));
    const app = await appWith(t, principals);
    const unknown = await app.inject({ url: '/me', headers: bearer('forged.token.sig') });
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.json().detail, 'invalid signature');
    const expired = await app.inject({ url: '/me', headers: bearer('expired.token.sig') });
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().detail, 'token expired');
    const noKeys = await app.inject({ url: '/me', headers: bearer('nokeys.token.sig') });
    assert.equal(noKeys.statusCode, 503);
    assert.ok(noKeys.headers['retry-after'], 'a 503 says when to retry');
    assert.deepEqual(principals.provisioned, [], 'nobody is provisioned on a refused token');
  });

  it('answers 401 for a revoked session, before provisioning (an erased user is not brought back)', async (t) => {
    const principals = fixture();
    principals.revoked.add('acme/session-max');
    const app = await appWith(t, principals);
    const response = await app.inject({ url: '/me', headers: bearer('member.token.sig') });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().detail, 'session revoked');
    assert.deepEqual(principals.provisioned, []);
    // The same user's other sessions are not affected.
    assert.equal((await app.inject({ url: '/me', headers: bearer('claimed.admin.sig') })).statusCode, 200);
  });

  it('makes the principal from the identity and the provisioned user', async (t) => {
    const app = await appWith(t, fixture());
    const response = await app.inject({ url: '/me', headers: bearer('admin.token.sig') });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      tenantId: TENANT,
      orgId: 'acme',
      userId: 'id-user-ada',
      role: 'admin',
      sessionId: 'session-ada',
      email: 'ada@acme.example',
      expiresAt: 4_102_444_800,
    });
    assert.equal((await app.inject('/open')).json().principal, null, 'a route without the hook sees no principal');
  });

  it('lets admins through requireAdmin and refuses members with 403; a role the token claims wins over the stored one', async (t) => {
    const app = await appWith(t, fixture());
    const as = (token: string) => app.inject({ method: 'POST', url: '/admin-only', headers: bearer(token) });
    assert.equal((await as('admin.token.sig')).statusCode, 200);
    const member = await as('member.token.sig');
    assert.equal(member.statusCode, 403);
    assert.equal(member.json().detail, 'this action needs the admin role');
    assert.equal((await as('claimed.member.sig')).statusCode, 403, 'stored admin, token says member');
    assert.equal((await as('claimed.admin.sig')).statusCode, 200, 'stored member, token says admin');
    assert.equal((await app.inject({ method: 'POST', url: '/admin-only' })).statusCode, 401, 'no token: 401 before 403');
  });

  it('provisions a user once while it is remembered, and again after forgetTenant', async (t) => {
    const principals = fixture();
    const app = await appWith(t, principals);
    for (let i = 0; i < 3; i += 1) assert.equal((await app.inject({ url: '/me', headers: bearer('member.token.sig') })).statusCode, 200);
    assert.deepEqual(principals.provisioned, ['user-max']);
    app.forgetTenant('22222222-2222-4222-8222-222222222222');
    await app.inject({ url: '/me', headers: bearer('member.token.sig') });
    assert.deepEqual(principals.provisioned, ['user-max'], 'another tenant forgotten: still remembered');
    app.forgetTenant(TENANT);
    await app.inject({ url: '/me', headers: bearer('member.token.sig') });
    assert.deepEqual(principals.provisioned, ['user-max', 'user-max']);
  });
});
