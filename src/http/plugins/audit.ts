import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { AuditEntry } from '../../db/audit.js';
import type { WriteAudit } from '../../services/audit/audit-queue.js';
import { AuditWriter } from '../../services/audit/audit-writer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where audit entries go (batched, written after the response). */
    auditWriter: AuditWriter;
  }
  interface FastifyRequest {
    /** Set when the request erased its own caller's personal data: its audit row keeps no IP. */
    auditWithoutIp: boolean;
    /** Set once the request's write committed its audit row (WriteAudit): none is queued after the answer. */
    auditCommitted: boolean;
    /** performance.now() when the request arrived. */
    auditStartedAt: number;
  }
}

/** The request's audit entry with `status`, timed from its start until now (or `elapsedMs`). */
function auditEntryOf(request: FastifyRequest, status: number, elapsedMs: number): AuditEntry | undefined {
  const principal = request.principal;
  if (!principal) return undefined;
  return {
    tenantId: principal.tenantId,
    occurredAt: new Date(Date.now() - elapsedMs),
    userId: principal.userId,
    action: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
    resource: (request.params && typeof request.params === 'object' ? request.params : {}) as Record<string, unknown>,
    requestId: request.id,
    ip: request.auditWithoutIp ? null : (request.ip ?? null),
    status,
    durationMs: Math.round(elapsedMs),
  };
}

/** The status a route answers when it succeeds: the lowest 2xx its response schema declares (200 when none). */
function successStatus(request: FastifyRequest): number {
  const response = (request.routeOptions.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {};
  const codes = Object.keys(response)
    .map(Number)
    .filter((code) => code >= 200 && code < 300);
  return codes.length > 0 ? Math.min(...codes) : 200;
}

/**
 * The audit row of the request's write, for the write's own transaction: the status is the one the
 * route answers on success (what a committed write gets), the duration runs until the write ends.
 */
export function writeAuditOf(request: FastifyRequest): WriteAudit {
  return {
    entry: () => (request.auditCommitted ? undefined : auditEntryOf(request, successStatus(request), performance.now() - request.auditStartedAt)),
    committed: () => {
      request.auditCommitted = true;
    },
  };
}

export interface AuditPluginOptions {
  pool: pg.Pool;
  flushIntervalMs?: number;
}

/**
 * One audit row per request that reached a tenant's data: every request whose caller was
 * authenticated (so it has a tenant), whatever its outcome — a 403, 402 or 404 is as telling as a
 * 200. A write that commits writes its row in its own transaction (`writeAuditOf`, used by
 * `writeInTenant`): it exists if and only if the write committed, also when the client went away
 * before the answer. Every other request's row is recorded in onResponse (the status is final,
 * the response never delayed by it) and written in batches: those can be lost by a kill -9.
 */
async function auditPlugin(app: FastifyInstance, options: AuditPluginOptions) {
  const writer = new AuditWriter({
    pool: options.pool,
    log: app.log,
    ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
  });
  app.decorate('auditWriter', writer);
  app.decorateRequest('auditWithoutIp', false);
  app.decorateRequest('auditCommitted', false);
  app.decorateRequest('auditStartedAt', 0);
  // Callback hooks: nothing here waits, so no promise per request.
  app.addHook('onRequest', (request, _reply, done) => {
    request.auditStartedAt = performance.now();
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    if (!request.auditCommitted) {
      const entry = auditEntryOf(request, reply.statusCode, reply.elapsedTime);
      if (entry) writer.record(entry);
    }
    done();
  });

  app.addHook('onClose', async () => writer.close());
}

export default fp(auditPlugin, { name: 'audit', dependencies: ['auth'] });
