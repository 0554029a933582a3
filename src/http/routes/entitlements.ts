import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { accessOn, featuresOn } from '../../domain/entitlements.js';
import { EntitlementsResponse } from '../../schemas/entitlements.js';
import type { RouteDeps } from '../route-deps.js';

/** Never gated: the web app asks it to decide between the dashboard and the upgrade page. */
const entitlementsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { config, clock }) => {
  app.get(
    '/entitlements',
    {
      schema: {
        tags: ['entitlements'],
        summary: "The calling tenant's subscription and what it unlocks",
        security: [{ bearerAuth: [] }],
        response: { 200: EntitlementsResponse },
      },
    },
    async (request) => {
      const record = await app.loadEntitlements(request);
      const today = clock();
      const access = accessOn(record, today);
      return {
        commission_intelligence: access.commissionIntelligence,
        subscription_tier: access.tier,
        promo_until: access.promoUntil,
        promo_days_left: access.promoDaysLeft,
        features: featuresOn(record, today),
        source: record.source,
        upgrade_url: config.upgradeUrl,
      };
    },
  );
};

export default entitlementsRoutes;
