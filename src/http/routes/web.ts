import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { RouteDeps } from '../route-deps.js';

/** The built web app (Vite, `npm run build:web`; `npm start` builds it when missing or stale). */
const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Hashed file names change with their content, so browsers may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Pages name the current hashed files: always revalidated (the ETag makes that cheap). */
const REVALIDATE = 'no-cache';

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Commission Intelligence</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The web app is not built</h1>
<p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when needed). The API is running: see <a href="/docs">/docs</a>.</p>
</body></html>`;

/**
 * The web app: the single-page app at `/`, the upgrade page at `/upgrade`, hashed bundles under
 * `/assets/` and the map topology under `/topojson/`. Only those paths are served from web/dist;
 * everything else stays the API's (and its problem+json 404s).
 */
const webRoutes: FastifyPluginAsync<RouteDeps> = async (app) => {
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    serve: false,
    cacheControl: false,
    // The build writes .br and .gz copies beside each file (web/vite.config.ts): sent as they are,
    // by the request's Accept-Encoding, with Vary set; @fastify/compress leaves encoded replies alone.
    preCompressed: true,
    // A build replaces files under a running server; a fresh stat per request sees them.
    lastModified: true,
  });

  const page = (file: string) => async (_request: unknown, reply: FastifyReply) => {
    if (!existsSync(`${WEB_DIST}${file}`)) {
      return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    }
    return reply.header('cache-control', REVALIDATE).sendFile(file);
  };
  app.get('/', { schema: { hide: true } }, page('index.html'));
  app.get('/index.html', { schema: { hide: true } }, page('index.html'));
  app.get('/upgrade', { schema: { hide: true } }, page('upgrade.html'));

  app.get<{ Params: { '*': string } }>('/assets/*', { schema: { hide: true } }, async (request, reply) => {
    return reply.header('cache-control', IMMUTABLE).sendFile(`assets/${request.params['*']}`);
  });
  app.get<{ Params: { '*': string } }>('/topojson/*', { schema: { hide: true } }, async (request, reply) => {
    // Fixed names (Plotly appends them), so cached for a day rather than for good.
    return reply.header('cache-control', 'public, max-age=86400').sendFile(`topojson/${request.params['*']}`);
  });
};

export default webRoutes;
