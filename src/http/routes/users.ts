import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { withTenant } from '../../db/tenant.js';
import { eraseUser, listUsers, readUser, setUserRole, type UserRow } from '../../db/users.js';
import type { Principal } from '../plugins/auth.js';
import type { SessionRevocations } from '../../services/sessions/revocations.js';
import { forbidden, HttpProblem, notFound } from '../problem.js';
import type { RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';
import { revokeSessionIn } from './marketplace.js';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('member')]);
const User = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  created_at: Type.String({ format: 'date-time', description: 'First sign-in.' }),
});
const UserParams = Type.Object({
  id: Type.Union([Type.String({ format: 'uuid' }), Type.Literal('me')], { description: 'A user id, or `me` for the caller.' }),
});

const user = (row: UserRow) => ({ id: row.id, email: row.email, role: row.role, created_at: row.created_at.toISOString() });

const lastAdmin = () =>
  new HttpProblem(409, 'last-admin', 'This is the organisation’s only admin while it has other users: make another user admin first.');

/** `me` is the caller; any other id must be the caller's, or the caller an admin. */
function subject(principal: Principal, id: string): { userId: string; self: boolean } {
  const userId = id === 'me' ? principal.userId : id;
  const self = userId === principal.userId;
  if (!self && principal.role !== 'admin') throw forbidden('this action needs the admin role');
  return { userId, self };
}

/**
 * The organisation's users as the service knows them (the marketplace owns the accounts): who
 * they are, their stored role, and erasure of one user's personal data (GDPR).
 */
const userRoutes: FastifyPluginAsyncTypebox<RouteDeps & { revocations: SessionRevocations }> = async (
  app,
  { pool, clock, tenantChanged, revocations },
) => {
  app.get(
    '/users',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['tenant'],
        summary: 'Users of this organisation (admin)',
        security: [{ bearerAuth: [] }],
        response: { 200: Type.Object({ items: Type.Array(User) }), 403: Problem },
      },
    },
    async (request) => ({ items: (await withTenant(pool, request.principal!.tenantId, listUsers)).map(user) }),
  );

  app.get(
    '/users/:id',
    {
      schema: {
        tags: ['tenant'],
        summary: 'One user (yourself as `me`; anyone of the organisation as admin)',
        security: [{ bearerAuth: [] }],
        params: UserParams,
        response: { 200: User, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      const { userId } = subject(request.principal!, request.params.id);
      const row = await withTenant(pool, request.principal!.tenantId, (tx) => readUser(tx, userId));
      if (!row) throw notFound('no such user in this organisation');
      return user(row);
    },
  );

  app.patch(
    '/users/:id',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['tenant'],
        summary: 'Change a user’s stored role (admin)',
        description:
          'The stored role applies when the user’s token claims none (`app_metadata.role`); the first user of an organisation is ' +
          'stored as admin. 409 when the change would leave an organisation with other users and no admin.',
        security: [{ bearerAuth: [] }],
        params: UserParams,
        body: Type.Object({ role: Role }, { additionalProperties: false }),
        response: { 200: User, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request) => {
      const { userId } = subject(request.principal!, request.params.id);
      const tenantId = request.principal!.tenantId;
      const change = await withTenant(pool, tenantId, (tx) => setUserRole(tx, userId, request.body.role));
      if (change.status === 'not-found') throw notFound('no such user in this organisation');
      if (change.status === 'last-admin') throw lastAdmin();
      await tenantChanged(tenantId, { type: 'users' });
      return user(change.user);
    },
  );

  app.delete(
    '/users/:id',
    {
      schema: {
        tags: ['tenant'],
        summary: 'Erase a user’s personal data (yourself as `me`; anyone of the organisation as admin)',
        description:
          'Removes the user’s record (e-mail, marketplace user id) and the IP addresses of their requests in the audit trail, in ' +
          'one transaction. The audit entries stay, under an internal id that no longer leads to anybody; data the organisation ' +
          'imported is the organisation’s and stays. Erasing yourself also revokes the session of the token used. A user who ' +
          'signs in again afterwards starts afresh as a member: to keep someone out, remove them from the organisation in the ' +
          'marketplace. 409 for the only admin of an organisation that has other users.',
        security: [{ bearerAuth: [] }],
        params: UserParams,
        response: {
          200: Type.Object({
            status: Type.Literal('erased'),
            user_id: Type.String({ format: 'uuid' }),
            audit_entries_redacted: Type.Integer({ description: 'Audit entries whose IP address was removed.' }),
          }),
          403: Problem,
          404: Problem,
          409: Problem,
          503: Problem,
        },
      },
    },
    async (request) => {
      const { userId, self } = subject(request.principal!, request.params.id);
      const principal = request.principal!;
      // Queued audit entries of this user are written first, so the redaction covers them too.
      await app.auditWriter.flush();
      const erasure = await withTenant(pool, principal.tenantId, (tx) => eraseUser(tx, userId));
      if (erasure.status === 'not-found') throw notFound('no such user in this organisation');
      if (erasure.status === 'last-admin') throw lastAdmin();
      request.log.info({ erased_user_id: userId, audit_entries_redacted: erasure.auditEntriesRedacted }, 'user erased');
      // Every instance forgets the user.
      await tenantChanged(principal.tenantId, { type: 'users' });
      if (self) {
        request.auditWithoutIp = true;
        if (principal.sessionId) await revokeSessionIn(revocations, principal.tenantId, principal.sessionId, undefined, clock());
      }
      return { status: 'erased' as const, user_id: userId, audit_entries_redacted: erasure.auditEntriesRedacted };
    },
  );
};

export default userRoutes;
