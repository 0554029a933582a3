import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EntitlementsResponse } from '../../schemas/entitlements.js';
import { readEntitlements } from '../../services/entitlements/read-entitlements.js';
import { entitledContextOf, type RouteDeps } from '../route-deps.js';

/** Never gated (payees may ask it too): the web app asks it to decide between the dashboard and the upgrade page. */
const entitlementsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/entitlements',
    {
      // Payees too: the tier says nothing about anyone's pay.
      config: { payeeAccess: true },
      schema: {
        tags: ['entitlements'],
        summary: "The calling tenant's subscription and what it unlocks",
        security: [{ bearerAuth: [] }],
        response: { 200: EntitlementsResponse },
      },
    },
    async (request) => readEntitlements(entitledContextOf(app, deps, request), { upgradeUrl: deps.config.upgradeUrl }),
  );
};

export default entitlementsRoutes;
