import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { SigningKeysUnavailableError, TokenError, type TokenIdentity } from '../../auth/verify-token.js';
import type { Principal } from '../../domain/principal.js';
import { forbidden, HttpProblem, serviceUnavailable, unauthorized } from '../problem.js';
import type { PrincipalSource, ProvisionedUser } from '../../services/sessions/principal-source.js';
import { ALL_TENANTS, type ChangeFeed } from '../../realtime/change-feed.js';

export type { Principal };

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * True on the few routes a `payee` may call (their statements, their figures, inquiries):
     * every other authenticated route answers a payee 403 (deny by default).
     */
    payeeAccess?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** onRequest hook for routes that need a signed-in user. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler for routes that change data. */
    requireAdmin: (request: FastifyRequest) => Promise<void>;
    /** Forgets this instance's provisioning of a tenant's users (after a user or the tenant is erased). */
    forgetTenant: (tenantId: string) => void;
  }
}

export interface AuthPluginOptions {
  /** Token → identity → provisioned user, with revocations (src/services/sessions/principal-source.ts). */
  principals: PrincipalSource;
  /** Where erasures made through other instances are heard of (`users` and `erased` events). */
  feed?: ChangeFeed | undefined;
}

/** Change events after which a tenant's provisioned users must be looked up again: a user's role changed or erased, the tenant erased. */
const USERS_CHANGED = new Set(['users', 'erased']);

export const changesUsers = (event: { type: string }): boolean => USERS_CHANGED.has(event.type);

/** 403: a payee token that names nobody of the roster (by `app_metadata.payee`, or by its e-mail). */
function payeeUnlinked(claim: string | undefined): HttpProblem {
  return new HttpProblem(
    403,
    'payee-unlinked',
    claim === undefined
      ? "This payee token's e-mail is not the e-mail of anyone on the roster: an admin sets it on the person (PATCH /api/v1/agents/{id} {email})."
      : "This payee token's app_metadata.payee names nobody on the roster.",
  );
}

const BEARER = /^Bearer ([A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*)$/;

async function authPlugin(app: FastifyInstance, options: AuthPluginOptions) {
  const { principals } = options;
  // Provisioning is a write; a user seen in the last minute skips it.
  const known = new LRUCache<string, ProvisionedUser>({ max: 20_000, ttl: 60_000 });

  app.decorateRequest('principal', null);

  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (!header) throw unauthorized('missing bearer token');
    const token = BEARER.exec(header)?.[1];
    if (!token) throw unauthorized('malformed authorization header');

    let identity: TokenIdentity;
    try {
      identity = await principals.verify(token);
    } catch (error) {
      if (error instanceof TokenError) throw unauthorized(error.reason);
      if (error instanceof SigningKeysUnavailableError) throw serviceUnavailable('cannot verify tokens right now');
      throw error;
    }

    // Before provisioning: a revoked session must not bring its (possibly erased) user back.
    if (identity.sessionId && (await principals.isRevoked(identity))) throw unauthorized('session revoked');

    // A payee's link depends on the token's claims, so they are part of the key.
    const isPayee = identity.claimedRole === 'payee';
    const cacheKey = `${identity.orgId}\u0000${identity.userId}${isPayee ? `\u0000payee\u0000${identity.payeeClaim ?? ''}\u0000${identity.email ?? ''}` : ''}`;
    let user = known.get(cacheKey);
    if (!user) {
      user = await principals.provision(identity);
      // A link that found nobody is not remembered: an admin may fix the roster in the next minute.
      if (isPayee && !user.payee) throw payeeUnlinked(identity.payeeClaim);
      known.set(cacheKey, user);
      if (user.tenantCreated) request.log.info({ tenant_id: user.tenantId, org_id: identity.orgId }, 'tenant provisioned');
    }

    request.principal = {
      tenantId: user.tenantId,
      orgId: identity.orgId,
      userId: user.userId,
      role: identity.claimedRole ?? user.storedRole,
      ...(isPayee ? { payee: user.payee ?? undefined } : {}),
      sessionId: identity.sessionId,
      email: identity.email,
      expiresAt: identity.expiresAt,
      entitlementClaims: identity.entitlements,
    };
    // Every later log line of this request, including Fastify's "request completed", names the
    // tenant. request.log is already this request's own child logger: pino adds the bindings to it
    // in place, cheaper than a child of the child.
    const bindings = { tenant_id: user.tenantId, user_id: user.userId };
    const log = request.log as FastifyBaseLogger & { setBindings?: (bindings: Record<string, string>) => void };
    if (log.setBindings) {
      log.setBindings(bindings);
    } else {
      request.log = reply.log = request.log.child(bindings);
    }
    if (isPayee && request.routeOptions.config.payeeAccess !== true) {
      throw new HttpProblem(403, 'payee-forbidden', 'A payee may read only their own statements, their own figures and their inquiries.');
    }
  });

  const forgetTenant = (tenantId: string) => {
    for (const [key, user] of known.entries()) if (user.tenantId === tenantId) known.delete(key);
  };
  app.decorate('forgetTenant', forgetTenant);
  // An erased user (or tenant) must not live on in another instance's memory: the next request
  // would be audited under the erased id. After a resync anything may have been missed.
  const unsubscribe = options.feed?.subscribe((tenantId, event) => {
    if (tenantId === ALL_TENANTS) known.clear();
    else if (changesUsers(event)) forgetTenant(tenantId);
  });
  if (unsubscribe) app.addHook('onClose', async () => unsubscribe());

  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    if (request.principal?.role !== 'admin') throw forbidden('this action needs the admin role');
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['errors'] });
