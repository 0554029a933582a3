/**
 * The service's OpenAPI document without a database: buildApp does no I/O of its own, so an app
 * on a pool that never connects can still answer `/openapi.json`. Used by `npm run postman` and the
 * OpenAPI lint test, so both see exactly what a running server publishes.
 */
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { createTokenVerifier } from '../src/auth/verify-token.js';
import { loadConfig } from '../src/config.js';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

export async function openapiDocument(): Promise<OpenApiDocument> {
  const config = loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: 'openapi-document-only-never-verifies-tokens' });
  // Port 1 on loopback: nothing listens, and nothing here ever queries.
  const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1 });
  const app = await buildApp({
    config,
    pool,
    verifyToken: createTokenVerifier(config.auth, { hsSecret: new TextEncoder().encode(config.auth.jwtSecret) }),
    latestMigration: 'none',
  });
  try {
    const response = await app.inject('/openapi.json');
    if (response.statusCode !== 200) throw new Error(`/openapi.json answered ${response.statusCode}`);
    return response.json() as OpenApiDocument;
  } finally {
    await app.close();
    await pool.end();
  }
}
