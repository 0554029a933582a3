import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createTokenVerifier, type VerifierKeys } from '../../src/auth/verify-token.js';
import { signUserToken, type TokenClaims } from '../../src/auth/dev-token.js';
import { latestMigration } from '../../src/db/bootstrap.js';
import { createPool } from '../../src/db/pool.js';
import { bindTenantProofKey } from '../../src/db/tenant.js';
import type { TenantCache } from '../../src/cache/cache.js';
import type { ChangeFeed } from '../../src/realtime/change-feed.js';
import type { ErrorReporter } from '../../src/observability/error-reporting.js';
import type { ProductAnalytics } from '../../src/observability/product-analytics.js';

/** The HS256 secret every test app accepts. */
export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!!';
const SECRET_BYTES = new TextEncoder().encode(TEST_SECRET);

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`npm test\`, which provides the database`);
  return value;
}

/** Owner (migration) connection to this run's database. */
export const ownerUrl = () => required('CIP_TEST_OWNER_URL');
/** The application role's connection to this run's database. */
export const appUrl = () => required('CIP_TEST_APP_URL');
/** The tenant proof key of this run's database (migration 0012), which test pools prove tenants with. */
export const tenantProofKey = () => Buffer.from(required('CIP_TEST_TENANT_PROOF_KEY'), 'base64');
/** The server, for tests that create databases of their own. */
export const serverUrl = () => required('CIP_TEST_SERVER_URL');

/** An organisation id no other test uses, so tests share one database without seeing each other. */
export const uniqueOrg = (label = 'org') => `${label}-${randomUUID()}`;

export function testConfig(env: Record<string, string> = {}): Config {
  // Rate limits off unless a test turns them on: one test process sends thousands of requests from 127.0.0.1.
  return loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_SECRET, RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_IP_PER_MINUTE: '0', ...env });
}

export function tokenFor(claims: TokenClaims): Promise<string> {
  return signUserToken(SECRET_BYTES, claims);
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

/** A pool of the application role, closed when the test ends. */
export function appPool(t: TestContext, max = 10): pg.Pool {
  const pool = createPool({ url: appUrl(), max, statementTimeoutMs: 10_000, onIdleError: () => {} });
  bindTenantProofKey(pool, tenantProofKey());
  t.after(() => pool.end());
  return pool;
}

/** A client of the owner role, closed when the test ends. */
export async function ownerClient(t: TestContext): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: ownerUrl() });
  await client.connect();
  t.after(() => client.end());
  return client;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  keys?: VerifierKeys;
  clock?: () => Date;
  pool?: pg.Pool;
  cache?: TenantCache;
  feed?: ChangeFeed;
  errorReporter?: ErrorReporter;
  analytics?: ProductAnalytics;
}

/** The real application on this run's database, closed when the test ends. */
export async function testApp(t: TestContext, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const config = testConfig(options.env);
  const pool = options.pool ?? appPool(t);
  const app = await buildApp({
    config,
    pool,
    verifyToken: createTokenVerifier(config.auth, options.keys ?? { hsSecret: SECRET_BYTES }),
    latestMigration: await latestMigration(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.feed ? { feed: options.feed } : {}),
    ...(options.errorReporter ? { errorReporter: options.errorReporter } : {}),
    ...(options.analytics ? { analytics: options.analytics } : {}),
  });
  t.after(() => app.close());
  return app;
}
