import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { agentHistory, listAgents, readAgent, updateAgent, type AgentRow } from '../../db/agents.js';
import { upsertManagers } from '../../db/commissions.js';
import { withTenant } from '../../db/tenant.js';
import { parseAmountText, percentOf, toAmount } from '../../domain/money.js';
import { notFound } from '../problem.js';
import type { RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

const AgentType = Type.Union([Type.Literal('acq'), Type.Literal('dispo')]);
const Agent = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  type: AgentType,
  manager: Type.Union([Type.String(), Type.Null()]),
  market: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
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

const agent = (row: AgentRow) => ({ ...row });

const agentRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { pool, tenantChanged }) => {
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
    async (request) => {
      const { limit, offset } = request.query;
      const page = await withTenant(pool, request.principal!.tenantId, (tx) => listAgents(tx, request.query));
      return { items: page.rows.map(agent), total: page.total, limit, offset };
    },
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
    async (request) => {
      const found = await withTenant(pool, request.principal!.tenantId, async (tx) => {
        const row = await readAgent(tx, request.params.id);
        return row ? { row, history: await agentHistory(tx, request.params.id) } : undefined;
      });
      if (!found) throw notFound('No such agent.');
      return {
        agent: agent(found.row),
        history: found.history.map((month) => {
          const gp = month.gp === null ? null : (parseAmountText(month.gp) ?? 0);
          const commission = parseAmountText(month.commission) ?? 0;
          return {
            month: month.month,
            gp: gp === null ? null : toAmount(gp),
            deals: month.deals,
            terminations: month.terminations,
            commission: toAmount(commission),
            commission_pct: gp === null ? null : percentOf(commission, gp, 1),
          };
        }),
      };
    },
  );

  app.patch(
    '/agents/:id',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['agents'],
        summary: "Change an agent's type, manager, market or active flag (admin)",
        description: 'A manager named here who does not exist yet is created; `null` removes the manager or market.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        body: Type.Object(
          {
            type: Type.Optional(AgentType),
            manager: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), Type.Null()])),
            market: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), Type.Null()])),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1, examples: [{ manager: 'Dana Whitfield', active: true }] },
        ),
        response: { 200: Agent, 402: Problem, 403: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request) => {
      const { type, manager, market, active } = request.body;
      const updated = await withTenant(pool, request.principal!.tenantId, async (tx) => {
        const managerId = typeof manager === 'string' ? (await upsertManagers(tx, [manager])).get(manager) : manager;
        if (!(await updateAgent(tx, request.params.id, { type, managerId, market, active }))) return undefined;
        return readAgent(tx, request.params.id);
      });
      if (!updated) throw notFound('No such agent.');
      await tenantChanged(request.principal!.tenantId, { type: 'agent' });
      return agent(updated);
    },
  );
};

export default agentRoutes;
