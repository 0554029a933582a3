import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

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
`.trim();

/** OpenAPI 3.1 generated from the route schemas, served at /openapi.json and browsable at /docs. */
async function openapiPlugin(app: FastifyInstance) {
  await app.register(swagger, {
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
        { name: 'entitlements', description: 'What the tenant may use' },
        { name: 'audit', description: 'Who read or changed what: the append-only audit trail' },
        { name: 'tenant', description: "The organisation's own data: GDPR export and erasure" },
        { name: 'operations', description: 'Health and readiness' },
      ],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Swagger UI's script adds a <style> element of its own. On the documentation pages only (no
    // tenant data there), inline style elements are allowed; scripts stay this origin's alone.
    transformStaticCSP: (policy: string) => policy.replace(/style-src-elem [^;]*/, "style-src-elem 'self' 'unsafe-inline'"),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(openapiPlugin, { name: 'openapi' });
