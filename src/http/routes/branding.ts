import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readBranding, writeBranding, type Branding } from '../../db/branding.js';
import { withTenant } from '../../db/tenant.js';
import { decideFeature } from '../../domain/entitlements.js';
import { unprocessable } from '../problem.js';
import type { RouteDeps } from '../route-deps.js';
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

function response(branding: Branding | undefined, whiteLabel: boolean) {
  if (!whiteLabel || !branding) return { white_label: whiteLabel, name: null, logo_url: null, primary_color: null, accent_color: null };
  return {
    white_label: true,
    name: branding.name,
    logo_url: branding.logoUrl,
    primary_color: branding.primaryColor,
    accent_color: branding.accentColor,
  };
}

/** https only, and a URL the browser will read as one (the pattern alone accepts `https://` followed by anything). */
function httpsUrl(text: string | null | undefined): string | null {
  if (text === undefined || text === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw unprocessable('The logo URL is not a URL.', [{ pointer: '/logo_url', message: 'is not a valid URL' }]);
  }
  if (parsed.protocol !== 'https:' || !parsed.hostname || parsed.username || parsed.password) {
    throw unprocessable('The logo URL must be https.', [{ pointer: '/logo_url', message: 'must be an https URL without credentials' }]);
  }
  return parsed.href;
}

/**
 * White-label branding (enterprise). GET is reachable on every tier, so the web app can always ask
 * how to look; outside enterprise it answers the product's own look (`white_label: false`).
 */
const brandingRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { pool, clock }) => {
  app.get(
    '/branding',
    {
      schema: {
        tags: ['entitlements'],
        summary: "The tenant's white-label branding for the web app",
        security: [{ bearerAuth: [] }],
        response: { 200: BrandingResponse },
      },
    },
    async (request) => {
      const entitlements = await app.loadEntitlements(request);
      const whiteLabel = decideFeature(entitlements, 'branding', clock()).allowed;
      const branding = whiteLabel ? await withTenant(pool, request.principal!.tenantId, readBranding) : undefined;
      return response(branding, whiteLabel);
    },
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
    async (request) => {
      const body = request.body;
      const branding: Branding = {
        name: body.name.trim(),
        logoUrl: httpsUrl(body.logo_url),
        primaryColor: body.primary_color?.toLowerCase() ?? null,
        accentColor: body.accent_color?.toLowerCase() ?? null,
      };
      await withTenant(pool, request.principal!.tenantId, (tx) => writeBranding(tx, branding, request.principal!.userId));
      return response(branding, true);
    },
  );
};

export default brandingRoutes;
