import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SignatureError, verifyMarketplaceSignature, SIGNATURE_TOLERANCE_SECONDS } from '../../auth/marketplace-signature.js';
import { pushEntitlements } from '../../services/entitlements/push-entitlements.js';
import type { SessionRevocations } from '../../services/sessions/revocations.js';
import { revokeMarketplaceSession } from '../../services/sessions/revoke-session.js';
import { eraseMarketplaceUser } from '../../services/users/erase-marketplace-user.js';
import { refuseUnsafeText } from '../json/unsafe-text.js';
import { HttpProblem, notFound } from '../problem.js';
import type { RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

const TierSchema = Type.Union([Type.Literal('none'), Type.Literal('promo'), Type.Literal('premium'), Type.Literal('enterprise')]);

const PushBody = Type.Object(
  {
    event_id: Type.String({ minLength: 1, maxLength: 200, description: 'Processed once per organisation; a repeat changes nothing.' }),
    tenant_id: Type.String({ minLength: 1, maxLength: 255, description: 'The marketplace organisation id.' }),
    subscription_tier: TierSchema,
    promo_until: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'Last day of the promotion, inclusive.' }),
    flags: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
        maxProperties: 100,
        description: 'A feature name with true/false grants or withholds that feature on top of the tier.',
      }),
    ),
    occurred_at: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the change happened; orders out-of-order events. Default: the signature time.' }),
    ),
  },
  {
    // The marketplace may add fields; they are ignored. The body limit bounds the document.
    additionalProperties: true,
    examples: [{ event_id: 'evt_01J9', tenant_id: 'acme', subscription_tier: 'premium', promo_until: null, flags: {} }],
  },
);

const PushResponse = Type.Object({
  event_id: Type.String(),
  status: Type.Union([Type.Literal('applied'), Type.Literal('unchanged'), Type.Literal('stale'), Type.Literal('duplicate')], {
    description:
      '`applied`: the tenant’s entitlements changed; `unchanged`: they already said so; `stale`: a newer event was applied before; ' +
      '`duplicate`: this event id was processed before.',
  }),
});

const PUSH_BODY_LIMIT = 64 * 1024;

/** The one marketplace route signed as the contract says, over `"<t>.<raw body>"` without its path. */
const ENTITLEMENTS_PATH = '/api/v1/marketplace/entitlements';

const EventId = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'The marketplace’s id of this request: processed once per organisation; a repeat answers `duplicate` and changes nothing.',
});

const SIGNED_WITH_PATH =
  'Signed like the entitlement push, with the path bound: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<path>.<raw body>">`, ' +
  '`<path>` being this route’s path as requested without the query (`%PATH%`), so a body signed for another route is refused (401).';

/**
 * The marketplace's entitlement push. Outside the bearer-token context: it is authenticated by its
 * HMAC signature over the raw body, which is why this context keeps the body as bytes, verifies it,
 * and only then parses the JSON (in preValidation, so the schema still validates it).
 */
const marketplaceRoutes: FastifyPluginAsyncTypebox<RouteDeps & { revocations: SessionRevocations }> = async (app, deps) => {
  const { config, clock } = deps;
  const secret = config.marketplaceWebhookSecret;
  const signedAt = new WeakMap<FastifyRequest, Date>();

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: PUSH_BODY_LIMIT }, (_request, body, done) => done(null, body));

  // Disabled is "no such endpoint": a deployment without the secret is not connected to the marketplace.
  const requireSecret = async () => {
    if (!secret) throw notFound('webhook disabled: MARKETPLACE_WEBHOOK_SECRET is not set');
  };
  const verifySigned = async (request: FastifyRequest) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) throw new HttpProblem(400, 'malformed-body', 'The body is empty.');
    // Every route but the entitlement push (the contract's form) signs its own path with the body.
    const path = request.routeOptions.url;
    const boundPath = path === ENTITLEMENTS_PATH ? undefined : path;
    try {
      signedAt.set(request, verifyMarketplaceSignature(request.headers['x-signature'] as string | undefined, raw, secret!, clock(), boundPath));
    } catch (error) {
      if (error instanceof SignatureError) throw new HttpProblem(401, 'unauthorized', error.reason);
      throw error;
    }
    const text = raw.toString('utf8');
    try {
      request.body = JSON.parse(text);
    } catch {
      throw new HttpProblem(400, 'malformed-body', 'The body is not valid JSON.');
    }
    refuseUnsafeText(text, request.body);
  };

  app.post(
    '/marketplace/sessions/revoke',
    {
      bodyLimit: PUSH_BODY_LIMIT,
      onRequest: requireSecret,
      preValidation: verifySigned,
      schema: {
        tags: ['entitlements'],
        summary: 'Marketplace revocation of a user session (signed)',
        description:
          `${SIGNED_WITH_PATH.replace('%PATH%', '/api/v1/marketplace/sessions/revoke')} Every token carrying \`session_id\` for the organisation \`tenant_id\` gets 401 ` +
          'on every instance from now until `expires_at` (unix seconds; default one week), and its open event streams end. ' +
          'Once per `event_id`. 404 while MARKETPLACE_WEBHOOK_SECRET is unset.',
        security: [],
        consumes: ['application/json'],
        headers: Type.Object({ 'x-signature': Type.String({ maxLength: 1024 }) }),
        body: Type.Object(
          {
            event_id: EventId,
            tenant_id: Type.String({ minLength: 1, maxLength: 255, description: 'The marketplace organisation id.' }),
            session_id: Type.String({ minLength: 1, maxLength: 255 }),
            expires_at: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_102_444_800 })),
          },
          { additionalProperties: true },
        ),
        response: {
          200: Type.Object({
            event_id: Type.String(),
            session_id: Type.String(),
            status: Type.Union([Type.Literal('revoked'), Type.Literal('duplicate')], { description: '`duplicate`: this event id was processed before.' }),
          }),
          400: Problem,
          401: Problem,
          404: Problem,
          422: Problem,
          503: Problem,
        },
      },
    },
    async (request) => {
      const { tenantId, ...revoked } = await revokeMarketplaceSession(deps, request.body);
      request.log.info({ tenant_id: tenantId }, 'session revoked by the marketplace');
      return revoked;
    },
  );

  app.post(
    '/marketplace/users/erase',
    {
      bodyLimit: PUSH_BODY_LIMIT,
      onRequest: requireSecret,
      preValidation: verifySigned,
      schema: {
        tags: ['tenant'],
        summary: 'Marketplace request to erase a user’s personal data in an organisation (signed)',
        description:
          `${SIGNED_WITH_PATH.replace('%PATH%', '/api/v1/marketplace/users/erase')} For a person whose marketplace account is deleted: in the organisation ` +
          '`tenant_id`, removes the record of the user `user_id` (the token’s `sub`) and the IP addresses of their requests from the ' +
          'audit trail, as `DELETE /users/{id}` does, and is not refused for a last admin. Idempotent: a user unknown here answers ' +
          '`{"status": "absent"}`, an `event_id` processed before `{"status": "duplicate"}`. Tokens already issued stay valid until they expire: revoke their sessions too ' +
          '(`/marketplace/sessions/revoke`). 404 while MARKETPLACE_WEBHOOK_SECRET is unset.',
        security: [],
        consumes: ['application/json'],
        headers: Type.Object({ 'x-signature': Type.String({ maxLength: 1024 }) }),
        body: Type.Object(
          {
            event_id: EventId,
            tenant_id: Type.String({ minLength: 1, maxLength: 255, description: 'The marketplace organisation id.' }),
            user_id: Type.String({ minLength: 1, maxLength: 255, description: 'The marketplace user id (the token’s `sub`).' }),
          },
          { additionalProperties: true },
        ),
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('erased'), Type.Literal('absent'), Type.Literal('duplicate')]),
            audit_entries_redacted: Type.Integer(),
          }),
          400: Problem,
          401: Problem,
          404: Problem,
          422: Problem,
        },
      },
    },
    async (request) => {
      const { tenantId, userId, ...erasure } = await eraseMarketplaceUser({ ...deps, audit: app.auditWriter }, request.body);
      if (erasure.status === 'erased') {
        request.log.info({ tenant_id: tenantId, erased_user_id: userId, audit_entries_redacted: erasure.audit_entries_redacted }, 'user erased by the marketplace');
      }
      return erasure;
    },
  );

  app.post(
    '/marketplace/entitlements',
    {
      bodyLimit: PUSH_BODY_LIMIT,
      onRequest: requireSecret,
      preValidation: verifySigned,
      schema: {
        tags: ['entitlements'],
        summary: 'Marketplace push of an organisation’s entitlements (signed)',
        description:
          'Authenticated by `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with MARKETPLACE_WEBHOOK_SECRET, ' +
          `compared in constant time; \`t\` must be within ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes of our clock. Bad, missing or stale signatures are 401. ` +
          'An unknown organisation is provisioned. An event older (by `occurred_at`) than the last applied push changes nothing. ' +
          '404 while MARKETPLACE_WEBHOOK_SECRET is unset (webhook disabled).',
        security: [],
        consumes: ['application/json'],
        headers: Type.Object({ 'x-signature': Type.String({ maxLength: 1024 }) }),
        body: PushBody,
        response: { 200: PushResponse, 400: Problem, 401: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request) => {
      const { tenantId, created, tier, ...pushed } = await pushEntitlements(
        { ...deps, promoDays: config.promoDays, store: app.entitlementStore, toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS },
        { ...request.body, signedAt: signedAt.get(request)! },
      );
      request.log.info({ tenant_id: tenantId, event_id: pushed.event_id, outcome: pushed.status, tier, tenant_created: created }, 'marketplace entitlement push');
      return pushed;
    },
  );
};

export default marketplaceRoutes;
