import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SessionRevocations } from '../../services/sessions/revocations.js';
import { eraseUser } from '../../services/users/erase-user.js';
import { listUsers } from '../../services/users/list-users.js';
import { readUser } from '../../services/users/read-user.js';
import { setUserRole } from '../../services/users/set-user-role.js';
import { auditedContextOf, contextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

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

/**
 * The organisation's users as the service knows them (the marketplace owns the accounts): who
 * they are, their stored role, and erasure of one user's personal data (GDPR).
 */
const userRoutes: FastifyPluginAsyncTypebox<RouteDeps & { revocations: SessionRevocations }> = async (app, deps) => {
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
    async (request) => listUsers(contextOf(deps, request)),
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
    async (request) => readUser(contextOf(deps, request), request.params),
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
    async (request) => setUserRole(contextOf(deps, request), { id: request.params.id, role: request.body.role }),
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
      const erasure = await eraseUser({ ...auditedContextOf(app, deps, request), revocations: deps.revocations }, request.params);
      request.log.info({ erased_user_id: erasure.user_id, audit_entries_redacted: erasure.audit_entries_redacted }, 'user erased');
      return erasure;
    },
  );
};

export default userRoutes;
