import fp from 'fastify-plugin';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import swagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Problem } from '../schemas/problem.js';
import { DOCUMENTATION_CONTENT_SECURITY_POLICY } from './security.js';

const DESCRIPTION = `
The Commission Intelligence API: import and export monthly commission data, analyse pay efficiency,
and design commission plans. Every \`/api/v1\` route except the marketplace webhook needs a bearer
token issued by the marketplace (Supabase Auth); the caller's organisation is its tenant, and a
tenant only ever sees its own rows.

Errors are RFC 9457 \`application/problem+json\` documents. \`type\` is one of:
\`/problems/validation\` (with \`errors: [{pointer, message}]\`), \`/problems/unauthorized\`,
\`/problems/forbidden\`, \`/problems/not-found\`, \`/problems/malformed-body\`,
\`/problems/body-too-large\`, \`/problems/unsupported-media-type\`, \`/problems/unavailable\`,
\`/problems/internal\`.

A token with \`app_metadata.role: "payee"\` is a person who is paid: linked to one roster person (by
\`app_metadata.payee\`, or by its e-mail matching the person's), it may call only the routes tagged
\`me\` and \`inquiries\`, and sees only that person's rows. Every other route answers it 403
\`/problems/payee-forbidden\`; a payee token that links to nobody gets 403 \`/problems/payee-unlinked\`.
`.trim();

type Hook = (...args: never[]) => unknown;

function hooksOf(route: RouteOptions): Hook[] {
  const hooks = route.onRequest;
  if (!hooks) return [];
  return (Array.isArray(hooks) ? hooks : [hooks]) as Hook[];
}

/**
 * The answers a route's guards can give, added to its documented responses (the document only: the
 * route's own schema, which serialises replies, is left as it is): 401 wherever a bearer token is
 * needed, 402 behind a feature gate (the hook plugins/entitlements.ts names `requireFeature`), 403
 * behind `requireAdmin` and wherever a bearer token is needed (payees are refused every route not
 * opened to them). A route that declares one itself keeps its own.
 */
function guardResponses(): SwaggerTransform {
  return ({ schema, url, route }) => {
    if (!schema) return { schema, url };
    const guarded: Record<number, unknown> = {};
    const security = (schema as { security?: Array<Record<string, unknown>> }).security ?? [];
    if (security.some((scheme) => 'bearerAuth' in scheme)) {
      guarded[401] = Problem;
      guarded[403] = Problem;
    }
    const hooks = hooksOf(route);
    if (hooks.some((hook) => hook.name === 'requireFeature')) guarded[402] = Problem;
    if (Object.keys(guarded).length === 0) return { schema, url };
    const response = { ...guarded, ...((schema.response as Record<number, unknown> | undefined) ?? {}) };
    return { schema: { ...schema, response } as FastifySchema, url };
  };
}

interface Operation {
  parameters?: Array<{ required?: boolean; schema?: { default?: unknown } }>;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * What the generator cannot know: a CSV answer is text, not the route's JSON schema, and a
 * parameter with a default may be left out.
 */
const documentFixes: SwaggerTransformObject = (documentObject) => {
  // This plugin makes OpenAPI 3.1 only.
  const openapiObject = 'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
  const document = openapiObject as { paths?: Record<string, Record<string, Operation>> };
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.schema && 'default' in parameter.schema) parameter.required = false;
      }
      for (const response of Object.values(operation.responses ?? {})) {
        const csv = response.content?.['text/csv'];
        if (csv) csv.schema = { type: 'string', description: 'RFC 4180 CSV with a header row.' };
      }
    }
  }
  return openapiObject;
};

/** OpenAPI 3.1 generated from the route schemas, served at /openapi.json and browsable at /docs. */
async function openapiPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    transform: guardResponses(),
    transformObject: documentFixes,
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Commission Intelligence API', version: '1.0.0', description: DESCRIPTION },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      tags: [
        { name: 'commissions', description: 'Import, export and manage monthly commission data' },
        { name: 'closings', description: 'Import and read monthly closings: one row per deal with its acq and dispo sides' },
        { name: 'agents', description: 'The agents of the tenant and their history' },
        { name: 'analytics', description: 'Efficiency, problem agents, markets and forecasts, computed from monthly roll-ups' },
        { name: 'settings', description: "The tenant's thresholds" },
        { name: 'plans', description: 'Commission plans: versions, statements, what-if simulation and the optimiser' },
        { name: 'payouts', description: "A month's pay from its closings: calculate, adjust, approve and lock, reopen; the months' goals" },
        { name: 'me', description: 'The caller, and a payee\'s own statements (the role payee sees only these and inquiries)' },
        { name: 'inquiries', description: 'A payee questions a line of their statement; admins answer and resolve' },
        { name: 'entitlements', description: 'What the tenant may use' },
        { name: 'audit', description: 'Who read or changed what: the append-only audit trail' },
        { name: 'tenant', description: "The organisation's own data: GDPR export and erasure" },
        { name: 'operations', description: 'Health and readiness' },
      ],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Whatever policy the response carries so far, the documentation's own (inline <style> allowed).
    transformStaticCSP: () => DOCUMENTATION_CONTENT_SECURITY_POLICY,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(openapiPlugin, { name: 'openapi' });
