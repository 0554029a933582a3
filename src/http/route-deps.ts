import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { serviceContext, type ServiceContext, type ServiceDeps } from '../services/context.js';
import { unauthorized } from './problem.js';

/** What route plugins receive from buildApp: the real dependencies, never globals. */
export interface RouteDeps extends ServiceDeps {
  config: Config;
}

/** The use-case context of an authenticated request. */
export function contextOf(deps: ServiceDeps, request: FastifyRequest): ServiceContext {
  // Only routes behind the authenticate hook call this; a missing principal is a wiring bug that must not pass as anyone.
  if (!request.principal) throw unauthorized('missing bearer token');
  return serviceContext(deps, request.principal);
}
