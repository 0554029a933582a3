import { randomUUID } from 'node:crypto';
import { constants as zlibConstants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import type { Config } from './config.js';
import type { VerifyToken } from './auth/verify-token.js';
import errorsPlugin, { frameworkErrors } from './http/plugins/errors.js';
import authPlugin, { changesUsers } from './http/plugins/auth.js';
import entitlementsPlugin from './http/plugins/entitlements.js';
import openapiPlugin from './http/plugins/openapi.js';
import securityPlugin from './http/plugins/security.js';
import requestLimitsPlugin from './http/plugins/request-limits.js';
import auditPlugin from './http/plugins/audit.js';
import metricsPlugin from './http/plugins/metrics.js';
import observabilityPlugin from './http/plugins/observability.js';
import type { ErrorReporter } from './observability/error-reporting.js';
import { redactUrl } from './observability/redact-url.js';
import type { ProductAnalytics } from './observability/product-analytics.js';
import auditRoutes from './http/routes/audit.js';
import tenantRoutes from './http/routes/tenant.js';
import sessionRoutes from './http/routes/sessions.js';
import userRoutes from './http/routes/users.js';
import { createRevocations } from './services/sessions/revocations.js';
import { databasePrincipalSource } from './services/sessions/principal-source.js';
import { mayStillRead } from './services/sessions/stream-access.js';
import healthRoutes from './http/routes/health.js';
import entitlementsRoutes from './http/routes/entitlements.js';
import webRoutes from './http/routes/web.js';
import commissionRoutes from './http/routes/commissions.js';
import importMappingRoutes from './http/routes/import-mappings.js';
import closingRoutes from './http/routes/closings.js';
import agentRoutes from './http/routes/agents.js';
import brandingRoutes from './http/routes/branding.js';
import marketplaceRoutes from './http/routes/marketplace.js';
import analyticsRoutes from './http/routes/analytics.js';
import settingsRoutes from './http/routes/settings.js';
import planRoutes from './http/routes/plans.js';
import payoutRoutes from './http/routes/payouts.js';
import meRoutes from './http/routes/me.js';
import inquiryRoutes from './http/routes/inquiries.js';
import { createPlanWorkers, type PlanWorkers } from './services/plans/plan-workers.js';
import { createImportWorkers } from './http/import-workers/import-workers.js';
import type { ImportWorkers } from './services/imports/import-workers.js';
import type { TenantCache } from './cache/cache.js';
import type { ChangeFeed } from './realtime/change-feed.js';
import { SESSIONS_CHANGED, TENANT_ERASED } from './realtime/change-message.js';
import { forecastMemo } from './services/analytics/forecast-memo.js';
import eventsRoutes from './http/routes/events.js';
import reportRoutes from './http/routes/reports.js';
import { inlineReports, type ReportRequester } from './services/reports/request-report.js';
import type { RouteDeps } from './http/route-deps.js';
import { validatorCompiler } from './http/schemas/validate.js';
import { cachedEntitlementStore, databaseEntitlementStore } from './services/entitlements/entitlement-store.js';

export interface AppDeps {
  config: Config;
  /** The application role's pool (row-level security applies to everything it does). */
  pool: pg.Pool;
  verifyToken: VerifyToken;
  /** Newest migration this build ships, for /readyz. */
  latestMigration: string;
  clock?: () => Date;
  /** Cache of computed analytics, per tenant; none means every read computes. */
  cache?: TenantCache;
  /** Tenant change notifications across instances (cache invalidation, live dashboards). */
  feed?: ChangeFeed;
  /** The job queue that makes monthly reports (src/jobs); without one, reports are made in the request. */
  reports?: ReportRequester;
  /** Worker threads for plan calculations; made (and closed with the app) when not given. */
  planWorkers?: PlanWorkers;
  /** Worker threads that read, check and roll up import bodies; made (and closed with the app) when not given. */
  importWorkers?: ImportWorkers;
  /** A ready logger (main.ts shares its own); otherwise one is made from the config. */
  logger?: FastifyBaseLogger;
  /** Sentry (SENTRY_DSN): server errors; none means nothing is reported. */
  errorReporter?: ErrorReporter;
  /** PostHog (POSTHOG_KEY): API usage per tenant; none means nothing is sent. */
  analytics?: ProductAnalytics;
}

/** What a request log line says of the request: Fastify's default fields, the URL redacted. */
function logRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    version: request.headers?.['accept-version'] as string | undefined,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Paths polled by machines or fetched with every page load: their request lines are at debug. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const QUIET_PREFIXES = ['/assets/', '/topojson/', '/favicon.'];

/** By the path, not the route: a static file that is not there is answered by the 404 handler. */
function isQuiet(request: FastifyRequest): boolean {
  const query = request.url.indexOf('?');
  const path = query < 0 ? request.url : request.url.slice(0, query);
  return QUIET_PATHS.has(path) || QUIET_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * One line per request, when it is answered (Fastify's default is two: "incoming request" and
 * "request completed"): the request as the `req` serializer shows it (URL redacted), the route,
 * the status and the time taken, with the request id (and tenant id, once known) of the request's
 * child logger. Health probes, /metrics and static files at debug; errors as Fastify logs them.
 */
class OneLinePerRequest extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'request_id' });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, route: request.routeOptions.url, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (isQuiet(request)) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}

/** Logger settings: one JSON line per event, never a token or a cookie. */
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-signature"]'], censor: '[redacted]' },
    // Fastify's own request serializer, with credential-like query values (`?access_token=`) cut out
    // of the URL. Fastify merges these over its defaults, for a logger it makes and one it is given.
    serializers: { req: logRequest },
  };
}

/**
 * Builds the whole HTTP application from its dependencies. No I/O of its own: tests build it with
 * a real pool and call it through `inject()`; main.ts builds it and listens.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(config) }),
    // Not `requestIdHeader`: Fastify would take the header as is; genReqId validates it first.
    requestIdHeader: false,
    logController: new OneLinePerRequest(),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: 60_000,
    connectionTimeout: 70_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    frameworkErrors,
    trustProxy: config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);

  // At the start (a callback hook, no promise): every answer carries it, also one a hook refuses.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  const routeDeps: RouteDeps = {
    config,
    pool: deps.pool,
    clock,
    // After a committed write: drop the tenant's cached results (everywhere, with Redis) and tell
    // every instance and open dashboard; after a change to its users, forget them here too (the
    // others do when the feed tells them). None of it throws for an infrastructure failure.
    tenantChanged: async (tenantId, event = { type: 'change' }) => {
      if (changesUsers(event)) app.forgetTenant(tenantId);
      // An erased tenant's cached results are deleted, not just made unreachable (every instance's
      // in-process cache does the same when the feed brings the `erased` change).
      // A revoked session changes no data: nothing to invalidate, only open streams to look at.
      if (event.type === TENANT_ERASED) {
        forecastMemo.forgetTenant(tenantId);
        await deps.cache?.deleteTenant(tenantId);
      } else if (event.type !== SESSIONS_CHANGED) await deps.cache?.invalidateTenant(tenantId);
      await deps.feed?.publish(tenantId, event);
    },
  };

  // Another instance's erasure drops this process's forecasts of the tenant too.
  const unsubscribeErasures = deps.feed?.subscribe((tenantId, event) => {
    if (event.type === TENANT_ERASED) forecastMemo.forgetTenant(tenantId);
  });
  if (unsubscribeErasures) app.addHook('onClose', async () => unsubscribeErasures());

  const planWorkers = deps.planWorkers ?? createPlanWorkers();
  if (!deps.planWorkers) app.addHook('onClose', async () => planWorkers.close());
  const importWorkers = deps.importWorkers ?? createImportWorkers({ imports: { total: config.importsTotal, perTenant: config.importsPerTenant } });
  if (!deps.importWorkers) app.addHook('onClose', async () => importWorkers.close());

  await app.register(errorsPlugin);
  // br or gzip by Accept-Encoding, with `Vary: accept-encoding`; text/event-stream is left alone by
  // the plugin's default types (an SSE stream must flush event by event). Brotli at quality 4:
  // nearly gzip's speed on per-request bodies, still smaller.
  await app.register(fastifyCompress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(requestLimitsPlugin, { config });
  await app.register(metricsPlugin, { pool: deps.pool, poolMax: config.dbPoolSize, cache: deps.cache });
  await app.register(openapiPlugin);
  // Revoked sessions: in Redis when configured, in PostgreSQL otherwise (every instance sees them).
  const revocations = createRevocations(config.redisUrl, { pool: deps.pool, log: app.log, feed: deps.feed });
  app.addHook('onClose', async () => revocations.close());
  const principals = databasePrincipalSource({ pool: deps.pool, clock, verifyToken: deps.verifyToken, promoDays: config.promoDays, revocations });
  await app.register(authPlugin, { principals, feed: deps.feed });
  const entitlementStore = databaseEntitlementStore(deps.pool);
  await app.register(entitlementsPlugin, {
    config,
    clock,
    store: deps.cache
      ? cachedEntitlementStore(entitlementStore, deps.cache, (tenantId) => routeDeps.tenantChanged(tenantId, { type: 'entitlements' }))
      : entitlementStore,
  });
  await app.register(securityPlugin, { config, clock });
  await app.register(auditPlugin, { pool: deps.pool });
  await app.register(observabilityPlugin, { errorReporter: deps.errorReporter, analytics: deps.analytics });

  await app.register(healthRoutes, { ...routeDeps, latestMigration: deps.latestMigration });
  await app.register(
    async (api) => {
      api.addHook('onRequest', api.authenticate);
      api.addHook('onRequest', api.tenantRateLimit);
      await api.register(entitlementsRoutes, routeDeps);
      await api.register(auditRoutes, routeDeps);
      await api.register(tenantRoutes, routeDeps);
      await api.register(sessionRoutes, { ...routeDeps, revocations });
      await api.register(userRoutes, { ...routeDeps, revocations });
      await api.register(commissionRoutes, { ...routeDeps, importWorkers });
      await api.register(importMappingRoutes, routeDeps);
      await api.register(closingRoutes, { ...routeDeps, importWorkers });
      await api.register(agentRoutes, routeDeps);
      await api.register(brandingRoutes, routeDeps);
      await api.register(analyticsRoutes, { ...routeDeps, cache: deps.cache, planWorkers });
      await api.register(settingsRoutes, routeDeps);
      await api.register(planRoutes, { ...routeDeps, planWorkers });
      await api.register(payoutRoutes, { ...routeDeps, planWorkers });
      await api.register(meRoutes, routeDeps);
      await api.register(inquiryRoutes, routeDeps);
      if (deps.feed) {
        await api.register(eventsRoutes, { feed: deps.feed, stillAuthorised: (tenantId, viewer) => mayStillRead({ pool: deps.pool, revocations }, tenantId, viewer) });
      }
      await api.register(reportRoutes, { ...routeDeps, reports: deps.reports ?? inlineReports({ pool: deps.pool, feed: deps.feed }) });
    },
    { prefix: '/api/v1' },
  );
  // Signed by the marketplace, not by a user: outside the bearer-token context.
  await app.register(marketplaceRoutes, { ...routeDeps, revocations, prefix: '/api/v1' });
  await app.register(webRoutes, routeDeps);

  return app;
}
