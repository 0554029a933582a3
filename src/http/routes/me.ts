import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PayoutMonthParams } from '../../schemas/payouts.js';
import { MeSchema, MyStatementSchema, MyStatementsSchema } from '../../schemas/me.js';
import { listMyStatements } from '../../services/me/list-my-statements.js';
import { readMe } from '../../services/me/read-me.js';
import { readMyStatement } from '../../services/me/read-my-statement.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

const security = [{ bearerAuth: [] }];
// Opened to payees (src/http/plugins/auth.ts refuses them every route without it).
const config = { payeeAccess: true };

/** The caller, and a payee's own statements (issue 16). */
const meRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/me',
    { config, schema: { tags: ['me'], summary: 'Who the caller is: role, and for a payee the roster person', security, response: { 200: MeSchema } } },
    async (request) => readMe(contextOf(deps, request)),
  );

  app.get(
    '/me/statements',
    {
      config,
      onRequest: app.requireFeature('plans'),
      schema: {
        tags: ['me'],
        summary: "A payee's own months and totals, newest first (payees)",
        description: 'Approved months, and drafts when the tenant lets payees see them (`payees_see_drafts`). 403 for other roles.',
        security,
        response: { 200: MyStatementsSchema, 402: Problem },
      },
    },
    async (request) => listMyStatements(contextOf(deps, request)),
  );

  app.get(
    '/me/statements/:month',
    {
      config,
      onRequest: app.requireFeature('plans'),
      schema: {
        tags: ['me'],
        summary: "A payee's own statement of one month, every line with its base, bracket, rate and reason (payees)",
        security,
        params: PayoutMonthParams,
        response: { 200: MyStatementSchema, 402: Problem, 404: Problem },
      },
    },
    async (request) => readMyStatement(contextOf(deps, request), request.params),
  );
};

export default meRoutes;
