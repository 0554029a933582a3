import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import type { RouteDeps } from '../route-deps.js';

const PUBLIC_DIR = new URL('../../../web/public/', import.meta.url);
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/upgrade': { file: 'upgrade.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** The web app's shell: sign-in from the URL fragment and the tenant's status. */
const webRoutes: FastifyPluginAsync<RouteDeps> = async (app) => {
  const files = new Map<string, Buffer>();
  for (const [route, asset] of Object.entries(ASSETS)) {
    files.set(route, await readFile(fileURLToPath(new URL(asset.file, PUBLIC_DIR))));
  }
  for (const [route, asset] of Object.entries(ASSETS)) {
    app.get(route, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'no-cache').send(files.get(route)),
    );
  }
};

export default webRoutes;
