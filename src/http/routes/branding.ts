import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readBranding } from '../../services/branding/read-branding.js';
import { setBranding } from '../../services/branding/set-branding.js';
import { contextOf, entitledContextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';
import { BrandingResponse } from '../../schemas/branding.js';

const Colour = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: '#rrggbb' });
const LogoUrl = Type.String({ maxLength: 2048, pattern: '^https://', description: 'An https URL of the logo image.' });

const BrandingBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    logo_url: Type.Optional(Type.Union([LogoUrl, Type.Null()])),
    primary_color: Type.Optional(Type.Union([Colour, Type.Null()])),
    accent_color: Type.Optional(Type.Union([Colour, Type.Null()])),
  },
  { additionalProperties: false, examples: [{ name: 'Acme Homes', logo_url: 'https://cdn.acme.example/logo.svg', primary_color: '#0a3d62', accent_color: '#f6b93b' }] },
);

/**
 * White-label branding (enterprise). GET is reachable on every tier, so the web app can always ask
 * how to look; outside enterprise it answers the product's own look (`white_label: false`).
 */
const brandingRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/branding',
    {
      // A payee's web app wears the tenant's look too (their printable statement already does); it names no person.
      config: { payeeAccess: true },
      schema: {
        tags: ['entitlements'],
        summary: "The tenant's white-label branding for the web app",
        security: [{ bearerAuth: [] }],
        response: { 200: BrandingResponse },
      },
    },
    async (request) => readBranding(entitledContextOf(app, deps, request)),
  );

  app.put(
    '/branding',
    {
      onRequest: [app.requireFeature('branding'), app.requireAdmin],
      schema: {
        tags: ['entitlements'],
        summary: 'Set the white-label branding (enterprise, admin)',
        description: 'Replaces the branding whole: fields left out are cleared. Colours are #rrggbb; the logo URL must be https.',
        security: [{ bearerAuth: [] }],
        body: BrandingBody,
        response: { 200: BrandingResponse, 402: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request) => setBranding(contextOf(deps, request), request.body),
  );
};

export default brandingRoutes;
