import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { addPlanVersion } from '../../services/plans/add-plan-version.js';
import { calculatePlan } from '../../services/plans/calculate-plan.js';
import { createPlan } from '../../services/plans/create-plan.js';
import { deletePlan } from '../../services/plans/delete-plan.js';
import { listPlans } from '../../services/plans/list-plans.js';
import { optimizePlan } from '../../services/plans/optimize-plan.js';
import type { PlanWorkers } from '../../services/plans/plan-workers.js';
import { readPlan } from '../../services/plans/read-plan.js';
import { simulatePlan } from '../../services/plans/simulate-plan.js';
import { contextOf, entitledContextOf, type RouteDeps } from '../route-deps.js';
import { MonthString } from '../../schemas/commission-month.js';
import { Problem } from '../schemas/problem.js';
import { ClosingsOptimizeView, ClosingsSimulationView, OptimizeView, PlanBody, PlanCalculationView, PlanListView, PlanView, SimulateBody, SimulationView } from '../../schemas/plans.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export interface PlanRouteDeps extends RouteDeps {
  /** Where calculations, simulations and optimiser searches run (worker threads). */
  planWorkers: PlanWorkers;
}

const planRoutes: FastifyPluginAsyncTypebox<PlanRouteDeps> = async (app, deps) => {
  const { planWorkers } = deps;
  const planContextOf = (request: Parameters<typeof contextOf>[1]) => ({ ...entitledContextOf(app, deps, request), planWorkers });

  app.get(
    '/plans',
    {
      onRequest: app.requireFeature('plans'),
      schema: { tags: ['plans'], summary: 'Commission plans with their versions', security: [{ bearerAuth: [] }], response: { 200: PlanListView, 402: Problem } },
    },
    async (request) => listPlans(contextOf(deps, request)),
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
    async (request, reply) => reply.code(201).send(await createPlan(planContextOf(request), request.body)),
  );

  app.get(
    '/plans/:id',
    {
      onRequest: app.requireFeature('plans'),
      schema: { tags: ['plans'], summary: 'One plan with every version', security: [{ bearerAuth: [] }], params: IdParams, response: { 200: PlanView, 402: Problem, 404: Problem } },
    },
    async (request) => readPlan(contextOf(deps, request), request.params),
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
    async (request) => addPlanVersion(planContextOf(request), { ...(request.body), id: request.params.id }),
  );

  app.delete(
    '/plans/:id',
    {
      onRequest: [app.requireFeature('plans'), app.requireAdmin],
      schema: { tags: ['plans'], summary: 'Delete a plan with its versions (admin)', security: [{ bearerAuth: [] }], params: IdParams, response: { 204: Type.Null(), 403: Problem, 404: Problem } },
    },
    async (request, reply) => {
      await deletePlan(contextOf(deps, request), request.params);
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
        response: { 200: PlanCalculationView, 404: Problem, 422: Problem },
      },
    },
    async (request) => calculatePlan({ ...contextOf(deps, request), planWorkers }, { ...request.params, ...request.query }),
  );

  app.post(
    '/plans/simulate',
    {
      onRequest: app.requireFeature('plan_simulation'),
      schema: {
        tags: ['plans'],
        summary: 'What a plan would have paid over a range of history, against what was paid',
        description:
          'On payee-level history (the default) one `plan` against the imported commission. With `source: "closings"`, the month\'s payouts ' +
          'month after month over closings history under `plans` (or `plan`; none: the tenant\'s own plans in force each month), carrying quarter, ' +
          'year and draw amounts as stored payouts do, against the approved payouts (each month\'s actual commission): `by_payee_month` and `mismatches`.',
        security: [{ bearerAuth: [] }],
        body: SimulateBody,
        response: {
          200: Type.Union([SimulationView, ClosingsSimulationView]),
          400: Problem,
          404: Problem,
          422: Problem,
        },
      },
    },
    async (request) => simulatePlan(planContextOf(request), request.body),
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
          'the top `protect_top_n` by GP keep at least their pay, rates within `rate_bounds`, brackets monotone. Runs in a worker thread. ' +
          'With `source: "closings"`: a `role` plan of retroactive tiers by `from` bounds over the closings months, flat-fee GP at one of ' +
          '`flat_fee_ratios` of the rate (`rate_by: null` for one rate), held against what approved payouts paid under the role plans.',
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
            source: Type.Optional(Type.Union([Type.Literal('commissions'), Type.Literal('closings')])),
            role: Type.Optional(Type.Union([Type.Literal('acq'), Type.Literal('dispo')])),
            rate_by: Type.Optional(Type.Union([Type.Literal('flat_fee'), Type.Null()])),
            flat_fee_ratios: Type.Optional(Type.Array(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 1 }), Type.String({ minLength: 1, maxLength: 60 })]), { minItems: 1, maxItems: 10 })),
            exclude: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 })),
          },
          {
            additionalProperties: false,
            examples: [{ target_commission_pct: 13.5, max_loss_pct: 10, protect_top_n: 5, rate_bounds: { min: 0.05, max: 0.18 }, from: '2023-10', to: '2025-09' }],
          },
        ),
        response: { 200: Type.Union([OptimizeView, ClosingsOptimizeView]), 400: Problem, 404: Problem, 422: Problem, 503: Problem },
      },
    },
    async (request) => optimizePlan({ ...contextOf(deps, request), planWorkers }, request.body),
  );
};

export default planRoutes;
