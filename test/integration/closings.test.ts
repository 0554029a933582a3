import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { appPool, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { withTenant } from '../../src/db/tenant.js';
import { countClosingRows } from '../../src/db/closings.js';
import type { ClosingsMonth } from '../../src/domain/closings/closing.js';
import iconv from 'iconv-lite';

/*
 * The worked example, September 2025, figured by hand:
 *
 *   #  property / market                          GP        trx  status      sides
 *   0  5118 Reno St, Philadelphia, PA 19139       6,000.00   1   closed      acq Steve (mgr Devin), dispo Vince (mgr Maegan)
 *   1  77 Elm Ave, Camden, NJ 08102  (memo row)   1,250.50   0   closed      acq Devin (no mgr), dispo house (mgr Maegan)
 *   2  Phoenix, AZ                                  900.00   1   terminated  acq Steve (mgr Devin)
 *   3  Phoenix, AZ  (fee 3,000.00: GP above it)   3,000.25   1   closed      acq Steve 0.5 + Ana 0.5 (both mgr Devin), dispo Devin (mgr Maegan)
 *   4  9 Oak St, Camden, NJ 08104 (house deal)      500.00   2   closed      acq house, no manager
 *
 * Company GP (closed deals once): 6,000 + 1,250.50 + 3,000.25 + 500 = 10,750.75; transactions
 * 1 + 0 + 1 + 2 = 4; 4 closed closings, 1 terminated.
 * Credited GP: Steve acq 6,000 + 0 (terminated) + 1,500.125 = 7,500.125 (7,500.13 rounded once);
 * Ana acq 1,500.125; Vince dispo 6,000; Devin acq 1,250.50 (memo, 0 deals) and dispo 3,000.25:
 * 4,250.75, type dispo (the role that earned more). Team GP: Devin acq 6,000 + 0 + 3,000.25 (the
 * split deal once) = 9,000.25, 2 deals, 1 termination; Maegan dispo 6,000 + 1,250.50 (house side
 * included) + 3,000.25 = 10,250.75, 2 deals. Devin is in three roles: acq agent, dispo agent, acq manager.
 * Termination rate of the month: 1 / (4 + 1) = 0.2.
 */
function example(): ClosingsMonth {
  return {
    month: '2025-09',
    closings: [
      {
        id: 'R-1',
        date: '2025-09-30',
        property: '5118 Reno St, Philadelphia, PA 19139',
        gp: 6000,
        assignment_fee: 6000,
        transactions: 1,
        attributes: { flat_fee: false, exit_strategy: 'Assignment' },
        sides: [
          { role: 'acq', agent: 'Steve', manager: 'Devin' },
          { role: 'dispo', agent: 'Vince', manager: 'Maegan' },
        ],
      },
      {
        property: '77 Elm Ave, Camden, NJ 08102',
        gp: 1250.5,
        transactions: 0,
        sides: [
          { role: 'acq', agent: 'Devin' },
          { role: 'dispo', agent: null, manager: 'Maegan' },
        ],
      },
      { id: 'R-3', market: 'Phoenix, AZ', gp: 900, status: 'terminated', sides: [{ role: 'acq', agent: 'Steve', manager: 'Devin' }] },
      {
        id: 'R-4',
        market: 'Phoenix, AZ',
        gp: 3000.25,
        assignment_fee: 3000,
        sides: [
          { role: 'acq', agent: 'Steve', manager: 'Devin', credit: 0.5 },
          { role: 'acq', agent: 'Ana', manager: 'Devin', credit: '0.5' },
          { role: 'dispo', agent: 'Devin', manager: 'Maegan' },
        ],
      },
      { property: '9 Oak St, Camden, NJ 08104', gp: 500, transactions: 2, sides: [{ role: 'acq', agent: null }] },
    ],
    adjustments: [{ payee: 'Vince', amount: -250, reason: 'correction', note: 'August overpaid' }],
  };
}

async function setup(t: TestContext) {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('closings');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  const pool = appPool(t);
  const counts = (month = '2025-09') => withTenant(pool, tenantIdForOrg(org), (tx) => countClosingRows(tx, month));
  return { app, admin, member, counts };
}

const post = (app: FastifyInstance, url: string, headers: Record<string, string>, body: unknown, extra: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload: body as object });

test('the worked example: company GP, credited GP per person and role, team GP, analytics and the roster', async (t) => {
  const { app, admin, member, counts } = await setup(t);
  const response = await post(app, '/api/v1/closings/import', admin, example());
  assert.equal(response.statusCode, 201, response.body);
  const body = response.json();
  assert.deepEqual(body.imported, { closings: 5, sides: 9, adjustments: 1, company_gp: 10750.75, company_transactions: 4 });
  assert.equal(body.replaced, false);
  const warnings: string[] = body.validation_warnings;
  assert.ok(warnings.some((w) => w.includes('Closing 2') && w.includes('dispo side has no agent')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('Closing 4 (R-4)') && w.includes('GP 3000.25 is above its assignment fee 3000.00')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes("'Steve' has not been seen before")), warnings.join('\n'));
  assert.deepEqual(await counts(), { months: 1, closings: 5, sides: 9, adjustments: 1 });

  // Analytics of the month: company GP and deals, no pay invented.
  const summary = (await app.inject({ url: '/api/v1/analytics/summary?period=2025-09', headers: member })).json();
  assert.equal(summary.gp, 10750.75);
  assert.equal(summary.closed, 4);
  assert.equal(summary.terminated, 1);
  assert.equal(summary.termination_rate, 0.2);
  assert.equal(summary.commission_pct, null);
  assert.deepEqual(summary.months_without_pay, ['2025-09']);
  assert.match(summary.pay_note, /pay not calculated/);

  const agents = (await app.inject({ url: '/api/v1/analytics/agents?period=2025-09', headers: member })).json().agents as Array<{
    name: string;
    type: string;
    totals: { gp: number; closed: number; terminated: number };
  }>;
  const agent = (name: string) => agents.find((entry) => entry.name === name)!.totals;
  assert.deepEqual(agent('Steve'), { ...agent('Steve'), gp: 7500.13, closed: 2, terminated: 1 });
  assert.deepEqual(agent('Ana'), { ...agent('Ana'), gp: 1500.13, closed: 1, terminated: 0 });
  assert.deepEqual(agent('Vince'), { ...agent('Vince'), gp: 6000, closed: 1 });
  assert.deepEqual(agent('Devin'), { ...agent('Devin'), gp: 4250.75, closed: 1 });
  assert.equal(agents.find((entry) => entry.name === 'Devin')!.type, 'dispo');
  assert.equal(agents.length, 4, 'the house is nobody');

  const teams = (await app.inject({ url: '/api/v1/analytics/teams?period=2025-09', headers: member })).json().teams as Array<{
    manager: string | null;
    agents: string[];
    totals: { gp: number; closed: number; terminated: number };
  }>;
  const devin = teams.find((team) => team.manager === 'Devin')!;
  assert.deepEqual([devin.totals.gp, devin.totals.closed, devin.totals.terminated], [9000.25, 2, 1]);
  assert.deepEqual(devin.agents, ['Ana', 'Steve']);
  const maegan = teams.find((team) => team.manager === 'Maegan')!;
  assert.deepEqual([maegan.totals.gp, maegan.totals.closed], [10250.75, 2]);

  const markets = (await app.inject({ url: '/api/v1/analytics/markets?period=2025-09', headers: member })).json().markets as Array<{
    name: string;
    totals?: { gp: number; closed: number; terminated: number };
    gp?: number;
  }>;
  const names = markets.map((market) => market.name);
  assert.ok(names.some((name) => name.startsWith('Philadelphia')), names.join(', ')); // parsed from the address
  assert.ok(names.some((name) => name.startsWith('Camden')), names.join(', '));
  assert.ok(names.some((name) => name.startsWith('Phoenix')), names.join(', '));

  // The roster: each person once, with every role.
  const roster = (await app.inject({ url: '/api/v1/agents', headers: member })).json().items as Array<{ name: string; roles: string[] }>;
  assert.deepEqual(roster.map((entry) => entry.name), ['Ana', 'Devin', 'Maegan', 'Steve', 'Vince']);
  assert.deepEqual(roster.find((entry) => entry.name === 'Devin')!.roles, ['acq', 'acq_manager', 'dispo']);
  assert.deepEqual(roster.find((entry) => entry.name === 'Maegan')!.roles, ['dispo_manager']);
  assert.deepEqual(roster.find((entry) => entry.name === 'Steve')!.roles, ['acq']);

  // A payee-level import of the same month: closings keep GP and deals, the import brings the pay.
  // 1,537.61 / 10,750.75 = 14.302...% → 14.3.
  const payees = { month: '2025-09', agents: [{ name: 'Steve', type: 'acq', gp: 7500, deals: 2, commission: 1537.61 }] };
  assert.equal((await post(app, '/api/v1/commissions/import', admin, payees)).statusCode, 201);
  const merged = (await app.inject({ url: '/api/v1/analytics/summary?period=2025-09', headers: member })).json();
  assert.equal(merged.gp, 10750.75);
  assert.equal(merged.closed, 4);
  assert.equal(merged.commission, 1537.61);
  assert.equal(merged.commission_pct, 14.3);
  assert.deepEqual(merged.months_without_pay, []);

  // Reading back: totals and the canonical document.
  const one = (await app.inject({ url: '/api/v1/closings/2025-09', headers: member })).json();
  assert.equal(one.totals.company_gp, 10750.75);
  assert.equal(one.totals.pay, 'not calculated');
  assert.deepEqual(one.document.closings[3].sides[1], { role: 'acq', agent: 'Ana', manager: 'Devin', credit: 0.5 });
  assert.deepEqual(one.document.adjustments, [{ payee: 'Vince', amount: -250, reason: 'correction', note: 'August overpaid' }]);
  const list = (await app.inject({ url: '/api/v1/closings', headers: member })).json();
  assert.deepEqual(list.items.map((item: { month: string }) => item.month), ['2025-09']);
});

test('preview answers what would be imported, with per-row credits, and writes nothing', async (t) => {
  const { app, admin, counts } = await setup(t);
  const response = await post(app, '/api/v1/closings/preview', admin, example());
  assert.equal(response.statusCode, 200, response.body);
  const preview = response.json();
  assert.equal(preview.valid, true);
  assert.equal(preview.company_gp, 10750.75);
  assert.deepEqual(preview.counts, { closings: 5, sides: 9, adjustments: 1, closed: 4, terminated: 1 });
  assert.deepEqual(preview.rows[3].credits, [
    { person: 'Steve', kind: 'agent', role: 'acq', gp: '1500.125' },
    { person: 'Devin', kind: 'manager', role: 'acq', gp: '3000.25' },
    { person: 'Ana', kind: 'agent', role: 'acq', gp: '1500.125' },
    { person: 'Devin', kind: 'agent', role: 'dispo', gp: '3000.25' },
    { person: 'Maegan', kind: 'manager', role: 'dispo', gp: '3000.25' },
  ]);
  assert.deepEqual(await counts(), { months: 0, closings: 0, sides: 0, adjustments: 0 });

  const bad = example();
  bad.closings[0]!.gp = 1.234;
  const invalid = (await post(app, '/api/v1/closings/preview', admin, bad)).json();
  assert.equal(invalid.valid, false);
  assert.deepEqual(invalid.errors.map((error: { pointer: string }) => error.pointer), ['/closings/0/gp']);
  assert.equal(invalid.company_gp, null);
  assert.deepEqual(await counts(), { months: 0, closings: 0, sides: 0, adjustments: 0 });
  const members = bearer(await tokenFor({ orgId: uniqueOrg(), role: 'member', sub: randomUUID() }));
  assert.equal((await post(app, '/api/v1/closings/preview', members, example())).statusCode, 403);
});

test('every invalid value is a 422 pointer, and nothing is written', async (t) => {
  const { app, admin, counts } = await setup(t);
  assert.equal((await post(app, '/api/v1/closings/import', admin, example())).statusCode, 201);
  const before = await counts();
  const bad = example();
  bad.closings[1]!.gp = 10.005;
  bad.closings[0]!.date = '2025-10-01';
  bad.closings[3]!.sides[1]!.credit = 0.75; // 0.5 + 0.75 > 1 on the acq side
  bad.closings[2]!.id = 'R-1';
  bad.adjustments![0]!.amount = 0;
  const response = await post(app, '/api/v1/closings/import', admin, bad);
  assert.equal(response.statusCode, 422, response.body);
  assert.deepEqual(
    response.json().errors.map((error: { pointer: string }) => error.pointer).sort(),
    ['/adjustments/0/amount', '/closings/0/date', '/closings/1/gp', '/closings/2/id', '/closings/3/sides/1/credit'],
  );
  assert.deepEqual(await counts(), before);

  // Schema bounds: unknown fields and bad roles never reach the database either.
  const shape = example() as unknown as { closings: Array<Record<string, unknown>> };
  shape.closings[0]!.surprise = 1;
  (shape.closings[1]!.sides as Array<Record<string, unknown>>)[0]!.role = 'lead';
  const refused = await post(app, '/api/v1/closings/import', admin, shape);
  assert.ok([400, 422].includes(refused.statusCode), refused.body);
  assert.deepEqual(await counts(), before);
});

test('a re-import replaces the month whole; an Idempotency-Key replays; delete removes it', async (t) => {
  const { app, admin, member, counts } = await setup(t);
  const key = { 'idempotency-key': randomUUID() };
  const first = await post(app, '/api/v1/closings/import', admin, example(), key);
  assert.equal(first.statusCode, 201);
  const again = await post(app, '/api/v1/closings/import', admin, example(), key);
  assert.equal(again.statusCode, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(again.json(), first.json());
  const other = example();
  other.closings.pop();
  assert.equal((await post(app, '/api/v1/closings/import', admin, other, key)).statusCode, 422);

  const smaller: ClosingsMonth = { month: '2025-09', closings: [example().closings[0]!] };
  const replaced = await post(app, '/api/v1/closings/import', admin, smaller);
  assert.equal(replaced.statusCode, 201);
  assert.equal(replaced.json().replaced, true);
  assert.deepEqual(await counts(), { months: 1, closings: 1, sides: 2, adjustments: 0 });
  const summary = (await app.inject({ url: '/api/v1/analytics/summary?period=2025-09', headers: member })).json();
  assert.equal(summary.gp, 6000);

  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/closings/2025-09', headers: member })).statusCode, 403);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/closings/2025-09', headers: admin })).statusCode, 204);
  assert.deepEqual(await counts(), { months: 0, closings: 0, sides: 0, adjustments: 0 });
  assert.equal((await app.inject({ url: '/api/v1/closings/2025-09', headers: admin })).statusCode, 404);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/closings/2025-09', headers: admin })).statusCode, 404);
});

test('a month with no closings imports with a warning; a month in the future too', async (t) => {
  const { app, admin } = await setup(t);
  const empty = await post(app, '/api/v1/closings/import', admin, { month: '2025-12', closings: [] });
  assert.equal(empty.statusCode, 201, empty.body);
  assert.deepEqual(empty.json().validation_warnings, ['The month 2025-12 has no closings', 'The month 2025-12 is in the future']);
  assert.deepEqual(empty.json().imported, { closings: 0, sides: 0, adjustments: 0, company_gp: 0, company_transactions: 0 });
});

// A sheet with no market column and a Status column the operator's way. By hand: Philadelphia, PA
// has one closed deal (6,000.00) and one cancelled (2,500.00, terminated: no GP); Camden, NJ one
// closed deal (1,234.50); "12 Oak Ct" names no city and state, so no market of its own. Company GP
// 6,000 + 1,234.50 + 100 = 7,334.50 over 3 closed deals; 1 terminated; rate 1 / 4 = 0.25.
const STATUS_SHEET = [
  'Property Address,Status,Gross Profit,Trx #,Acq Agent,Dispo Agent,,',
  '"5118 Reno St, Philadelphia, PA 19139",Closed," $6,000 ",1,Steve,Vincent,,',
  '"901 Pine St, Philadelphia, PA 19107",Cancelled,"$2,500.00",1,Steve,,,',
  '"77 Elm Ave, Camden, NJ 08102",closed,"$1,234.50",1,José Núñez,,,',
  '12 Oak Ct,Closed,100,1,José Núñez,,,',
].join('\r\n');
const STATUS_MAPPING = {
  columns: { property: 'Property Address', status: 'Status', gp: 'Gross Profit', transactions: 'Trx #', 'sides.acq.agent': 'Acq Agent', 'sides.dispo.agent': 'Dispo Agent' },
  values: { status: { Cancelled: 'terminated' } },
};

test('a spreadsheet without a market column: markets from the address city and state, terminations from its status', async (t) => {
  const { app, admin, member } = await setup(t);
  assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/import-mappings/status', headers: admin, payload: STATUS_MAPPING })).statusCode, 201);
  const imported = await app.inject({
    method: 'POST',
    url: '/api/v1/closings/import?month=2025-09&mapping=status',
    headers: { ...admin, 'content-type': 'text/csv' },
    payload: Buffer.from(STATUS_SHEET),
  });
  assert.equal(imported.statusCode, 201, imported.body);
  assert.deepEqual(imported.json().imported, { closings: 4, sides: 5, adjustments: 0, company_gp: 7334.5, company_transactions: 3 });

  const summary = (await app.inject({ url: '/api/v1/analytics/summary?period=2025-09', headers: member })).json();
  assert.deepEqual([summary.gp, summary.closed, summary.terminated, summary.termination_rate], [7334.5, 3, 1, 0.25]);
  const markets = (await app.inject({ url: '/api/v1/analytics/markets?period=2025-09', headers: member })).json().markets as Array<{
    name: string;
    closed: number;
    terminated: number;
    gp: number;
  }>;
  const market = (name: string) => {
    const found = markets.find((entry) => entry.name === name);
    return found && { closed: found.closed, terminated: found.terminated, gp: found.gp };
  };
  assert.deepEqual(market('Philadelphia, PA'), { closed: 1, terminated: 1, gp: 6000 }, markets.map((m) => m.name).join(', '));
  assert.deepEqual(market('Camden, NJ'), { closed: 1, terminated: 0, gp: 1234.5 });
  assert.ok(!markets.some((entry) => /Oak/.test(entry.name)), 'a street is no market');

  const steve = ((await app.inject({ url: '/api/v1/analytics/agents?period=2025-09', headers: member })).json().agents as Array<{ name: string; totals: { gp: number; closed: number; terminated: number } }>).find(
    (agent) => agent.name === 'Steve',
  )!;
  assert.deepEqual([steve.totals.gp, steve.totals.closed, steve.totals.terminated], [6000, 1, 1]);
});

test('a closings CSV in Windows-1252 without a declared charset: 415 and nothing written; declared, the names are exact', async (t) => {
  const { app, admin, counts } = await setup(t);
  assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/import-mappings/status', headers: admin, payload: STATUS_MAPPING })).statusCode, 201);
  const bytes = iconv.encode(STATUS_SHEET, 'windows-1252');
  for (const route of ['import', 'preview']) {
    const refused = await app.inject({ method: 'POST', url: `/api/v1/closings/${route}?month=2025-09&mapping=status`, headers: { ...admin, 'content-type': 'text/csv' }, payload: bytes });
    assert.equal(refused.statusCode, 415, refused.body);
    assert.match(refused.json().detail, /byte 0xE9 at row 4/);
    assert.doesNotMatch(refused.body, /\uFFFD/);
  }
  assert.deepEqual(await counts(), { months: 0, closings: 0, sides: 0, adjustments: 0 });
  assert.equal((await app.inject({ url: '/api/v1/closings/2025-09', headers: admin })).statusCode, 404);

  const declared = await app.inject({
    method: 'POST',
    url: '/api/v1/closings/import?month=2025-09&mapping=status',
    headers: { ...admin, 'content-type': 'text/csv; charset=windows-1252' },
    payload: bytes,
  });
  assert.equal(declared.statusCode, 201, declared.body);
  const document = (await app.inject({ url: '/api/v1/closings/2025-09', headers: admin })).json().document;
  assert.equal(document.closings[2].sides[0].agent, 'José Núñez');
  assert.deepEqual(await counts(), { months: 1, closings: 4, sides: 5, adjustments: 0 });
});
