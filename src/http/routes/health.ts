import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { checkReadiness } from '../../services/health/check-readiness.js';
import type { RouteDeps } from '../route-deps.js';

export interface HealthDeps extends RouteDeps {
  /** Name of the newest migration this build ships; /readyz wants the database to have it. */
  latestMigration: string;
}

const Status = Type.Object({ status: Type.String(), detail: Type.Optional(Type.String()) });

const healthRoutes: FastifyPluginAsyncTypebox<HealthDeps> = async (app, deps) => {
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
      const readiness = await checkReadiness(deps, { latestMigration: deps.latestMigration });
      if (readiness.ready) return { status: 'ready' };
      request.log.warn({ cause: readiness.cause }, `not ready: ${readiness.detail}`);
      return reply.code(503).send({ status: 'not ready', detail: readiness.detail });
    },
  );
};

export default healthRoutes;
