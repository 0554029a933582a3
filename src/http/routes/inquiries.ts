import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InquiryBodySchema, InquiryListQuery, InquiryListSchema, InquiryParams, InquirySchema, ReplyBodySchema, ResolveBodySchema } from '../../schemas/inquiries.js';
import { PayoutMonthParams } from '../../schemas/payouts.js';
import { createInquiry } from '../../services/inquiries/create-inquiry.js';
import { listAllInquiries, listInquiries, readInquiry } from '../../services/inquiries/list-inquiries.js';
import { replyToInquiry } from '../../services/inquiries/reply-inquiry.js';
import { resolveInquiry } from '../../services/inquiries/resolve-inquiry.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { Problem } from '../schemas/problem.js';

const security = [{ bearerAuth: [] }];
const tags = ['inquiries'];
// Opened to payees (src/http/plugins/auth.ts refuses them every route without it); the payee
// policies (migration 0016) keep them to their own threads whatever the handler does.
const config = { payeeAccess: true };

/** A payee questions a line of their statement; admins answer and resolve (issue 16). */
const inquiryRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const gate = app.requireFeature('plans');

  app.post(
    '/payouts/:month/inquiries',
    {
      config,
      onRequest: gate,
      schema: {
        tags,
        summary: 'Question a line of a statement (the payee about their own, or an admin)',
        description: 'The line is `{payee, index}` in the stored statement (`lines`, from 0). 404 when the asker sees no such statement (a payee: approved months, drafts only if allowed); 422 for a line that does not exist.',
        security,
        params: PayoutMonthParams,
        body: InquiryBodySchema,
        response: { 201: InquirySchema, 402: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await createInquiry(contextOf(deps, request), { month: request.params.month, ...request.body })),
  );

  app.get(
    '/payouts/:month/inquiries',
    {
      config,
      onRequest: gate,
      schema: {
        tags,
        summary: "The month's inquiries with their threads (a payee: their own)",
        security,
        params: PayoutMonthParams,
        response: { 200: InquiryListSchema, 402: Problem, 404: Problem },
      },
    },
    async (request) => listInquiries(contextOf(deps, request), request.params),
  );

  app.get(
    '/inquiries',
    {
      config,
      onRequest: gate,
      schema: {
        tags,
        summary: 'Inquiries of every month with their threads, oldest first (a payee: their own)',
        description: '`status=open`: what still waits for an answer, wherever it was asked. At most 1,000.',
        security,
        querystring: InquiryListQuery,
        response: { 200: InquiryListSchema, 402: Problem },
      },
    },
    async (request) => listAllInquiries(contextOf(deps, request), request.query),
  );

  app.get(
    '/payouts/:month/inquiries/:id',
    {
      config,
      onRequest: gate,
      schema: { tags, summary: 'One inquiry with its thread', security, params: InquiryParams, response: { 200: InquirySchema, 402: Problem, 404: Problem } },
    },
    async (request) => readInquiry(contextOf(deps, request), request.params),
  );

  app.post(
    '/payouts/:month/inquiries/:id/replies',
    {
      config,
      onRequest: gate,
      schema: {
        tags,
        summary: 'Reply in an open thread (its payee or an admin)',
        description: '409 `inquiry-resolved` once resolved.',
        security,
        params: InquiryParams,
        body: ReplyBodySchema,
        response: { 201: InquirySchema, 402: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await replyToInquiry(contextOf(deps, request), { ...request.params, message: request.body.message })),
  );

  app.post(
    '/payouts/:month/inquiries/:id/resolve',
    {
      config,
      onRequest: [gate, app.requireAdmin],
      schema: {
        tags,
        summary: 'Resolve an inquiry with a note (admin): open → resolved',
        description: '409 `inquiry-resolved` when it already is.',
        security,
        params: InquiryParams,
        body: ResolveBodySchema,
        response: { 200: InquirySchema, 402: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request) => resolveInquiry(contextOf(deps, request), { ...request.params, note: request.body.note }),
  );
};

export default inquiryRoutes;
