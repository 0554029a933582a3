import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { loadHistory } from '../../db/history.js';
import { addPlanVersion, createPlan, deletePlan, listPlans, readPlan, type PlanRow } from '../../db/plans.js';
import { withTenant } from '../../db/tenant.js';
import { parsePlan, planNeedsDeals, type PlanDefinition } from '../../domain/plans/definition.js';
import { validateOptimizeOptions, type OptimizeOptions } from '../../domain/plans/optimize.js';
import type { PlanWorkers } from '../../services/plans/plan-workers.js';
import { HttpProblem, notFound, unprocessable } from '../problem.js';
import type { RouteDeps } from '../route-deps.js';
import { MonthString } from '../schemas/commission-month.js';
import { Problem } from '../schemas/problem.js';

const PLAN_EXAMPLE = {
  name: 'Declining acq',
  applies_to: ['acq'],
  basis: 'month',
  tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 50000, rate: 0.1 }, { up_to: null, rate: 0.08 }] },
};

/**
 * The shape is checked here; the rules (ascending brackets, rates within 0..1, component fields,
 * formula syntax with its position) by the domain's validatePlan, which answers with pointers.
 */
const PlanDefinitionSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    applies_to: Type.Array(Type.Union([Type.Literal('acq'), Type.Literal('dispo'), Type.Literal('manager')]), { minItems: 1, maxItems: 3 }),
    agents: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 })),
    basis: Type.Union([Type.Literal('deal'), Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')]),
    tiers: Type.Optional(Type.Object({}, { additionalProperties: true, description: '{measure, mode, brackets: [{up_to, rate}]}' })),
    components: Type.Optional(
      Type.Array(Type.Object({ type: Type.String({ maxLength: 20 }) }, { additionalProperties: true }), {
        maxItems: 50,
        description: 'tiers, rate, per_deal, limit, split, override, bonus, clawback, draw, formula (enterprise)',
      }),
    ),
  },
  { additionalProperties: false, examples: [PLAN_EXAMPLE] },
);

const PlanBody = Type.Object(
  { ...PlanDefinitionSchema.properties, effective_from: Type.Optional(MonthString) },
  { additionalProperties: false, examples: [{ ...PLAN_EXAMPLE, effective_from: '2025-01' }] },
);

const PlanVersionView = Type.Object({
  version: Type.Integer(),
  effective_from: Type.String(),
  definition: Type.Object({}, { additionalProperties: true }),
  created_at: Type.String({ format: 'date-time' }),
});
const PlanView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  current: PlanVersionView,
  versions: Type.Array(PlanVersionView),
});
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Loose = Type.Object({}, { additionalProperties: true });

/** Plans without a stated start apply to all history. */
const ALWAYS = '1970-01';

function planView(row: PlanRow) {
  const versions = row.versions.map((version) => ({ ...version, created_at: version.created_at.toISOString() }));
  return { id: row.id, name: row.name, created_at: row.created_at.toISOString(), current: versions.at(-1)!, versions };
}

function checkedDefinition(input: unknown, pointerPrefix = ''): PlanDefinition {
  const parsed = parsePlan(input);
  if (!parsed.ok) {
    throw unprocessable(
      `The plan has ${parsed.issues.length} problem${parsed.issues.length === 1 ? '' : 's'}.`,
      parsed.issues.map((issue) => ({ pointer: `${pointerPrefix}${issue.pointer}`, message: issue.message })),
    );
  }
  return parsed.plan;
}

function usesFormulas(plan: PlanDefinition): boolean {
  return (plan.components ?? []).some((component) => component.type === 'formula');
}

function splitBody(body: Record<string, unknown>): { definition: unknown; effectiveFrom: string } {
  const { effective_from: effectiveFrom, ...definition } = body;
  return { definition, effectiveFrom: typeof effectiveFrom === 'string' ? effectiveFrom : ALWAYS };
}

function checkRange(from: string, to: string): void {
  if (to < from) throw new HttpProblem(400, 'bad-request', '`to` is before `from`.');
}

export interface PlanRouteDeps extends RouteDeps {
  /** Where calculations, simulations and optimiser searches run (worker threads). */
  planWorkers: PlanWorkers;
}

const planRoutes: FastifyPluginAsyncTypebox<PlanRouteDeps> = async (app, { pool, tenantChanged, planWorkers }) => {
  /** Custom formulas are an enterprise feature: a plan using one needs it on top of the route's feature. */
  const checkFormulas = async (request: FastifyRequest, plan: PlanDefinition) => {
    if (usesFormulas(plan)) await app.requireFeature('custom_formulas')(request);
  };

  app.get(
    '/plans',
    {
      onRequest: app.requireFeature('plans'),
      schema: { tags: ['plans'], summary: 'Commission plans with their versions', security: [{ bearerAuth: [] }], response: { 200: Type.Object({ items: Type.Array(PlanView) }), 402: Problem } },
    },
    async (request) => ({ items: (await withTenant(pool, request.principal!.tenantId, listPlans)).map(planView) }),
  );

  app.post(
    '/plans',
    {
      onRequest: [app.requireFeature('plans'), app.requireAdmin],
      schema: {
        tags: ['plans'],
        summary: 'Create a plan (admin)',
        description: 'The body is a plan definition (CONTRACT.md), plus `effective_from` (YYYY-MM) when it applies from a month on.',
        security: [{ bearerAuth: [] }],
        body: PlanBody,
        response: { 201: PlanView, 403: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const { definition, effectiveFrom } = splitBody(request.body as Record<string, unknown>);
      const plan = checkedDefinition(definition);
      await checkFormulas(request, plan);
      const principal = request.principal!;
      const row = await withTenant(pool, principal.tenantId, async (tx) => readPlan(tx, await createPlan(tx, plan, effectiveFrom, principal.userId)));
      await tenantChanged(principal.tenantId, { type: 'plan' });
      return reply.code(201).send(planView(row!));
    },
  );

  app.get(
    '/plans/:id',
    {
      onRequest: app.requireFeature('plans'),
      schema: { tags: ['plans'], summary: 'One plan with every version', security: [{ bearerAuth: [] }], params: IdParams, response: { 200: PlanView, 402: Problem, 404: Problem } },
    },
    async (request) => {
      const row = await withTenant(pool, request.principal!.tenantId, (tx) => readPlan(tx, request.params.id));
      if (!row) throw notFound('No such plan.');
      return planView(row);
    },
  );

  app.put(
    '/plans/:id',
    {
      onRequest: [app.requireFeature('plans'), app.requireAdmin],
      schema: {
        tags: ['plans'],
        summary: 'Add a version of a plan, in force from effective_from (admin)',
        description: 'Versions are never edited: months before `effective_from` keep being paid under the earlier version.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        body: PlanBody,
        response: { 200: PlanView, 403: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request) => {
      const { definition, effectiveFrom } = splitBody(request.body as Record<string, unknown>);
      const plan = checkedDefinition(definition);
      await checkFormulas(request, plan);
      const principal = request.principal!;
      const row = await withTenant(pool, principal.tenantId, async (tx) =>
        (await addPlanVersion(tx, request.params.id, plan, effectiveFrom, principal.userId)) ? readPlan(tx, request.params.id) : undefined,
      );
      if (!row) throw notFound('No such plan.');
      await tenantChanged(principal.tenantId, { type: 'plan' });
      return planView(row);
    },
  );

  app.delete(
    '/plans/:id',
    {
      onRequest: [app.requireFeature('plans'), app.requireAdmin],
      schema: { tags: ['plans'], summary: 'Delete a plan with its versions (admin)', security: [{ bearerAuth: [] }], params: IdParams, response: { 204: Type.Null(), 403: Problem, 404: Problem } },
    },
    async (request, reply) => {
      const deleted = await withTenant(pool, request.principal!.tenantId, (tx) => deletePlan(tx, request.params.id));
      if (!deleted) throw notFound('No such plan.');
      await tenantChanged(request.principal!.tenantId, { type: 'plan' });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/plans/:id/calculate',
    {
      onRequest: app.requireFeature('plan_simulation'),
      schema: {
        tags: ['plans'],
        summary: "Statements of a month under the plan's version in force",
        description: 'One statement per covered payee; its line items (component, bracket, rate, base, amount) explain every cent; the total is rounded half-up once.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        querystring: Type.Object({ month: MonthString }, { additionalProperties: false }),
        response: { 200: Loose, 404: Problem },
      },
    },
    async (request) => {
      const { month } = request.query;
      const { id } = request.params;
      const { total, statements } = await planWorkers.calculate(async () => {
        const { plan, history } = await withTenant(pool, request.principal!.tenantId, async (tx) => {
          const stored = await readPlan(tx, id);
          if (!stored) return { plan: null, history: [] };
          const deals = stored.versions.some((version) => planNeedsDeals(version.definition));
          return { plan: stored, history: await loadHistory(tx, month, { deals }) };
        });
        if (!plan) throw notFound('No such plan.');
        if (!history.some((entry) => entry.month === month)) throw notFound(`No commission data for ${month}.`);
        const versions = plan.versions.map((version) => ({ effective_from: version.effective_from, definition: version.definition }));
        return { plan: versions, history, month };
      }, request.principal!.tenantId);
      return { plan_id: id, month, total, statements };
    },
  );

  app.post(
    '/plans/simulate',
    {
      onRequest: app.requireFeature('plan_simulation'),
      schema: {
        tags: ['plans'],
        summary: 'What a plan would have paid over a range of history, against what was paid',
        security: [{ bearerAuth: [] }],
        body: Type.Object(
          { plan: PlanDefinitionSchema, from: MonthString, to: MonthString, top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
          { additionalProperties: false, examples: [{ plan: PLAN_EXAMPLE, from: '2024-10', to: '2025-09' }] },
        ),
        response: {
          200: Type.Object(
            {
              total_commission: Type.Number(),
              actual_commission: Type.Number(),
              commission_pct: Type.Union([Type.Number(), Type.Null()]),
              by_agent: Type.Array(Type.Object({ agent: Type.String(), simulated: Type.Number(), actual: Type.Number(), delta: Type.Number() }, { additionalProperties: true })),
            },
            { additionalProperties: true },
          ),
          400: Problem,
          404: Problem,
          422: Problem,
        },
      },
    },
    async (request) => {
      const { from, to, top } = request.body;
      checkRange(from, to);
      const plan = checkedDefinition(request.body.plan, '/plan');
      await checkFormulas(request, plan);
      return planWorkers.simulate(async () => {
        const history = await withTenant(pool, request.principal!.tenantId, (tx) => loadHistory(tx, to, { deals: planNeedsDeals(plan) }));
        if (!history.some((entry) => entry.month >= from)) throw notFound(`No commission data between ${from} and ${to}.`);
        return { plan, history, from, to, top };
      }, request.principal!.tenantId);
    },
  );

  app.post(
    '/plans/optimize',
    {
      onRequest: app.requireFeature('plan_simulation'),
      schema: {
        tags: ['plans'],
        summary: 'Search bracket breakpoints and declining rates for a target commission % under constraints',
        description:
          'Returns the best few plans, each with its simulation, that meet every constraint: no covered payee loses more than `max_loss_pct` of pay, ' +
          'the top `protect_top_n` by GP keep at least their pay, rates within `rate_bounds`, brackets monotone. Runs in a worker thread.',
        security: [{ bearerAuth: [] }],
        body: Type.Object(
          {
            target_commission_pct: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
            max_loss_pct: Type.Number({ minimum: 0, maximum: 100 }),
            protect_top_n: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
            rate_bounds: Type.Object({ min: Type.Number({ minimum: 0, maximum: 1 }), max: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false }),
            rate_step: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
            bracket_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
            applies_to: Type.Optional(Type.Array(Type.Union([Type.Literal('acq'), Type.Literal('dispo'), Type.Literal('manager')]), { minItems: 1, maxItems: 3 })),
            mode: Type.Optional(Type.Union([Type.Literal('graduated'), Type.Literal('retroactive')])),
            basis: Type.Optional(Type.Union([Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')])),
            from: Type.Optional(MonthString),
            to: Type.Optional(MonthString),
            exempt: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 })),
            results: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          {
            additionalProperties: false,
            examples: [{ target_commission_pct: 13.5, max_loss_pct: 10, protect_top_n: 5, rate_bounds: { min: 0.05, max: 0.18 }, from: '2023-10', to: '2025-09' }],
          },
        ),
        response: { 200: Loose, 400: Problem, 404: Problem, 422: Problem, 503: Problem },
      },
    },
    async (request) => {
      const options = request.body as OptimizeOptions;
      const issues = validateOptimizeOptions(options);
      if (issues.length > 0) throw unprocessable('The optimiser options are invalid.', issues.map(({ pointer, message }) => ({ pointer, message })));
      return planWorkers.optimize(async () => {
        const history = await withTenant(pool, request.principal!.tenantId, async (tx) => {
          const span = await tx.query<{ last: string | null }>(
            "SELECT to_char(max(month), 'YYYY-MM') AS last FROM commission_months WHERE tenant_id = $1",
            [tx.tenantId],
          );
          const last = options.to ?? span.rows[0]?.last;
          // The optimiser searches brackets on monthly, quarterly or yearly GP: never on single deals.
          return last ? loadHistory(tx, last, { deals: false }) : [];
        });
        if (history.length === 0) throw notFound('No commission data to optimise against.');
        return { history, options };
      }, request.principal!.tenantId);
    },
  );
};

export default planRoutes;
