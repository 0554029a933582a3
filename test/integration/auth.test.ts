import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { FastifyInstance } from 'fastify';
import { TEST_SECRET, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';

const SECRET = new TextEncoder().encode(TEST_SECRET);

/** Signs an arbitrary payload with the test secret, for claims signUserToken would never produce. */
function signRaw(payload: Record<string, unknown>, key: Uint8Array | CryptoKey = SECRET, header: Record<string, unknown> = { alg: 'HS256' }) {
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
}

const now = () => Math.floor(Date.now() / 1000);
const userClaims = (org: string) => ({
  sub: 'f1b7c3a0-0000-4000-8000-000000000001',
  role: 'authenticated',
  aud: 'authenticated',
  tenant_id: org,
  exp: now() + 600,
});

async function status(app: FastifyInstance, headers: Record<string, string>) {
  const response = await app.inject({ method: 'GET', url: '/api/v1/entitlements', headers });
  return { status: response.statusCode, body: response.json() as { detail?: string; type?: string }, headers: response.headers };
}

async function expectRejected(app: FastifyInstance, token: string, detail?: RegExp) {
  const result = await status(app, bearer(token));
  assert.equal(result.status, 401, JSON.stringify(result.body));
  assert.equal(result.body.type, '/problems/unauthorized');
  assert.match(String(result.headers['content-type']), /^application\/problem\+json/);
  assert.match(String(result.headers['www-authenticate']), /^Bearer/);
  if (detail) assert.match(result.body.detail ?? '', detail);
}

test('a valid HS256 user token is accepted', async (t) => {
  const app = await testApp(t);
  const result = await status(app, bearer(await tokenFor({ orgId: uniqueOrg() })));
  assert.equal(result.status, 200);
});

test('the org id may come from app_metadata.tenant_id', async (t) => {
  const app = await testApp(t);
  const token = await tokenFor({ orgId: uniqueOrg(), tenantClaimIn: 'app_metadata' });
  assert.equal((await status(app, bearer(token))).status, 200);
});

test('AUTH_TENANT_CLAIM names another claim', async (t) => {
  const app = await testApp(t, { env: { AUTH_TENANT_CLAIM: 'org_id' } });
  const good = await signRaw({ ...userClaims('x'), tenant_id: undefined, org_id: uniqueOrg() });
  assert.equal((await status(app, bearer(good))).status, 200);
  await expectRejected(app, await signRaw(userClaims(uniqueOrg())), /organisation/);
});

test('user_metadata is never trusted for the org id', async (t) => {
  const app = await testApp(t);
  await expectRejected(app, await signRaw({ ...userClaims('x'), tenant_id: undefined, user_metadata: { tenant_id: uniqueOrg() } }), /organisation/);
});

test('requests without a usable token get 401 problem+json', async (t) => {
  const app = await testApp(t);
  const org = uniqueOrg();
  const none = await status(app, {});
  assert.equal(none.status, 401);
  assert.match(none.body.detail ?? '', /missing/);
  assert.equal((await status(app, { authorization: 'Basic dXNlcjpwYXNz' })).status, 401);
  await expectRejected(app, 'garbage', /malformed/);
  await expectRejected(app, 'a.b.c', /malformed/);
  await expectRejected(app, await signRaw({ ...userClaims(org), exp: undefined }), /exp/);
  await expectRejected(app, await signRaw({ ...userClaims(org), exp: now() - 3600 }), /expired/);
  await expectRejected(app, await signRaw({ ...userClaims(org), aud: 'someone-else' }), /aud/);
  await expectRejected(app, await signRaw({ ...userClaims(org), sub: undefined }), /sub/);
  await expectRejected(app, await signRaw({ ...userClaims(org), tenant_id: undefined }), /organisation/);
  await expectRejected(app, await signRaw(userClaims(org), new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')), /signature/);
  // Supabase's anon and service_role keys are signed with the same secret: they are not users.
  await expectRejected(app, await signRaw({ ...userClaims(org), role: 'anon' }), /not a user/);
  await expectRejected(app, await signRaw({ ...userClaims(org), role: 'service_role' }), /not a user/);
  // alg "none" and other algorithms outside the allow-list.
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(userClaims(org))).toString('base64url')}.`;
  await expectRejected(app, unsigned);
  await expectRejected(app, await signRaw(userClaims(org), new TextEncoder().encode(TEST_SECRET + TEST_SECRET), { alg: 'HS512' }), /algorithm/);
});

test('a token within the clock tolerance is accepted, beyond it rejected', async (t) => {
  const app = await testApp(t);
  const org = uniqueOrg();
  assert.equal((await status(app, bearer(await signRaw({ ...userClaims(org), exp: now() - 10 })))).status, 200);
  await expectRejected(app, await signRaw({ ...userClaims(org), exp: now() - 120 }), /expired/);
});

test('AUTH_ISSUER, when configured, must match', async (t) => {
  const app = await testApp(t, { env: { AUTH_ISSUER: 'https://project.supabase.test/auth/v1' } });
  const org = uniqueOrg();
  await expectRejected(app, await signRaw(userClaims(org)), /iss/);
  await expectRejected(app, await signRaw({ ...userClaims(org), iss: 'https://evil.test/auth/v1' }), /iss/);
  assert.equal((await status(app, bearer(await signRaw({ ...userClaims(org), iss: 'https://project.supabase.test/auth/v1' })))).status, 200);
});

/** A real JWKS over HTTP on loopback, whose key set the test can change. */
async function jwksServer(t: TestContext) {
  let keys: JWK[] = [];
  let fetches = 0;
  const server: Server = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/v1/.well-known/jwks.json`,
    setKeys: (next: JWK[]) => (keys = next),
    fetches: () => fetches,
  };
}

async function signingKey(alg: 'ES256' | 'RS256', kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, publicKey, jwk, sign: (payload: Record<string, unknown>) => signRaw(payload, privateKey, { alg, kid, typ: 'JWT' }) };
}

test('ES256 and RS256 tokens verify against a JWKS, and a rotated key works without restart', async (t) => {
  const jwks = await jwksServer(t);
  const es = await signingKey('ES256', 'key-1');
  const rs = await signingKey('RS256', 'key-2');
  jwks.setKeys([es.jwk, rs.jwk]);
  const app = await testApp(t, { env: { AUTH_JWKS_URL: jwks.url }, keys: { jwksUrl: jwks.url, jwksCooldownMs: 0 } });
  const org = uniqueOrg();

  assert.equal((await status(app, bearer(await es.sign(userClaims(org))))).status, 200);
  assert.equal((await status(app, bearer(await rs.sign(userClaims(org))))).status, 200);

  // Rotation: the provider publishes key-3 and starts signing with it.
  const rotated = await signingKey('ES256', 'key-3');
  await expectRejected(app, await rotated.sign(userClaims(org)), /unknown signing key/);
  jwks.setKeys([rotated.jwk]);
  const before = jwks.fetches();
  assert.equal((await status(app, bearer(await rotated.sign(userClaims(org))))).status, 200);
  assert.ok(jwks.fetches() > before, 'an unknown kid refetches the JWKS');

  // An unknown kid that is in no key set.
  const stranger = await signingKey('ES256', 'key-404');
  await expectRejected(app, await stranger.sign(userClaims(org)), /unknown signing key/);
  // Signed by a key whose kid is published, but not by that key.
  const impostor = await signingKey('ES256', 'key-3');
  await expectRejected(app, await impostor.sign(userClaims(org)), /signature/);
});

test('HS256 signed with the JWKS public key is refused (algorithm confusion)', async (t) => {
  const jwks = await jwksServer(t);
  const rs = await signingKey('RS256', 'key-1');
  jwks.setKeys([rs.jwk]);
  const publicPem = new TextEncoder().encode(JSON.stringify(rs.jwk));
  const org = uniqueOrg();
  const forged = await signRaw(userClaims(org), publicPem, { alg: 'HS256', kid: 'key-1' });

  const jwksOnly = await testApp(t, { env: { AUTH_JWKS_URL: jwks.url }, keys: { jwksUrl: jwks.url } });
  await expectRejected(jwksOnly, forged, /algorithm/);

  const both = await testApp(t, { env: { AUTH_JWKS_URL: jwks.url }, keys: { jwksUrl: jwks.url, hsSecret: SECRET } });
  await expectRejected(both, forged, /signature/);
});

test('a JWKS endpoint that cannot be reached is a 503, not a 401', async (t) => {
  const jwks = await jwksServer(t);
  const url = jwks.url.replace(/:\d+\//, ':1/');
  const app = await testApp(t, { env: { AUTH_JWKS_URL: url }, keys: { jwksUrl: url } });
  const es = await signingKey('ES256', 'key-1');
  const result = await status(app, bearer(await es.sign(userClaims(uniqueOrg()))));
  assert.equal(result.status, 503);
  assert.equal(result.body.type, '/problems/unavailable');
});
