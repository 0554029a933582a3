import type { FastifyPluginAsync } from 'fastify';
import type { ChangeFeed } from '../../realtime/change-feed.js';
import { SSE_HEADERS, TenantEventHub, type TenantEventHubOptions } from '../../realtime/sse.js';
import { HttpProblem, unauthorized } from '../problem.js';
import { Problem } from '../schemas/problem.js';

export interface EventsRouteOptions extends TenantEventHubOptions {
  feed: ChangeFeed;
}

const DESCRIPTION = `
Server-Sent Events (\`text/event-stream\`) announcing changes to the caller's tenant, so dashboards
refresh without polling. Events: \`ready\` (subscribed), \`change\` with data \`{"type": "import",
"month": "2025-09"}\` (the type says what changed; the month is present when one month did),
\`resync\` (changes may have been missed: refetch everything), \`revoked\` (the stream ends: the
session was revoked, the user or the organisation erased, or the token expired: reconnecting with
the same token is pointless). A comment line every 25 seconds keeps the connection open through
proxies. Only ever the caller's own tenant's changes.
`.trim();

/**
 * `GET /events`, registered inside the authenticated `/api/v1` context. The response is taken
 * over from Fastify (hijacked) and handed to the hub, which writes the tenant's changes to it until
 * the client disconnects. The streams are ended in `preClose`, before the server waits for open
 * connections; hooks that run on send (headers) do not run for a hijacked reply.
 */
const eventsRoutes: FastifyPluginAsync<EventsRouteOptions> = async (app, options) => {
  const { feed, ...hubOptions } = options;
  const hub = new TenantEventHub(feed, hubOptions);
  app.addHook('preClose', async () => hub.endAll());
  app.addHook('onClose', async () => hub.close());

  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: "Live notifications of changes to the tenant's data (Server-Sent Events)",
        description: DESCRIPTION,
        security: [{ bearerAuth: [] }],
        response: {
          200: { description: 'An open event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          401: Problem,
          429: Problem,
        },
      },
    },
    async (request, reply) => {
      const tenantId = request.principal?.tenantId;
      if (!tenantId) throw unauthorized('missing bearer token');
      if (!hub.canOpen(tenantId)) {
        throw new HttpProblem(429, 'too-many-streams', 'Too many open event streams for this organisation.', {}, { 'retry-after': '30' });
      }
      reply.hijack();
      // The headers the reply holds so far (security headers, CORS) go out with the stream's own.
      const held = Object.entries(reply.getHeaders()).filter((entry): entry is [string, string | number | string[]] => entry[1] !== undefined);
      reply.raw.writeHead(200, { ...Object.fromEntries(held), ...SSE_HEADERS, 'x-request-id': request.id });
      const { userId, sessionId, expiresAt } = request.principal!;
      hub.attach(tenantId, reply.raw, { userId, sessionId, expiresAt });
      return reply;
    },
  );
};

export default eventsRoutes;
