/**
 * The attack set of issue 19, kept as tests so the fixes stay fixed: bodies that used to freeze the
 * whole service, and imports that crowded out other tenants.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { appPool, bearer, ownerClient, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { smallMonth } from '../helpers/fixtures.js';
import { Worker } from 'node:worker_threads';
import { generateMonth } from '../../bench/generate.js';

async function admin(): Promise<Record<string, string>> {
  return bearer(await tokenFor({ orgId: uniqueOrg(), role: 'admin', sub: randomUUID() }));
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

async function listening(t: TestContext, env: Record<string, string> = {}): Promise<{ app: FastifyInstance; base: string }> {
  const app = await testApp(t, { env, clock: () => new Date('2025-10-15T12:00:00Z') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { app, base: `http://127.0.0.1:${address.port}` };
}

test('bodies are small everywhere but imports: 10 MB to /plans/simulate is refused before it is read', async (t) => {
  const app = await testApp(t);
  const headers = { ...(await admin()), 'content-type': 'application/json' };
  const tenMegabytes = nested(5 * 1024 * 1024);
  const simulate = await app.inject({ method: 'POST', url: '/api/v1/plans/simulate', headers, payload: tenMegabytes });
  assert.equal(simulate.statusCode, 413);
  assert.equal(simulate.headers['content-type'], 'application/problem+json; charset=utf-8');
  // Just over the small limit (256 KiB) is refused on a plan route, and accepted in size by an import.
  const justOver = JSON.stringify({ name: 'x'.repeat(300 * 1024) });
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/plans', headers, payload: justOver })).statusCode, 413);
  const bigImport = { ...smallMonth('2025-06'), note: 'y'.repeat(300 * 1024) };
  const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers, payload: JSON.stringify(bigImport) });
  assert.notEqual(imported.statusCode, 413, 'imports keep the large limit');
  assert.ok(imported.statusCode < 500, `import answered ${imported.statusCode}`);
});

test('JSON nested deeper than the limit is refused with 400 before parsing, in linear time', async (t) => {
  const app = await testApp(t);
  const headers = { ...(await admin()), 'content-type': 'application/json' };
  const deep = await app.inject({ method: 'POST', url: '/api/v1/plans/simulate', headers, payload: nested(100_000) });
  assert.equal(deep.statusCode, 400);
  assert.equal(deep.json().type, '/problems/json-too-deep');
  // Brackets inside strings do not nest: a plan name full of them is just a (bad) plan.
  const inString = await app.inject({ method: 'POST', url: '/api/v1/plans/simulate', headers, payload: JSON.stringify({ plan: { name: '['.repeat(10_000) } }) });
  assert.equal(inString.statusCode, 422);
  // Also on an import, where the large limit allows 10 MB of brackets.
  const deepImport = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers, payload: nested(4 * 1024 * 1024) });
  assert.equal(deepImport.statusCode, 400);
});

test("one tenant's parallel imports get 429 with Retry-After beyond its share; another tenant still imports", async (t) => {
  const app = await testApp(t, { env: { IMPORTS_PER_TENANT: '1', IMPORTS_TOTAL: '3' } });
  const a = await admin();
  const b = await admin();
  const body = JSON.stringify(generateMonth({ agents: 40, managers: 4 }, '2025-05', 4_000, 11));
  const send = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
  const answers = await Promise.all([send(a), send(a), send(a), send(a), send(b)]);
  const statuses = answers.map((answer) => answer.statusCode);
  assert.ok(statuses.every((status) => status === 201 || status === 429), statuses.join(','));
  assert.ok(statuses.slice(0, 4).filter((status) => status === 201).length >= 1, statuses.join(','));
  assert.ok(statuses.slice(0, 4).includes(429), `A's concurrent imports beyond one are refused: ${statuses.join(',')}`);
  const refused = answers.find((answer) => answer.statusCode === 429)!;
  assert.equal(refused.headers['retry-after'], '5');
  assert.equal(refused.json().type, '/problems/too-many-imports');
  assert.equal(statuses[4], 201, "B is not refused for A's imports");
  // The slots come back: A imports again once its import finished.
  assert.equal((await send(a)).statusCode, 201);
});

/**
 * The worst bodies, sent for `seconds`: rounds of bodies the limits refuse (10 MB, deep nesting) and,
 * beside them, a loop of imports that pass every limit (20,000-deal JSON months and a 100,000-row
 * CSV file, parsed whole before its 100,000 payees are refused). Posts back every status seen (0:
 * connection closed).
 */
const ATTACKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, headers, seconds, bigMonths, bigCsv } = workerData;
const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const tenMegabytes = nested(5 * 1024 * 1024);
const deepButSmall = '{"plan":' + nested(100000) + '}';
const deepImport = nested(4 * 1024 * 1024);
const statuses = [];
const post = (path, body, type = 'application/json') => fetch(base + path, { method: 'POST', headers: { ...headers, 'content-type': type }, body })
  .then(async (response) => { statuses.push(response.status); await response.arrayBuffer(); }, () => statuses.push(0));
(async () => {
  const deadline = Date.now() + seconds * 1000;
  const refused = async () => {
    while (Date.now() < deadline) {
      await Promise.all([
        post('/api/v1/plans/simulate', tenMegabytes), post('/api/v1/plans/simulate', tenMegabytes),
        ...Array.from({ length: 4 }, () => post('/api/v1/plans/simulate', deepButSmall)),
        post('/api/v1/commissions/import', deepImport),
      ]);
    }
  };
  const imports = async () => {
    while (Date.now() < deadline) {
      await Promise.all([
        ...bigMonths.map((body) => post('/api/v1/commissions/import', body)),
        post('/api/v1/commissions/import?month=2025-03', bigCsv, 'text/csv'),
      ]);
    }
  };
  await Promise.all([refused(), imports()]);
  parentPort.postMessage(statuses);
})();
`;

/** A payee CSV of `rows` agents: as many rows as a CSV import reads (MAX_CSV_ROWS), far more payees than a month takes. */
function csvOfAgents(month: string, rows: number): string {
  const lines = ['month,payee_type,name,agent_type,manager,market,team,gp,deals,terminations,commission'];
  for (let i = 0; i < rows; i++) lines.push(`${month},agent,Agent ${i},acq,,Dallas,,1000.00,1,0,100.00`);
  return lines.join('\r\n') + '\r\n';
}

// The attack of issue 19 item 2: bodies the limits refuse, and at once imports that pass every
// limit (two 20,000-deal JSON months and a 100,000-row CSV at a time, beyond the tenant's two
// import slots answered 429). Import bodies are read, checked and rolled up on the import worker
// threads (src/services/imports/); when that ran on the event loop, this attack gave p99 1,032 ms
// against 92 ms unattacked (3 December 2026, load average 9 on two shared cores), and after it
// 302 to 459 ms against 19 to 142 ms over three runs at load average 3 to 11: it holds, but not
// by a wide margin on a shared machine (the imports' own PostgreSQL work still shares the cores).
test('a tenant sending the worst bodies does not hold up another tenant\'s reads (p99 < 500 ms)', async (t) => {
  const { base } = await listening(t, { IMPORTS_PER_TENANT: '2', IMPORTS_TOTAL: '4' });
  const attackerHeaders = await admin();
  const victim = await admin();
  await fetch(`${base}/api/v1/commissions/import`, { method: 'POST', headers: { ...victim, 'content-type': 'application/json' }, body: JSON.stringify(smallMonth('2025-08')) });
  const bigMonths = ['2025-01', '2025-02'].map((month, index) => JSON.stringify(generateMonth({ agents: 300, managers: 30 }, month, 20_000, 7 + index)));
  const bigCsv = csvOfAgents('2025-03', 100_000);

  // The attacker runs in a worker thread: building and sending its bodies must not load the
  // server's event loop, which is what is under test.
  const attacker = new Worker(ATTACKER, { eval: true, workerData: { base, headers: attackerHeaders, seconds: 12, bigMonths, bigCsv } });
  let attacking = true;
  const attack = new Promise<number[]>((resolve, reject) => {
    attacker.once('message', (statuses: number[]) => {
      attacking = false;
      resolve(statuses);
    });
    attacker.once('error', reject);
  });
  t.after(() => attacker.terminate());

  const victimStatuses = new Set<number>();
  const read = async () => {
    const started = performance.now();
    const response = await fetch(`${base}/api/v1/commissions`, { headers: victim });
    await response.arrayBuffer();
    victimStatuses.add(response.status);
    return performance.now() - started;
  };
  const p99Of = (latencies: number[]) => [...latencies].sort((x, y) => x - y)[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const latencies: number[] = [];
  while (attacking) {
    latencies.push(await read());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const attackStatuses = await attack;
  // The same reads with nobody attacking: what this machine gives at all.
  const baseline: number[] = [];
  for (let i = 0; i < 40; i++) baseline.push(await read());
  const p99 = p99Of(latencies);
  const baselineP99 = p99Of(baseline);
  t.diagnostic(`victim reads under attack: ${latencies.length}, p99 ${p99.toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms; unattacked p99 ${baselineP99.toFixed(0)} ms; attacker statuses ${[...new Set(attackStatuses)].join(',')}`);
  assert.deepEqual([...victimStatuses], [200]);
  assert.ok(!attackStatuses.some((status) => status >= 500 && status !== 503), `attacker got ${attackStatuses.join(',')}`);
  // 500 ms is deliberately generous: the behaviour under test is "not frozen" (before the fix the
  // same attack held reads up for 4 to 31 seconds), not speed. On a machine so loaded that even
  // unattacked reads are slow, the bound is 500 ms on top of what unattacked reads take there.
  assert.ok(p99 < 500 + baselineP99, `p99 ${p99.toFixed(0)} ms under attack, ${baselineP99.toFixed(0)} ms without`);
});

test('erasing the organisation does not buy a new promotion: the tombstone keeps tier and promotion end', async (t) => {
  const pool = appPool(t);
  const org = uniqueOrg('promo-reset');
  const headers = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  // First sign-in on 2025-10-15: 90 days counting that day end on 2026-01-12.
  const then = await testApp(t, { pool, clock: () => new Date('2025-10-15T12:00:00Z') });
  const first = (await then.inject({ url: '/api/v1/entitlements', headers })).json();
  assert.equal(first.subscription_tier, 'promo');
  assert.equal(first.promo_until, '2026-01-12');

  // On 2026-03-01, the promotion long over, the admin erases the organisation and signs in again.
  const later = await testApp(t, { pool, clock: () => new Date('2026-03-01T12:00:00Z') });
  const erased = await later.inject({ method: 'DELETE', url: '/api/v1/tenant', headers, payload: { confirm: org } });
  assert.equal(erased.statusCode, 200, erased.body);
  const again = (await later.inject({ url: '/api/v1/entitlements', headers })).json();
  assert.equal(again.subscription_tier, 'promo');
  assert.equal(again.promo_until, '2026-01-12', 'the old promotion end, not 2026-05-29');
  // And the tombstone is where that came from.
  const owner = await ownerClient(t);
  const tombstone = await owner.query('SELECT subscription_tier, promo_until::text AS promo_until FROM tenant_tombstones WHERE tenant_id = $1', [tenantIdForOrg(org)]);
  assert.deepEqual(tombstone.rows, [{ subscription_tier: 'promo', promo_until: '2026-01-12' }]);
});

/** sqlmap's families in miniature: boolean, UNION, stacked, time-based, error-based, quoting and placeholders. */
const INJECTIONS = [
  "' OR '1'='1",
  "1' OR 1=1--",
  "') OR ('1'='1",
  '" OR ""="',
  "%' OR '%'='",
  "' UNION SELECT NULL,NULL,NULL--",
  "2025-08' AND (SELECT pg_sleep(5)) IS NULL--",
  '1;SELECT pg_sleep(5)--',
  "1' AND 1=CAST((SELECT version()) AS int)--",
  "2025-08'||(SELECT current_setting('app.current_tenant'))||'",
  "'; SET app.current_tenant = '00000000-0000-0000-0000-000000000000'; --",
  '$1',
  '\\',
];

test('sqlmap-style payloads on every path and query parameter of the OpenAPI document: no 5xx, no SQL error, no delay, no other tenant', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const attacker = await admin();
  const victimOrg = uniqueOrg('sqli-victim');
  const victim = bearer(await tokenFor({ orgId: victimOrg, role: 'admin', sub: randomUUID() }));
  const marker = `Victim Marker ${randomUUID().slice(0, 8)}`;
  const victimMonth = JSON.parse(JSON.stringify(smallMonth('2025-08')).replaceAll('Ada Quill', marker)) as ReturnType<typeof smallMonth>;
  for (const [headers, month] of [[attacker, smallMonth('2025-08')], [victim, victimMonth]] as const) {
    const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers, payload: month });
    assert.equal(imported.statusCode, 201, imported.body);
  }

  type Operation = { parameters?: { in: string; name: string }[] };
  const document = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> };
  const failures: string[] = [];
  let sent = 0;
  let slowest = 0;
  const attack = async (method: 'GET' | 'DELETE', url: string) => {
    const started = performance.now();
    const response = await app.inject({ method, url, headers: attacker });
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    sent += 1;
    const label = `${method} ${url.slice(0, 140)}`;
    if (response.statusCode >= 500) failures.push(`${label} → ${response.statusCode} ${response.body.slice(0, 160)}`);
    // A time-based payload that ran would take 5 s; nothing here takes half of that.
    if (ms > 2_500) failures.push(`${label} took ${Math.round(ms)} ms`);
    // PostgreSQL's own error texts (the payload itself is echoed in `instance`, so not its words).
    if (/syntax error|unterminated quoted|invalid input syntax|SQLSTATE|relation "|column "|\bat .+\.(ts|js):\d+/i.test(response.body)) {
      failures.push(`${label} → leaks SQL or internals: ${response.body.slice(0, 160)}`);
    }
    if (response.body.includes(marker)) failures.push(`${label} → shows the other tenant's data`);
  };

  for (const [path, operations] of Object.entries(document.paths)) {
    if (path === '/api/v1/events' || path === '/readyz') continue;
    for (const method of ['get', 'delete'] as const) {
      const operation = operations[method];
      if (!operation) continue;
      const verb = method.toUpperCase() as 'GET' | 'DELETE';
      const fill = (name: string) => (name === 'month' ? '2025-07' : randomUUID());
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!)) {
        for (const payload of INJECTIONS) {
          await attack(verb, path.replace(/\{(\w+)\}/g, (_, other: string) => (other === name ? encodeURIComponent(payload) : fill(other))));
        }
      }
      const goodPath = path.replace(/\{(\w+)\}/g, (_, name: string) => fill(name));
      for (const name of (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name)) {
        for (const payload of INJECTIONS) await attack(verb, `${goodPath}?${new URLSearchParams({ [name]: payload })}`);
      }
    }
  }
  t.diagnostic(`${sent} injection requests, slowest ${Math.round(slowest)} ms`);
  assert.ok(sent > 100, `only ${sent} requests sent`);
  assert.deepEqual(failures, []);

  // Both tenants' months survived every DELETE with an injected id.
  for (const headers of [attacker, victim]) assert.equal((await app.inject({ url: '/api/v1/commissions/2025-08', headers })).statusCode, 200);
  const shown = await app.inject({ url: '/api/v1/commissions/2025-08', headers: victim });
  assert.ok(shown.body.includes(marker));
});
