import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listAuditEntries } from '../../services/audit/list-audit-entries.js';
import { auditedContextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

const AuditItem = Type.Object({
  id: Type.String({ format: 'uuid' }),
  occurred_at: Type.String({ format: 'date-time' }),
  user_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  user_email: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: 'Method and route pattern, e.g. `DELETE /api/v1/commissions/:month`.' }),
  resource: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'The path parameters of the request.' }),
  request_id: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  status: Type.Integer(),
  duration_ms: Type.Union([Type.Integer(), Type.Null()]),
});

/**
 * The tenant's audit trail (admins). Not gated by entitlements: an organisation that lost its
 * subscription may still need to know who did what.
 */
const auditRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/audit',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['audit'],
        summary: 'The audit trail: one entry per request that read or wrote this organisation’s data (admin)',
        description:
          'Newest first. Filters: `from`/`to` (date-times, `to` exclusive), `action` (exact, e.g. `POST /api/v1/commissions/import`), ' +
          '`user_id`. Paginated with `limit`/`offset`; `next_offset` is null on the last page. Entries are written just after each response, ' +
          'so the request that reads the trail is not yet in it.',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            action: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
            user_id: Type.Optional(Type.String({ format: 'uuid' })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(AuditItem), limit: Type.Integer(), offset: Type.Integer(), next_offset: Type.Union([Type.Integer(), Type.Null()]) }),
          400: Problem,
          403: Problem,
        },
      },
    },
    async (request) => listAuditEntries(auditedContextOf(app, deps, request), request.query),
  );
};

export default auditRoutes;
