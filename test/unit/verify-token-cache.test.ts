/**
 * The verifier remembers tokens that verified (src/auth/verify-token.ts), and that memory must
 * never make a token live longer or let a bad one in: a remembered token still expires at its
 * `exp`, and a failure is never remembered as a success.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTokenVerifier, TokenError } from '../../src/auth/verify-token.js';
import { signUserToken } from '../../src/auth/dev-token.js';
import { loadConfig } from '../../src/config.js';

const SECRET = new TextEncoder().encode('a-secret-for-the-verifier-cache-test!!');
const config = loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: 'a-secret-for-the-verifier-cache-test!!', AUTH_CLOCK_TOLERANCE_SECONDS: '0' });

test('a remembered token still expires at its exp', async () => {
  const verify = createTokenVerifier(config.auth, { hsSecret: SECRET });
  const token = await signUserToken(SECRET, { orgId: 'org-cache', ttlSeconds: 2 });
  const first = await verify(token);
  assert.equal((await verify(token)).userId, first.userId, 'verified again, from memory');
  await sleep(2_200);
  await assert.rejects(verify(token), (error: unknown) => error instanceof TokenError && error.reason === 'token expired');
});

test('a token that failed is not remembered, and a tampered copy of a remembered one fails', async () => {
  const verify = createTokenVerifier(config.auth, { hsSecret: SECRET });
  const token = await signUserToken(SECRET, { orgId: 'org-cache' });
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, tenant_id: 'someone-else' })).toString('base64url')}.${signature}`;
  await verify(token);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await assert.rejects(verify(tampered), (error: unknown) => error instanceof TokenError && error.reason === 'invalid signature');
  }
  assert.equal((await verify(token)).orgId, 'org-cache');
});
