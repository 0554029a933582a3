import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SettingsChange, SettingsResponse } from '../../schemas/settings.js';
import { readSettings } from '../../services/settings/read-settings.js';
import { updateSettings } from '../../services/settings/update-settings.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

const settingsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/settings',
    {
      onRequest: app.requireFeature('analytics'),
      schema: {
        tags: ['settings'],
        summary: "The tenant's thresholds and accounting settings",
        security: [{ bearerAuth: [] }],
        response: { 200: SettingsResponse, 402: Problem },
      },
    },
    async (request) => readSettings(contextOf(deps, request)),
  );

  app.put(
    '/settings',
    {
      onRequest: [app.requireFeature('analytics'), app.requireAdmin],
      schema: {
        tags: ['settings'],
        summary: "Change the tenant's thresholds or accounting settings (admin); what is left out stays as it was",
        security: [{ bearerAuth: [] }],
        body: SettingsChange,
        response: { 200: SettingsResponse, 402: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request) => updateSettings(contextOf(deps, request), request.body),
  );
};

export default settingsRoutes;
