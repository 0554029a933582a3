import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import helmet, { type HelmetOptions } from 'helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { decideFeature } from '../../domain/entitlements.js';
import { STATEMENT_CSS } from '../../domain/payouts/statement-css.js';
import { closeRedisClient, createRedisClient } from '../../redis/client.js';
import { HttpProblem } from '../problem.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook, after `authenticate`: the per-tenant request budget (429 when spent). */
    tenantRateLimit: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface SecurityPluginOptions {
  config: Config;
  clock: () => Date;
}

const WINDOW_MS = 60_000;
/** Probes and scrapes: never throttled (an orchestrator that cannot probe restarts healthy instances). */
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);

/** sha256 of the empty string, base64: the hash of an empty <style> element. */
const EMPTY_STYLESHEET_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
/** The printable statement's one <style> element (domain/payouts/statement-css.ts), by hash. */
export const STATEMENT_STYLESHEET_HASH = `sha256-${createHash('sha256').update(STATEMENT_CSS, 'utf8').digest('base64')}`;

/**
 * The Content-Security-Policy the web app runs under (test/browser/csp.test.ts loads every view
 * and fails on any violation). Scripts only from this origin. Style sheets from this origin; the
 * `style` attributes that Chart.js (canvas sizing), the app's layout code and Plotly's SVG set are
 * allowed (`style-src-attr 'unsafe-inline'`: an attribute cannot hold selectors, so it cannot read
 * the page the way an injected <style> can), while inline <style> elements stay refused but for
 * Plotly's empty one and the printable statement's (by hash). Images
 * from this origin, data: URLs (Chart.js/Plotly exports) and any https: host, for white-label
 * logos. The API and the event stream are same-origin.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // Plotly appends an empty <style> element and fills it through the CSSOM (insertRule), which CSP
  // does not govern: allowing exactly the empty stylesheet's hash lets it in and nothing else.
  styleSrcElem: ["'self'", `'${EMPTY_STYLESHEET_HASH}'`, `'${STATEMENT_STYLESHEET_HASH}'`],
  styleSrcAttr: ["'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'https:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  upgradeInsecureRequests: null,
};

/**
 * The headers helmet sets for `options`, by running its middleware once against a response that
 * only records them. With fixed options (no nonces) they never differ between requests.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously');
  return headers;
}

function problem429(ttlSeconds: number, detail: string): HttpProblem {
  const retryAfter = String(Math.max(1, ttlSeconds));
  return new HttpProblem(429, 'rate-limited', detail, { retry_after_seconds: Number(retryAfter) }, { 'retry-after': retryAfter });
}

/**
 * Security headers (helmet), CORS for the origins in CORS_ORIGINS only, and rate limits: a budget
 * per client IP on every request (before authentication, so token guessing is throttled too) and a
 * budget per tenant on authenticated API requests (`tenantRateLimit`, larger with the
 * `higher_rate_limits` feature). Counters live in Redis when REDIS_URL is set, so every instance
 * shares them; a Redis that fails lets requests through (counted per instance is better than
 * refusing everyone) rather than answering 500.
 */
async function securityPlugin(app: FastifyInstance, options: SecurityPluginOptions) {
  const { config } = options;
  const limits = config.rateLimit;

  // helmet's headers are the same for every response: computed once, then handed to Fastify with
  // the reply's own headers, which it writes in one go. (@fastify/helmet built helmet's middleware
  // anew on every request, parsing the CSP each time; running even a prebuilt one sets a dozen
  // headers one by one: a measurable share of a cached read.)
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // The API is called cross-origin only through CORS; nothing here embeds other origins' resources.
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: config.env === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });

  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'x-cip-view'],
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed', 'content-disposition'],
      // Bearer tokens, not cookies: credentials are never needed.
      credentials: false,
      maxAge: 600,
    });
  }

  let redis: Redis | undefined;
  if (config.redisUrl && (limits.perTenantPerMinute > 0 || limits.perIpPerMinute > 0)) {
    redis = createRedisClient(config.redisUrl, { name: 'rate-limit' });
    // Failures surface per request (skipOnError lets the request through); log once per state change.
    let down = false;
    redis.on('error', (error: Error) => {
      if (!down) app.log.warn({ err: error }, 'rate-limit Redis unavailable: limits are not enforced until it returns');
      down = true;
    });
    redis.on('ready', () => {
      if (down) app.log.info('rate-limit Redis back');
      down = false;
    });
    app.addHook('onClose', async () => closeRedisClient(redis!));
  }

  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: 'cip:rl:' } : {}),
  });

  if (limits.perIpPerMinute > 0) {
    const byIp = app.createRateLimit({ max: limits.perIpPerMinute, timeWindow: WINDOW_MS, keyGenerator: (request) => `ip:${request.ip}` });
    app.addHook('onRequest', async (request) => {
      if (UNLIMITED.has(request.routeOptions.url ?? '')) return;
      const result = await byIp(request);
      if (!result.isAllowed && result.isExceeded) throw problem429(result.ttlInSeconds, 'Too many requests from this address; slow down.');
    });
  }

  const byTenant =
    limits.perTenantPerMinute > 0
      ? app.createRateLimit({
          timeWindow: WINDOW_MS,
          keyGenerator: (request) => `tenant:${request.principal?.tenantId ?? request.ip}`,
          max: async (request) => {
            if (!request.principal) return limits.perTenantPerMinute;
            const record = await app.loadEntitlements(request);
            const higher = decideFeature(record, 'higher_rate_limits', options.clock()).allowed;
            return higher ? limits.perTenantPerMinute * limits.higherMultiplier : limits.perTenantPerMinute;
          },
        })
      : undefined;

  app.decorate('tenantRateLimit', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!byTenant) return;
    const result = await byTenant(request);
    if (result.isAllowed || result.max === undefined) return;
    reply.header('x-ratelimit-limit', result.max);
    reply.header('x-ratelimit-remaining', result.remaining);
    reply.header('x-ratelimit-reset', result.ttlInSeconds);
    if (result.isExceeded) {
      throw problem429(result.ttlInSeconds, `This organisation has used its ${result.max} requests a minute; try again in ${Math.max(1, result.ttlInSeconds)} s.`);
    }
  });
}

export default fp(securityPlugin, { name: 'security', dependencies: ['errors', 'auth', 'entitlements'] });
