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
import { closeRedisClient, createRedisClient, firstConnection } from '../../redis/client.js';
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
/** How long start-up waits for the rate-limit Redis before it serves without it. */
const FIRST_CONNECTION_MS = 1_000;
/** Probes and scrapes: never throttled (an orchestrator that cannot probe restarts healthy instances). */
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);

/** sha256 of the empty string, base64: the hash of an empty <style> element. */
const EMPTY_STYLESHEET_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
/** The printable statement's one <style> element (domain/payouts/statement-css.ts), by hash. */
const STATEMENT_STYLESHEET_HASH = `sha256-${createHash('sha256').update(STATEMENT_CSS, 'utf8').digest('base64')}`;

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
const CONTENT_SECURITY_POLICY = {
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

/** Every response that is not HTML: it loads nothing and may be framed by nobody. */
const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The headers helmet sets for `options`, by running its middleware once against a response that
 * only records them. With fixed options (no nonces) they never differ between requests.
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
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

/**
 * The API documentation's policy: the web app's, but Swagger UI's script adds <style> elements of
 * its own, so inline style elements are allowed there (no tenant data on those pages); scripts stay
 * this origin's alone.
 */
export const DOCUMENTATION_CONTENT_SECURITY_POLICY = helmetHeaders({
  contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY, styleSrcElem: ["'self'", "'unsafe-inline'"] } },
})['content-security-policy']!;

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

  // Headers by what they protect. A browser acts on CSP, framing, COOP, referrer and the rest for
  // documents it renders, so the full set (helmet's, computed once: with fixed options it never
  // differs between requests) goes on HTML only: the web app, the printable statement, /docs. Every
  // other response (JSON, problem+json, CSV, the event stream, scripts and styles) gets the few that
  // apply to any content: nosniff (never run a JSON answer as a script or style), a CSP that lets a
  // JSON page opened in a tab load nothing and be framed by nobody, `no-store` unless the route says
  // how it may be cached (answers behind a bearer token must not sit in a browser cache), and HSTS
  // in production. The full set was 0.9 KB on every 1.9 KB summary (issue 21).
  const htmlHeaders = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // The API is called cross-origin only through CORS; nothing here embeds other origins' resources.
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: config.env === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  const hsts = htmlHeaders['strict-transport-security'];
  const anyResponseHeaders: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'content-security-policy': API_CONTENT_SECURITY_POLICY,
    'cache-control': 'no-store',
    ...(hsts ? { 'strict-transport-security': hsts } : {}),
  };
  // Callback hooks, not async ones: no promise per request for work that never waits.
  // /docs (Swagger UI) gets the HTML set up front: its plugin rewrites the CSP the reply already
  // holds (plugins/openapi.ts, transformStaticCSP), which onSend must then leave as it is.
  const htmlWithDefaults = { ...htmlHeaders, 'cache-control': 'no-store' };
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/docs') ? htmlWithDefaults : anyResponseHeaders);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      // A page that set a policy of its own (the API documentation, src/http/plugins/openapi.ts) keeps it.
      const own = reply.getHeader('content-security-policy');
      reply.headers(htmlHeaders);
      if (typeof own === 'string' && own !== API_CONTENT_SECURITY_POLICY) reply.header('content-security-policy', own);
    }
    done(null, payload);
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
    // Counted from the first request: without this an instance's first requests, sent while its
    // connection is still opening, would pass uncounted.
    if (!(await firstConnection(redis, FIRST_CONNECTION_MS))) {
      app.log.warn(`rate-limit Redis not reachable within ${FIRST_CONNECTION_MS} ms: starting with limits not enforced until it is`);
    }
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
