import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ClosingsMonth } from '../../domain/closings/closing.js';
import { deleteClosings } from '../../services/closings/delete-closings.js';
import { importClosings } from '../../services/closings/import-closings.js';
import { listClosingMonths } from '../../services/closings/list-closing-months.js';
import { previewClosings } from '../../services/closings/preview-closings.js';
import { readClosings } from '../../services/closings/read-closings.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import {
  ClosingsImportResponse,
  ClosingsMonthListResponse,
  ClosingsMonthResponse,
  ClosingsMonthSchema,
  ClosingsPreviewResponse,
} from '../schemas/closings.js';
import { MonthString } from '../schemas/commission-month.js';
import { Problem } from '../schemas/problem.js';

const MonthParams = Type.Object({ month: MonthString });
const ImportQuery = Type.Object({ month: Type.Optional(MonthString) }, { additionalProperties: false });
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

const closingRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.post(
    '/closings/import',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['closings'],
        summary: 'Import one month of closings (admin)',
        description:
          'One row per deal with its sides (acq and dispo: agent, manager, credit) and the month’s adjustments. Replaces the month’s closings ' +
          'and the adjustments of its previous import, atomically. 422 with one `{pointer, message}` per invalid value and nothing written; ' +
          'warnings (a side with no agent, a person never seen before, GP above the assignment fee, the same address with different GP, ' +
          'an empty or future month) do not stop it. With an `Idempotency-Key`, a repeat of the same body returns the first response and applies nothing. ' +
          'Closings carry no pay: until payouts are calculated, analytics count the month’s GP and deals and leave it out of commission figures.',
        security: [{ bearerAuth: [] }],
        querystring: ImportQuery,
        headers: IdempotencyHeaders,
        body: ClosingsMonthSchema,
        response: { 201: ClosingsImportResponse, 402: Problem, 403: Problem, 409: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const outcome = await importClosings(contextOf(deps, request), {
        document: request.body as ClosingsMonth,
        expectedMonth: request.query.month,
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(outcome.response);
    },
  );

  app.post(
    '/closings/preview',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['closings'],
        summary: 'What an import of the same input would do, writing nothing (admin)',
        description:
          'The first 50 closings with what each credits (agents: GP × credit; managers: team GP), the counts, company GP (each deal once), ' +
          'and every warning and error the import would give. 200 even when the month has invalid values: they are listed in `errors`.',
        security: [{ bearerAuth: [] }],
        querystring: ImportQuery,
        body: ClosingsMonthSchema,
        response: { 200: ClosingsPreviewResponse, 402: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request) => previewClosings(contextOf(deps, request), { document: request.body as ClosingsMonth, expectedMonth: request.query.month }),
  );

  app.get(
    '/closings',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['closings'],
        summary: 'Months with closings and their company totals, newest first',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 24 }),
            offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: ClosingsMonthListResponse, 402: Problem },
      },
    },
    async (request) => listClosingMonths(contextOf(deps, request), request.query),
  );

  app.get(
    '/closings/:month',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['closings'],
        summary: 'One month’s closings: its totals and the closings in canonical form (importing them again changes nothing)',
        security: [{ bearerAuth: [] }],
        params: MonthParams,
        response: { 200: ClosingsMonthResponse, 402: Problem, 404: Problem },
      },
    },
    async (request) => readClosings(contextOf(deps, request), request.params),
  );

  app.delete(
    '/closings/:month',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['closings'],
        summary: 'Delete one month’s closings and the adjustments its import brought (admin)',
        security: [{ bearerAuth: [] }],
        params: MonthParams,
        response: { 204: Type.Null(), 402: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      await deleteClosings(contextOf(deps, request), request.params);
      return reply.code(204).send(null);
    },
  );
};

export default closingRoutes;
