/**
 * WEB_CONCURRENCY=2 (issue 21): the service as a process runs two workers on one port
 * (node:cluster); the primary migrates once; an import through one worker is seen by reads that
 * land on the other, whose in-process cache the change feed invalidates (as for two instances);
 * a worker that dies is replaced; SIGTERM drains both and the primary stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/db/bootstrap.js';
import { smallMonth } from '../helpers/fixtures.js';
import { bearer, serverUrl, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { request, startService } from '../helpers/service-process.js';

/** Pids of the processes that logged a request line for `requestId`-prefixed requests. */
function pidsOf(output: string, prefix: string): Set<number> {
  const pids = new Set<number>();
  for (const line of output.split('\n')) {
    if (!line.includes('"request completed"') || !line.includes(`"request_id":"${prefix}`)) continue;
    const pid = /"pid":(\d+)/.exec(line)?.[1];
    if (pid) pids.add(Number(pid));
  }
  return pids;
}

test('two workers on one port: an import through one is read through the other, a dead worker is replaced', { timeout: 180_000 }, async (t) => {
  const database = `cip_cluster_${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(serverUrl(), database);
  t.after(() => dropDatabase(serverUrl(), database));
  const service = await startService(t, withDatabase(serverUrl(), database), { WEB_CONCURRENCY: '2' });
  const output = service.output();
  assert.equal((output.match(/"msg":"migrations applied"/g) ?? []).length, 1, 'the primary migrates, once');
  assert.doesNotMatch(output, /Failed to start|worker exited unexpectedly/, 'both workers start at once (pg-boss queue creation once raced into a deadlock)');
  assert.match(output, /"workers":2[^\n]*"msg":"listening"|"msg":"listening"[^\n]*"workers":2/);

  const admin = bearer(await tokenFor({ orgId: uniqueOrg('cluster'), role: 'admin', sub: randomUUID() }));
  const summary = '/api/v1/analytics/summary?period=all';
  // Keep-alive-free requests (a connection each), so the primary's round robin spreads them.
  const read = async (tag: string, i: number) => {
    const answer = await request(service.base, summary, { headers: { ...admin, 'x-request-id': `${tag}-${String(i).padStart(4, '0')}` } });
    assert.equal(answer.status, 200, answer.body);
    return answer.body;
  };
  const first = await request(service.base, '/api/v1/commissions/import', { method: 'POST', headers: admin, body: smallMonth('2025-07') });
  assert.equal(first.status, 201, first.body);
  // Both workers compute and cache the one-month summary.
  const before = new Set<string>();
  for (let i = 0; i < 20; i += 1) before.add(await read('warm', i));
  await eventually('the warm-up reads logged', () => pidsOf(service.output(), 'warm-').size > 0);
  assert.equal(pidsOf(service.output(), 'warm-').size, 2, 'reads reached both workers');
  assert.equal(before.size, 1);

  const second = await request(service.base, '/api/v1/commissions/import', { method: 'POST', headers: { ...admin, 'x-request-id': 'import-second-0001' }, body: smallMonth('2025-08') });
  assert.equal(second.status, 201, second.body);
  const importPids = pidsOf(service.output(), 'import-second-');
  // Every read afterwards, on either worker, includes the second month (the feed reaches the other worker's cache).
  await eventually('both workers serve the new summary', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 10; i += 1) bodies.add(await read(`after-${Date.now()}`, i));
    return bodies.size === 1 && !before.has([...bodies][0]!);
  });
  const afterPids = pidsOf(service.output(), 'after-');
  assert.equal(afterPids.size, 2, 'the reads after the import reached both workers');
  assert.ok([...afterPids].some((pid) => !importPids.has(pid)), 'some read landed on the worker that did not import');

  // A worker killed outright is replaced; the service keeps answering.
  const victim = [...afterPids][0]!;
  const replacements = () => (service.output().match(/"msg":"worker exited unexpectedly: starting a replacement"/g) ?? []).length;
  const replacedBefore = replacements();
  process.kill(victim, 'SIGKILL');
  // Counted, not matched: a read sent before the primary has seen the death can be handed to the
  // dead worker and never answered (node:cluster), so the reads wait for the primary's word.
  await eventually('a replacement worker', () => replacements() > replacedBefore);
  await eventually('answers again from two workers', async () => {
    const tag = `replaced-${Date.now()}`;
    for (let i = 0; i < 10; i += 1) await read(tag, i);
    const pids = pidsOf(service.output(), tag);
    return pids.size === 2 && !pids.has(victim);
  });

  service.child.kill('SIGTERM');
  const exit = await service.exited;
  assert.equal(exit.code, 0, service.output().slice(-2000));
  assert.match(service.output(), /"msg":"shutting down: draining the workers"/);
});
