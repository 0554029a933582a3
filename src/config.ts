import os from 'node:os';
import path from 'node:path';

/**
 * Every environment variable the service reads, parsed and validated once.
 * Nothing else in the code base reads `process.env`.
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /**
   * WEB_CONCURRENCY: HTTP worker processes sharing the port (node:cluster; src/main.ts). Default:
   * the machine's cores in production, 1 otherwise. 1 means no cluster: one process, as before.
   */
  webConcurrency: number;
  /** Owner (migration) connection to an external PostgreSQL; unset means embedded. */
  databaseUrl: string | undefined;
  /** How the service connects as the unprivileged application role; derived from the owner URL when unset. */
  appDatabaseUrl: string | undefined;
  /** Password given to the application role; derived from the owner URL when unset. */
  appDatabasePassword: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  auth: AuthConfig;
  marketplaceWebhookSecret: string | undefined;
  /** Optional pull source of entitlements (GET <url>?tenant_id=<org id>); unset: no pull. */
  marketplaceEntitlementsUrl: string | undefined;
  upgradeUrl: string;
  promoDays: number;
  /** Body limit of import routes (the only large bodies); every other route gets `smallBodyLimitBytes`. */
  bodyLimitBytes: number;
  /** Body limit of every route that is not an import (plans, settings, simulate, ...). */
  smallBodyLimitBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have (checked before parsing). */
  jsonMaxDepth: number;
  /** Imports one tenant may run at once on one instance (429 beyond), and all tenants together (503 beyond). */
  importsPerTenant: number;
  importsTotal: number;
  logLevel: string;
  /** Size of the application role's connection pool. */
  dbPoolSize: number;
  /** Server-side bound on any one statement, milliseconds. */
  dbStatementTimeoutMs: number;
  /** How long a request waits for a pooled connection before it is answered 503, milliseconds. */
  dbPoolAcquireTimeoutMs: number;
  /** Browser origins allowed to call the API cross-origin (CORS); empty: same-origin only. */
  corsOrigins: string[];
  /** Requests per minute; 0 turns a limit off. */
  rateLimit: { perTenantPerMinute: number; perIpPerMinute: number; higherMultiplier: number };
  /** Fastify `trustProxy`: false, true, or a comma-separated list of proxy addresses/CIDRs whose X-Forwarded-For is believed. */
  trustProxy: boolean | string;
  /** Server errors to Sentry (src/observability/error-reporting.ts); no DSN: off, nothing loaded. */
  errorReporting: ErrorReportingConfig;
  /** API usage to PostHog (src/observability/product-analytics.ts); no key: off, nothing loaded. */
  productAnalytics: ProductAnalyticsConfig;
}

export interface ErrorReportingConfig {
  dsn: string | undefined;
  environment: string;
}

export interface ProductAnalyticsConfig {
  key: string | undefined;
  /** Unset: the SDK's own default (PostHog Cloud). */
  host: string | undefined;
}

export interface AuthConfig {
  jwtSecret: string | undefined;
  jwksUrl: string | undefined;
  audience: string;
  issuer: string | undefined;
  tenantClaim: string;
  /** Seconds of clock skew accepted on exp/nbf/iat. */
  clockToleranceSec: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function text(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = text(env, key);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${key} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${key} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, key: string, protocols: string[]): string | undefined {
  const raw = text(env, key);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${key} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${key} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

function origins(env: Env, key: string): string[] {
  const raw = text(env, key);
  if (raw === undefined) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`${key}: "${origin}" is not an origin like https://app.example.com`);
    }
    if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(`${key}: "${origin}" is not an origin like https://app.example.com (scheme, host, optional port; no path)`);
    }
    return parsed.origin;
  });
}

/** A Sentry DSN: `https://<public key>@<host>/<numeric project id>`. */
function sentryDsn(env: Env, key: string): string | undefined {
  const raw = url(env, key, ['https:', 'http:']);
  if (raw === undefined) return undefined;
  const parsed = new URL(raw);
  if (!parsed.username || !/^\/(?:.*\/)?\d+$/.test(parsed.pathname)) {
    throw new ConfigError(`${key} must look like https://<public key>@<host>/<project id>`);
  }
  return raw;
}

function trustProxy(env: Env, key: string): boolean | string {
  const raw = text(env, key);
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = text(env, 'NODE_ENV') ?? 'development';
  if (nodeEnv !== 'development' && nodeEnv !== 'production' && nodeEnv !== 'test') {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const production = nodeEnv === 'production';

  const auth: AuthConfig = {
    jwtSecret: text(env, 'AUTH_JWT_SECRET'),
    jwksUrl: url(env, 'AUTH_JWKS_URL', ['https:', 'http:']),
    audience: text(env, 'AUTH_AUDIENCE') ?? 'authenticated',
    issuer: text(env, 'AUTH_ISSUER'),
    tenantClaim: text(env, 'AUTH_TENANT_CLAIM') ?? 'tenant_id',
    clockToleranceSec: integer(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300),
  };
  if (production && !auth.jwtSecret && !auth.jwksUrl) {
    throw new ConfigError('NODE_ENV=production requires AUTH_JWT_SECRET or AUTH_JWKS_URL');
  }
  if (auth.jwtSecret && Buffer.byteLength(auth.jwtSecret) < 32) {
    throw new ConfigError('AUTH_JWT_SECRET must be at least 32 bytes');
  }

  const webhookSecret = text(env, 'MARKETPLACE_WEBHOOK_SECRET');
  if (production && webhookSecret !== undefined && Buffer.byteLength(webhookSecret) < 32) {
    throw new ConfigError('MARKETPLACE_WEBHOOK_SECRET must be at least 32 bytes in production');
  }
  // The application role's password is otherwise derived from the owner URL: from a URL without a
  // password (peer or trust authentication) anyone could derive it. The embedded cluster (no
  // DATABASE_URL) listens on loopback only and is left out.
  const ownerUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (production && !text(env, 'APP_DATABASE_URL') && !text(env, 'APP_DATABASE_PASSWORD') && ownerUrl && new URL(ownerUrl).password === '') {
    throw new ConfigError('NODE_ENV=production requires APP_DATABASE_PASSWORD (or APP_DATABASE_URL) when DATABASE_URL has no password');
  }

  const port = integer(env, 'PORT', 8080, 0, 65535);
  const host = text(env, 'HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');

  return {
    env: nodeEnv,
    host,
    port,
    webConcurrency: integer(env, 'WEB_CONCURRENCY', production ? os.availableParallelism() : 1, 1, 64),
    databaseUrl: ownerUrl,
    appDatabaseUrl: url(env, 'APP_DATABASE_URL', ['postgres:', 'postgresql:']),
    appDatabasePassword: text(env, 'APP_DATABASE_PASSWORD'),
    dataDir: path.resolve(text(env, 'DATA_DIR') ?? './.data'),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    auth,
    marketplaceWebhookSecret: webhookSecret,
    marketplaceEntitlementsUrl: url(env, 'MARKETPLACE_ENTITLEMENTS_URL', ['https:', 'http:']),
    upgradeUrl: text(env, 'UPGRADE_URL') ?? '/upgrade',
    promoDays: integer(env, 'PROMO_DAYS', 90, 0, 3650),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 10 * 1024 * 1024, 1024, 512 * 1024 * 1024),
    smallBodyLimitBytes: integer(env, 'SMALL_BODY_LIMIT_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    jsonMaxDepth: integer(env, 'JSON_MAX_DEPTH', 32, 2, 1000),
    importsPerTenant: integer(env, 'IMPORTS_PER_TENANT', 2, 1, 100),
    importsTotal: integer(env, 'IMPORTS_TOTAL', 4, 1, 1000),
    logLevel: text(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 500),
    dbStatementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 600_000),
    dbPoolAcquireTimeoutMs: integer(env, 'DB_POOL_ACQUIRE_TIMEOUT_MS', 5_000, 100, 60_000),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    rateLimit: {
      perTenantPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
      perIpPerMinute: integer(env, 'RATE_LIMIT_IP_PER_MINUTE', 3000, 0, 10_000_000),
      higherMultiplier: integer(env, 'RATE_LIMIT_HIGHER_MULTIPLIER', 5, 1, 1000),
    },
    trustProxy: trustProxy(env, 'TRUST_PROXY'),
    errorReporting: { dsn: sentryDsn(env, 'SENTRY_DSN'), environment: text(env, 'SENTRY_ENVIRONMENT') ?? nodeEnv },
    productAnalytics: { key: text(env, 'POSTHOG_KEY'), host: url(env, 'POSTHOG_HOST', ['https:', 'http:']) },
  };
}

/** True when the server signs its own development tokens (no auth provider configured). */
export function usesDevelopmentKey(config: Config): boolean {
  return !config.auth.jwtSecret && !config.auth.jwksUrl && config.env !== 'production';
}
