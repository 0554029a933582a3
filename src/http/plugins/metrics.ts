import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TenantCache } from '../../cache/cache.js';
import type { Feature } from '../../domain/entitlements.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The entitlement feature the route serves (set by the gate), for the usage counter. */
    featureUsed: Feature | null;
  }
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}

export interface MetricsPluginOptions {
  pool: pg.Pool;
  poolMax: number;
  cache?: TenantCache | undefined;
}

/**
 * GET /metrics in the Prometheus text format. One registry per app (tests build many apps in one
 * process). Labels are route patterns, status codes and feature names, never tenant ids, user ids
 * or raw URLs: bounded cardinality, and nothing about any tenant leaves through this door.
 */
async function metricsPlugin(app: FastifyInstance, options: MetricsPluginOptions) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'commission-intelligence' });
  collectDefaultMetrics({ register: registry, prefix: 'cip_' });
  app.decorate('metricsRegistry', registry);
  app.decorateRequest('featureUsed', null);

  const duration = new Histogram({
    name: 'cip_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const features = new Counter({
    name: 'cip_feature_requests_total',
    help: 'Requests per entitlement feature (no tenant label), by outcome: served, refused (402) or failed.',
    labelNames: ['feature', 'outcome'] as const,
    registers: [registry],
  });

  const { pool } = options;
  new Gauge({
    name: 'cip_db_pool_connections',
    help: 'Application pool connections by state; waiting counts requests queued for one.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'active' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
      this.set({ state: 'max' }, options.poolMax);
    },
  });

  const cache = options.cache;
  if (cache) {
    new Counter({
      name: 'cip_cache_operations_total',
      help: `Analytics cache (${cache.kind}) operations since start.`,
      labelNames: ['operation'] as const,
      registers: [registry],
      collect() {
        const stats = cache.stats();
        this.reset();
        for (const [operation, count] of Object.entries(stats)) this.inc({ operation }, count);
      },
    });
    new Gauge({
      name: 'cip_cache_hit_ratio',
      help: 'Analytics cache hits over lookups since start (0 before any lookup).',
      registers: [registry],
      collect() {
        const { hits, misses } = cache.stats();
        this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
      },
    });
  }

  new Gauge({
    name: 'cip_audit_entries',
    help: 'Audit entries since start: written, failed (logged, retried), dropped (logged), pending.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (!app.hasDecorator('auditWriter')) return;
      const writer = app.auditWriter;
      for (const [state, count] of Object.entries(writer.counts)) this.set({ state }, count);
      this.set({ state: 'pending' }, writer.pending);
    },
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (request.featureUsed) {
      const outcome = reply.statusCode === 402 ? 'refused' : reply.statusCode >= 400 ? 'failed' : 'served';
      features.inc({ feature: request.featureUsed, outcome });
    }
    done();
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}

export default fp(metricsPlugin, { name: 'metrics' });
