import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { decideFeature, type Feature, type StoredEntitlements, type Tier } from '../../domain/entitlements.js';
import type { EntitlementStore } from '../../services/entitlements/entitlement-store.js';
import { marketplacePull, type PullEntitlements } from '../../services/entitlements/marketplace-pull.js';
import { resolveEntitlements } from '../../services/entitlements/resolve-entitlements.js';
import { HttpProblem, unauthorized } from '../problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant's entitlements, once loaded for this request (by a gate or a handler). */
    entitlements: StoredEntitlements | null;
  }
  interface FastifyInstance {
    /**
     * onRequest hook refusing the request with 402 unless the caller's tenant has `feature` today.
     * Runs after `authenticate` and before the body is read.
     */
    requireFeature: (feature: Feature) => (request: FastifyRequest) => Promise<void>;
    /** The caller's tenant's entitlements for this request (read once, brought up to date with claims and pull). */
    loadEntitlements: (request: FastifyRequest) => Promise<StoredEntitlements>;
    /** Where entitlements are read and every change to them is written (the seam for a shared cache). */
    entitlementStore: EntitlementStore;
  }
}

export interface EntitlementsPluginOptions {
  config: Config;
  clock: () => Date;
  /** Where entitlements are read and written (app.ts: the database, behind the tenant cache when there is one). */
  store: EntitlementStore;
  /** Defaults to MARKETPLACE_ENTITLEMENTS_URL when set. */
  pull?: PullEntitlements;
}

/** 402 problem+json: what the paywall needs to send the user to the right upgrade. */
function paymentRequired(feature: Feature, reason: string, requiredTier: Tier, record: StoredEntitlements, upgradeUrl: string) {
  return new HttpProblem(402, 'payment-required', reason, {
    upgrade_url: upgradeUrl,
    feature,
    tier: record.tier,
    required_tier: requiredTier,
    promo_until: record.promoUntil,
  });
}

async function entitlementsPlugin(app: FastifyInstance, options: EntitlementsPluginOptions) {
  const { store } = options;
  const pullUrl = options.config.marketplaceEntitlementsUrl;
  const pull =
    options.pull ??
    (pullUrl
      ? marketplacePull({
          url: pullUrl,
          clock: options.clock,
          onError: (error, orgId) => app.log.warn({ err: error, org_id: orgId }, 'entitlement pull failed; using the last-known answer'),
        })
      : undefined);

  app.decorate('entitlementStore', store);
  app.decorateRequest('entitlements', null);

  const load = async (request: FastifyRequest): Promise<StoredEntitlements> => {
    if (request.entitlements) return request.entitlements;
    const principal = request.principal;
    if (!principal) throw unauthorized('missing bearer token');
    request.entitlements = await resolveEntitlements(
      { store, pull, log: request.log },
      { tenantId: principal.tenantId, orgId: principal.orgId, claims: principal.entitlementClaims },
    );
    return request.entitlements;
  };
  app.decorate('loadEntitlements', load);

  // Named: the OpenAPI document lists 402 for every route behind a hook of this name (plugins/openapi.ts).
  app.decorate('requireFeature', (feature: Feature) => async function requireFeature(request: FastifyRequest) {
    // Named for the usage counter of /metrics (plugins/metrics.ts), whatever the decision.
    if (!request.featureUsed) request.featureUsed = feature;
    const record = await load(request);
    const decision = decideFeature(record, feature, options.clock());
    if (!decision.allowed) throw paymentRequired(feature, decision.reason, decision.requiredTier, record, options.config.upgradeUrl);
  });
}

export default fp(entitlementsPlugin, { name: 'entitlements', dependencies: ['errors', 'auth'] });
