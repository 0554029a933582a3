import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listAgents } from '../../services/agents/list-agents.js';
import { readAgent } from '../../services/agents/read-agent.js';
import { updateAgent } from '../../services/agents/update-agent.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

const AgentType = Type.Union([Type.Literal('acq'), Type.Literal('dispo')]);
const Agent = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  type: AgentType,
  manager: Type.Union([Type.String(), Type.Null()]),
  market: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  email: Type.Union([Type.String(), Type.Null()], { description: "The person's e-mail: a payee token with this e-mail is linked to them." }),
  last_month: Type.String({ description: 'Newest month the agent was imported in (YYYY-MM).' }),
  roles: Type.Array(Type.Union([Type.Literal('acq'), Type.Literal('dispo'), Type.Literal('acq_manager'), Type.Literal('dispo_manager')]), {
    description: 'Every role the person has had (payee imports and closings sides); each person is listed once.',
  }),
});
const AgentMonth = Type.Object({
  month: Type.String(),
  gp: Type.Union([Type.Number(), Type.Null()]),
  deals: Type.Union([Type.Integer(), Type.Null()]),
  terminations: Type.Union([Type.Integer(), Type.Null()]),
  commission: Type.Number(),
  commission_pct: Type.Union([Type.Number(), Type.Null()], { description: 'Commission over GP, percent.' }),
});
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const agentRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/agents',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['agents'],
        summary: 'Agents of the tenant, by name',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object(
          {
            type: Type.Optional(AgentType),
            active: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Agent), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), 402: Problem },
      },
    },
    async (request) => listAgents(contextOf(deps, request), request.query),
  );

  app.get(
    '/agents/:id',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['agents'],
        summary: 'One agent with its monthly history',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: { 200: Type.Object({ agent: Agent, history: Type.Array(AgentMonth) }), 402: Problem, 404: Problem },
      },
    },
    async (request) => readAgent(contextOf(deps, request), request.params),
  );

  app.patch(
    '/agents/:id',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['agents'],
        summary: "Change an agent's type, manager, market, active flag or e-mail (admin)",
        description: 'A manager named here who does not exist yet is created; `null` removes the manager or market.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        body: Type.Object(
          {
            type: Type.Optional(AgentType),
            manager: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), Type.Null()])),
            market: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), Type.Null()])),
            active: Type.Optional(Type.Boolean()),
            email: Type.Optional(
              Type.Union([
                Type.String({
                  maxLength: 320,
                  pattern: '^\\s*[^@\\s\\u0000-\\u001f\\u007f]+@[^@\\s\\u0000-\\u001f\\u007f]+\\.[^@\\s\\u0000-\\u001f\\u007f]+\\s*$',
                  description: 'Links payee tokens with this e-mail to the person; unique in the organisation, case-insensitively (409 otherwise).',
                }),
                Type.Null(),
              ]),
            ),
          },
          { additionalProperties: false, minProperties: 1, examples: [{ manager: 'Dana Whitfield', active: true }, { email: 'dana@example.com' }] },
        ),
        response: { 200: Agent, 402: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request) => updateAgent(contextOf(deps, request), { id: request.params.id, ...request.body }),
  );
};

export default agentRoutes;
