import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { eraseOrganisation } from '../../services/tenant/erase-tenant.js';
import { exportTenant } from '../../services/tenant/export-tenant.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

/**
 * GDPR: the organisation's own data, out (export) and gone (erasure). Admins only, and never gated
 * by entitlements: a tenant without a subscription keeps these rights.
 */
const tenantRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/tenant/export',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['tenant'],
        summary: 'Everything this organisation owns, as one JSON document (admin, streamed)',
        description:
          '`{format: "cip-tenant-export/1", exported_at, org_id, tables: {<table>: [row, ...]}}` with every row of every table the ' +
          'organisation has data in (users, entitlements, commission months, payees, deals, agents, plans, audit trail, ...), as stored.',
        security: [{ bearerAuth: [] }],
        produces: ['application/json'],
        response: { 200: Type.Unknown({ description: 'The export document' }), 403: Problem },
      },
    },
    async (request, reply) => {
      const exported = await exportTenant({ ...contextOf(deps, request), audit: app.auditWriter, log: request.log });
      reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${exported.fileName}"`)
        .header('cache-control', 'no-store');
      return reply.send(exported.stream);
    },
  );

  app.delete(
    '/tenant',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['tenant'],
        summary: 'Erase this organisation and everything it owns (admin; irreversible)',
        description:
          'Needs `{"confirm": "<organisation id>"}`. Removes every row of the organisation in one transaction (the audit trail included) ' +
          'and leaves a tombstone outside the tenant’s data: tenant id, a SHA-256 of the organisation id, who, when, the request id and ' +
          'row counts. The next sign-in of any of its users starts a new, empty organisation.',
        security: [{ bearerAuth: [] }],
        body: Type.Object({ confirm: Type.String({ minLength: 1, maxLength: 255, description: 'The organisation id, to confirm.' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ status: Type.Literal('erased'), tables: Type.Record(Type.String(), Type.Integer(), { description: 'Rows removed per table.' }) }),
          403: Problem,
          422: Problem,
        },
      },
    },
    async (request) => {
      const ctx = { ...contextOf(deps, request), audit: app.auditWriter };
      const erasure = await eraseOrganisation(ctx, { ...request.body, requestId: request.id });
      request.log.warn({ tenant_id: ctx.principal.tenantId, tables: erasure.tables }, 'tenant erased');
      // The tenant is gone, so there is nowhere to audit this request to: the tombstone is its record.
      request.principal = null;
      return { status: 'erased' as const, tables: erasure.tables };
    },
  );
};

export default tenantRoutes;
