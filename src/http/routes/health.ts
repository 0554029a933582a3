import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MIGRATIONS_TABLE } from '../../db/bootstrap.js';
import type { RouteDeps } from '../route-deps.js';

export interface HealthDeps extends RouteDeps {
  /** Name of the newest migration this build ships; /readyz wants the database to have it. */
  latestMigration: string;
}

const Status = Type.Object({ status: Type.String(), detail: Type.Optional(Type.String()) });

const healthRoutes: FastifyPluginAsyncTypebox<HealthDeps> = async (app, { pool, latestMigration }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database is reachable and migrated',
        response: { 200: Status, 503: Status },
      },
    },
    async (request, reply) => {
      try {
        const result = await pool.query<{ name: string | null }>(`SELECT max(name) AS name FROM ${MIGRATIONS_TABLE}`);
        const applied = result.rows[0]?.name ?? null;
        if (applied === null || applied < latestMigration) {
          request.log.warn({ applied, wanted: latestMigration }, 'not ready: database not migrated');
          return reply.code(503).send({ status: 'not ready', detail: 'database not migrated' });
        }
        return { status: 'ready' };
      } catch (error) {
        // The probe's answer says only "unreachable"; the log says why (a refused startup
        // parameter behind a pooler, a wrong password, a server that is down).
        const { message, code } = error as { message?: string; code?: string };
        request.log.warn({ err: { message, code } }, 'not ready: database unreachable');
        return reply.code(503).send({ status: 'not ready', detail: 'database unreachable' });
      }
    },
  );
};

export default healthRoutes;
