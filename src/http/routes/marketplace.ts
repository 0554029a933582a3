import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SignatureError, verifyMarketplaceSignature, SIGNATURE_TOLERANCE_SECONDS } from '../../auth/marketplace-signature.js';
import { ensureTenant } from '../../db/provisioning.js';
import { withTenant } from '../../db/tenant.js';
import { eraseMarketplaceUser } from '../../db/users.js';
import { HttpProblem, notFound, serviceUnavailable, unprocessable } from '../problem.js';
import { tenantIdForOrg } from '../../db/tenant-id.js';
import { DEFAULT_REVOCATION_TTL_SECONDS, type SessionRevocations } from '../../services/sessions/revocations.js';
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

/**
 * The marketplace's entitlement push. Outside the bearer-token context: it is authenticated by its
 * HMAC signature over the raw body, which is why this context keeps the body as bytes, verifies it,
 * and only then parses the JSON (in preValidation, so the schema still validates it).
 */
export const RevokeResponse = Type.Object({ session_id: Type.String(), status: Type.Literal('revoked') });

/** Remembers a revoked session until its tokens would expire (default: the longest a token lives). */
export async function revokeSessionIn(revocations: SessionRevocations, tenantId: string, sessionId: string, expiresAt: number | undefined, now: Date) {
  const ttl = expiresAt === undefined ? DEFAULT_REVOCATION_TTL_SECONDS : Math.min(expiresAt - Math.floor(now.getTime() / 1000), DEFAULT_REVOCATION_TTL_SECONDS);
  if (ttl <= 0) return; // every token of the session has expired already
  try {
    await revocations.revoke(tenantId, sessionId, ttl);
  } catch {
    throw serviceUnavailable('cannot record the revocation right now; retry');
  }
}

const marketplaceRoutes: FastifyPluginAsyncTypebox<RouteDeps & { revocations: SessionRevocations }> = async (app, { config, pool, clock, revocations, tenantChanged }) => {
  const revokeSession = (tenantId: string, sessionId: string, expiresAt: number | undefined, now: Date) =>
    revokeSessionIn(revocations, tenantId, sessionId, expiresAt, now);
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
    try {
      signedAt.set(request, verifyMarketplaceSignature(request.headers['x-signature'] as string | undefined, raw, secret!, clock()));
    } catch (error) {
      if (error instanceof SignatureError) throw new HttpProblem(401, 'unauthorized', error.reason);
      throw error;
    }
    try {
      request.body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpProblem(400, 'malformed-body', 'The body is not valid JSON.');
    }
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
          'Signed like the entitlement push (`X-Signature`). Every token carrying `session_id` for the organisation `tenant_id` gets 401 ' +
          'on every instance from now until `expires_at` (unix seconds; default one week). 404 while MARKETPLACE_WEBHOOK_SECRET is unset.',
        security: [],
        consumes: ['application/json'],
        headers: Type.Object({ 'x-signature': Type.String({ maxLength: 1024 }) }),
        body: Type.Object(
          {
            tenant_id: Type.String({ minLength: 1, maxLength: 255, description: 'The marketplace organisation id.' }),
            session_id: Type.String({ minLength: 1, maxLength: 255 }),
            expires_at: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_102_444_800 })),
          },
          { additionalProperties: true },
        ),
        response: { 200: RevokeResponse, 400: Problem, 401: Problem, 404: Problem, 422: Problem, 503: Problem },
      },
    },
    async (request) => {
      const { tenant_id: orgId, session_id: sessionId, expires_at: expiresAt } = request.body;
      await revokeSession(tenantIdForOrg(orgId), sessionId, expiresAt, clock());
      request.log.info({ tenant_id: tenantIdForOrg(orgId) }, 'session revoked by the marketplace');
      return { session_id: sessionId, status: 'revoked' as const };
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
          'Signed like the entitlement push (`X-Signature`). For a person whose marketplace account is deleted: in the organisation ' +
          '`tenant_id`, removes the record of the user `user_id` (the token’s `sub`) and the IP addresses of their requests from the ' +
          'audit trail, as `DELETE /users/{id}` does, and is not refused for a last admin. Idempotent: a user unknown here answers ' +
          '`{"status": "absent"}`. Tokens already issued stay valid until they expire: revoke their sessions too ' +
          '(`/marketplace/sessions/revoke`). 404 while MARKETPLACE_WEBHOOK_SECRET is unset.',
        security: [],
        consumes: ['application/json'],
        headers: Type.Object({ 'x-signature': Type.String({ maxLength: 1024 }) }),
        body: Type.Object(
          {
            tenant_id: Type.String({ minLength: 1, maxLength: 255, description: 'The marketplace organisation id.' }),
            user_id: Type.String({ minLength: 1, maxLength: 255, description: 'The marketplace user id (the token’s `sub`).' }),
          },
          { additionalProperties: true },
        ),
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('erased'), Type.Literal('absent')]),
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
      const tenantId = tenantIdForOrg(request.body.tenant_id);
      // Queued audit entries of this user are written first, so the redaction covers them too.
      await app.auditWriter.flush();
      const erased = await withTenant(pool, tenantId, (tx) => eraseMarketplaceUser(tx, request.body.user_id));
      if (!erased) return { status: 'absent' as const, audit_entries_redacted: 0 };
      await tenantChanged(tenantId, { type: 'users' });
      request.log.info({ tenant_id: tenantId, erased_user_id: erased.userId, audit_entries_redacted: erased.auditEntriesRedacted }, 'user erased by the marketplace');
      return { status: 'erased' as const, audit_entries_redacted: erased.auditEntriesRedacted };
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
      const body = request.body;
      const now = clock();
      const occurredAt = body.occurred_at ? new Date(body.occurred_at) : signedAt.get(request)!;
      if (occurredAt.getTime() > now.getTime() + SIGNATURE_TOLERANCE_SECONDS * 1000) {
        // A time in the future would make every later event look older.
        throw unprocessable('occurred_at is in the future.', [{ pointer: '/occurred_at', message: 'is later than now' }]);
      }
      if (body.subscription_tier === 'promo' && body.promo_until === null) {
        throw unprocessable('A promotion needs its last day.', [{ pointer: '/promo_until', message: 'is required for the promo tier' }]);
      }
      const { tenantId, created } = await ensureTenant(pool, body.tenant_id, { promoDays: config.promoDays, today: now });
      const { outcome, after } = await app.entitlementStore.push(tenantId, body.event_id, {
        source: 'push',
        time: occurredAt,
        tier: body.subscription_tier,
        promoUntil: body.promo_until,
        flags: body.flags ?? {},
      });
      request.log.info(
        { tenant_id: tenantId, event_id: body.event_id, outcome, tier: after.tier, tenant_created: created },
        'marketplace entitlement push',
      );
      return { event_id: body.event_id, status: outcome };
    },
  );
};

export default marketplaceRoutes;
