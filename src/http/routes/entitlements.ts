import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readEntitlements } from '../../db/entitlements.js';
import { withTenant } from '../../db/tenant.js';
import { accessOn } from '../../domain/entitlements.js';
import type { RouteDeps } from '../route-deps.js';

const EntitlementsResponse = Type.Object(
  {
    commission_intelligence: Type.Boolean({ description: 'Whether the tenant may use the product today.' }),
    subscription_tier: Type.Union([Type.Literal('none'), Type.Literal('promo'), Type.Literal('premium'), Type.Literal('enterprise')]),
    promo_until: Type.Union([Type.String({ format: 'date' }), Type.Null()], {
      description: 'Last day of the promotion (inclusive), or null.',
    }),
    promo_days_left: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'Days of promotion left counting today; null when not on a promotion.',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ commission_intelligence: true, subscription_tier: 'promo', promo_until: '2026-03-31', promo_days_left: 42 }],
  },
);

const entitlementsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { pool, clock }) => {
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
      const record = await withTenant(pool, request.principal!.tenantId, readEntitlements);
      const access = accessOn(record, clock());
      return {
        commission_intelligence: access.commissionIntelligence,
        subscription_tier: access.tier,
        promo_until: access.promoUntil,
        promo_days_left: access.promoDaysLeft,
      };
    },
  );
};

export default entitlementsRoutes;
