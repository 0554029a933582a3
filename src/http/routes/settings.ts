import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readSettings, writeSettings } from '../../db/settings.js';
import { withTenant } from '../../db/tenant.js';
import type { RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

const Settings = Type.Object(
  {
    termination_threshold: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Termination rate (fraction, kept to 4 decimals) above which imports warn and analytics flags an agent. Default 0.15.',
    }),
  },
  { additionalProperties: false, examples: [{ termination_threshold: 0.15 }] },
);

const settingsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { pool, tenantChanged }) => {
  app.get(
    '/settings',
    {
      onRequest: app.requireFeature('analytics'),
      schema: { tags: ['settings'], summary: "The tenant's thresholds", security: [{ bearerAuth: [] }], response: { 200: Settings, 402: Problem } },
    },
    async (request) => withTenant(pool, request.principal!.tenantId, readSettings),
  );

  app.put(
    '/settings',
    {
      onRequest: [app.requireFeature('analytics'), app.requireAdmin],
      schema: {
        tags: ['settings'],
        summary: "Change the tenant's thresholds (admin)",
        security: [{ bearerAuth: [] }],
        body: Settings,
        response: { 200: Settings, 402: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request) => {
      const tenantId = request.principal!.tenantId;
      const settings = await withTenant(pool, tenantId, async (tx) => {
        await writeSettings(tx, request.body);
        return readSettings(tx);
      });
      await tenantChanged(tenantId, { type: 'settings' });
      return settings;
    },
  );
};

export default settingsRoutes;
