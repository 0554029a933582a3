import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readSettings } from '../../services/settings/read-settings.js';
import { updateSettings } from '../../services/settings/update-settings.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
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

const settingsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/settings',
    {
      onRequest: app.requireFeature('analytics'),
      schema: { tags: ['settings'], summary: "The tenant's thresholds", security: [{ bearerAuth: [] }], response: { 200: Settings, 402: Problem } },
    },
    async (request) => readSettings(contextOf(deps, request)),
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
    async (request) => updateSettings(contextOf(deps, request), request.body),
  );
};

export default settingsRoutes;
