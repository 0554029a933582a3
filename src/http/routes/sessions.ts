import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SessionRevocations } from '../../services/sessions/revocations.js';
import { revokeSession } from '../../services/sessions/revoke-session.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';
import { RevokeResponse } from '../schemas/session.js';

/** A tenant admin ends a session of one of the organisation's users (a lost laptop, a leaver). */
const sessionRoutes: FastifyPluginAsyncTypebox<RouteDeps & { revocations: SessionRevocations }> = async (app, deps) => {
  app.post(
    '/sessions/revoke',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['tenant'],
        summary: 'Revoke a session of this organisation (admin)',
        description:
          'Every token carrying this `session_id` gets 401 from now on, on every instance, until `expires_at` (unix seconds; default one week). ' +
          'Only this organisation’s sessions are affected: the same id in another organisation is not.',
        security: [{ bearerAuth: [] }],
        body: Type.Object(
          { session_id: Type.String({ minLength: 1, maxLength: 255 }), expires_at: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_102_444_800 })) },
          { additionalProperties: false },
        ),
        response: { 200: RevokeResponse, 403: Problem, 422: Problem, 503: Problem },
      },
    },
    async (request) => {
      const revoked = await revokeSession({ ...contextOf(deps, request), revocations: deps.revocations }, request.body);
      request.log.info('session revoked by an admin');
      return revoked;
    },
  );
};

export default sessionRoutes;
