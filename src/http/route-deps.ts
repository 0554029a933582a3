import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { AuditedContext } from '../services/audit/audit-queue.js';
import { serviceContext, type ServiceContext, type ServiceDeps } from '../services/context.js';
import type { EntitledContext } from '../services/entitlements/tenant-entitlements.js';
import { writeAuditOf } from './plugins/audit.js';
import { unauthorized } from './problem.js';

/** What route plugins receive from buildApp: the real dependencies, never globals. */
export interface RouteDeps extends ServiceDeps {
  config: Config;
}

/** The use-case context of an authenticated request. */
export function contextOf(deps: ServiceDeps, request: FastifyRequest): ServiceContext {
  // Only routes behind the authenticate hook call this; a missing principal is a wiring bug that must not pass as anyone.
  if (!request.principal) throw unauthorized('missing bearer token');
  return serviceContext(deps, request.principal, writeAuditOf(request));
}

/** The context with the tenant's entitlements of this request, for use cases whose answer depends on them. */
export function entitledContextOf(app: FastifyInstance, deps: ServiceDeps, request: FastifyRequest): ServiceContext & EntitledContext {
  return {
    ...contextOf(deps, request),
    entitlements: { load: () => app.loadEntitlements(request), require: (feature) => app.requireFeature(feature)(request) },
  };
}

/** The context with this instance's queue of audit entries, for use cases that read or redact the trail. */
export function auditedContextOf(app: FastifyInstance, deps: ServiceDeps, request: FastifyRequest): ServiceContext & AuditedContext {
  const audit = {
    flush: () => app.auditWriter.flush(),
    omitCallerIp: () => {
      request.auditWithoutIp = true;
    },
  };
  return { ...contextOf(deps, request), audit };
}
