/**
 * /metrics in the Prometheus text format: request durations by route pattern and status, the
 * pool, the cache's hit ratio, feature usage and the audit writer — and never a tenant or user id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';
import { MemoryTenantCache } from '../../src/cache/memory-cache.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';

test('/metrics reports durations, pool, cache, feature usage and audit counts without tenant data', async (t) => {
  const cache = new MemoryTenantCache({});
  t.after(() => cache.close());
  const app = await testApp(t, { cache, clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('metrics');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID(), email: 'metrics-person@example.test' }));
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: smallMonth('2025-08') })).statusCode, 201);
  for (let i = 0; i < 2; i += 1) assert.equal((await app.inject({ url: '/api/v1/analytics/summary?period=all', headers: admin })).statusCode, 200);
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-07', headers: admin })).statusCode, 404);
  await app.auditWriter.flush();

  const response = await app.inject('/metrics');
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  const text = response.body;
  assert.match(text, /cip_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/commissions\/:month".*status_code="404"/);
  assert.match(text, /cip_http_request_duration_seconds_count\{.*route="\/api\/v1\/analytics\/summary".*status_code="200".*\} 2/);
  assert.match(text, /cip_db_pool_connections\{.*state="max".*\} 10/);
  // Entitlements are read through the cache too. Misses: the import's entitlements, then (the import
  // bumped the tenant's generation) the first summary's entitlements and summary. Hits: the second
  // summary's entitlements and summary, and the 404's entitlements.
  assert.match(text, /cip_cache_hit_ratio\{.*\} 0\.5/);
  assert.match(text, /cip_cache_operations_total\{operation="hits".*\} 3/);
  assert.match(text, /cip_feature_requests_total\{feature="analytics",outcome="served".*\} 2/);
  assert.match(text, /cip_feature_requests_total\{feature="commission_data",outcome="failed".*\} 1/);
  assert.match(text, /cip_audit_entries\{state="written".*\} [1-9]/);
  assert.match(text, /cip_process_cpu_seconds_total/);
  for (const secret of [org, tenantIdForOrg(org), 'metrics-person@example.test', '2025-07']) assert.ok(!text.includes(secret), `metrics mention ${secret}`);
});
