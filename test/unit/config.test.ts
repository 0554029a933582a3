import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, usesDevelopmentKey } from '../../src/config.js';

const SECRET = 'x'.repeat(32);

test('defaults follow the contract', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.auth.audience, 'authenticated');
  assert.equal(config.auth.tenantClaim, 'tenant_id');
  assert.equal(config.auth.issuer, undefined);
  assert.equal(config.databaseUrl, undefined);
  assert.ok(config.dataDir.endsWith('.data'));
  assert.equal(config.promoDays, 90);
  assert.equal(config.bodyLimitBytes, 10 * 1024 * 1024);
  assert.equal(config.dbPoolAcquireTimeoutMs, 5_000);
  assert.equal(usesDevelopmentKey(config), true);
});

test('production refuses to start without an auth provider and never uses the development key', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), ConfigError);
  const withSecret = loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET });
  assert.equal(withSecret.host, '0.0.0.0');
  assert.equal(usesDevelopmentKey(withSecret), false);
  const withJwks = loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://p.supabase.test/auth/v1/.well-known/jwks.json' });
  assert.equal(usesDevelopmentKey(withJwks), false);
});

test('bad values are reported by name', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  assert.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ AUTH_JWKS_URL: 'not a url' }), /AUTH_JWKS_URL/);
  assert.throws(() => loadConfig({ AUTH_JWT_SECRET: 'short' }), /AUTH_JWT_SECRET/);
  assert.throws(() => loadConfig({ NODE_ENV: 'staging' }), /NODE_ENV/);
  assert.throws(() => loadConfig({ DB_POOL_ACQUIRE_TIMEOUT_MS: '0' }), /DB_POOL_ACQUIRE_TIMEOUT_MS/);
  assert.equal(loadConfig({ DB_POOL_ACQUIRE_TIMEOUT_MS: '1500' }).dbPoolAcquireTimeoutMs, 1_500);
});

test('the application role password is the same for every database of one server', async () => {
  const { deriveAppPassword } = await import('../../src/db/bootstrap.js');
  const a = deriveAppPassword('postgres://owner:secret@db.internal:5432/one');
  assert.equal(a, deriveAppPassword('postgres://owner:secret@db.internal:5432/two?sslmode=require'));
  assert.notEqual(a, deriveAppPassword('postgres://owner:other@db.internal:5432/one'));
  assert.notEqual(a, deriveAppPassword('postgres://owner:secret@db2.internal:5432/one'));
});

test('Sentry and PostHog are off by default and validated when set', () => {
  const off = loadConfig({});
  assert.deepEqual(off.errorReporting, { dsn: undefined, environment: 'development' });
  assert.deepEqual(off.productAnalytics, { key: undefined, host: undefined });
  const on = loadConfig({ NODE_ENV: 'test', SENTRY_DSN: 'https://abc123@o1.ingest.sentry.test/42', POSTHOG_KEY: 'phc_x', POSTHOG_HOST: 'https://ph.example.test' });
  assert.deepEqual(on.errorReporting, { dsn: 'https://abc123@o1.ingest.sentry.test/42', environment: 'test' });
  assert.deepEqual(on.productAnalytics, { key: 'phc_x', host: 'https://ph.example.test' });
  assert.equal(loadConfig({ SENTRY_DSN: 'https://abc123@sentry.test/42', SENTRY_ENVIRONMENT: 'staging' }).errorReporting.environment, 'staging');
  assert.throws(() => loadConfig({ SENTRY_DSN: 'not a dsn' }), /SENTRY_DSN/);
  assert.throws(() => loadConfig({ SENTRY_DSN: 'https://sentry.test/42' }), /SENTRY_DSN/, 'no public key');
  assert.throws(() => loadConfig({ SENTRY_DSN: 'https://abc@sentry.test/project' }), /SENTRY_DSN/, 'no project id');
  assert.throws(() => loadConfig({ POSTHOG_HOST: 'ftp://ph.example.test' }), /POSTHOG_HOST/);
});

test('production refuses a short webhook secret and a derivable application-role password', () => {
  const base = { NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET };
  assert.throws(() => loadConfig({ ...base, MARKETPLACE_WEBHOOK_SECRET: 'x'.repeat(31) }), /MARKETPLACE_WEBHOOK_SECRET must be at least 32 bytes/);
  assert.equal(loadConfig({ ...base, MARKETPLACE_WEBHOOK_SECRET: 'x'.repeat(32) }).marketplaceWebhookSecret, 'x'.repeat(32));
  assert.equal(loadConfig({ NODE_ENV: 'development', MARKETPLACE_WEBHOOK_SECRET: 'short' }).marketplaceWebhookSecret, 'short');
  // A URL without a password: the derived password would be computable by anyone who knows the host.
  assert.throws(() => loadConfig({ ...base, DATABASE_URL: 'postgres://owner@db.internal:5432/cip' }), /APP_DATABASE_PASSWORD/);
  assert.ok(loadConfig({ ...base, DATABASE_URL: 'postgres://owner@db.internal:5432/cip', APP_DATABASE_PASSWORD: 'p'.repeat(32) }));
  assert.ok(loadConfig({ ...base, DATABASE_URL: 'postgres://owner:secret@db.internal:5432/cip' }));
  assert.ok(loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'postgres://owner@127.0.0.1:5432/cip' }));
});
