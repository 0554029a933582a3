import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

/** Imports a commissions month through the app; anything but 201 fails the test. */
export async function importMonth(app: FastifyInstance, headers: Record<string, string>, month: unknown): Promise<void> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers, payload: month as object });
  assert.equal(response.statusCode, 201, response.body);
}

/** The all-time summary's commission percentage, as the app answers it. */
export async function summaryPct(app: FastifyInstance, headers: Record<string, string>): Promise<number> {
  const response = await app.inject({ url: '/api/v1/analytics/summary?period=all', headers });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().commission_pct as number;
}
