import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { AuditWriter } from '../../services/audit/audit-writer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where audit entries go (batched, written after the response). */
    auditWriter: AuditWriter;
  }
  interface FastifyRequest {
    /** Set when the request erased its own caller's personal data: its audit row keeps no IP. */
    auditWithoutIp: boolean;
  }
}

export interface AuditPluginOptions {
  pool: pg.Pool;
  flushIntervalMs?: number;
}

/**
 * One audit row per request that reached a tenant's data: every request whose caller was
 * authenticated (so it has a tenant), whatever its outcome — a 403, 402 or 404 is as telling as a
 * 200. Recorded in onResponse, so the status is final and the response is never delayed by it.
 */
async function auditPlugin(app: FastifyInstance, options: AuditPluginOptions) {
  const writer = new AuditWriter({
    pool: options.pool,
    log: app.log,
    ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
  });
  app.decorate('auditWriter', writer);
  app.decorateRequest('auditWithoutIp', false);

  app.addHook('onResponse', async (request, reply) => {
    const principal = request.principal;
    if (!principal) return;
    writer.record({
      tenantId: principal.tenantId,
      occurredAt: new Date(Date.now() - reply.elapsedTime),
      userId: principal.userId,
      action: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
      resource: (request.params && typeof request.params === 'object' ? request.params : {}) as Record<string, unknown>,
      requestId: request.id,
      ip: request.auditWithoutIp ? null : (request.ip ?? null),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
    });
  });

  app.addHook('onClose', async () => writer.close());
}

export default fp(auditPlugin, { name: 'audit', dependencies: ['auth'] });
