import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { appPool, bearer, ownerClient, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';

interface Tenant {
  org: string;
  admin: Record<string, string>;
  member: Record<string, string>;
}

async function tenant(): Promise<Tenant> {
  const org = uniqueOrg();
  return {
    org,
    admin: bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() })),
    member: bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() })),
  };
}

function importMonth(app: FastifyInstance, headers: Record<string, string>, body: unknown, extra: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...headers, ...extra }, payload: body as object });
}

async function setup(t: TestContext, env: Record<string, string> = {}) {
  const app = await testApp(t, { env, clock: () => new Date('2025-10-15T12:00:00Z') });
  return { app, a: await tenant() };
}

test('a JSON import answers its totals and warnings, and the month can be read back', async (t) => {
  const { app, a } = await setup(t);
  const response = await importMonth(app, a.admin, smallMonth());
  assert.equal(response.statusCode, 201, response.body);
  assert.deepEqual(response.json(), {
    status: 'success',
    month: '2025-08',
    imported: { agents: 2, managers: 1, deals: 10, total_commission: 14600.08 },
    replaced: false,
    // Ada terminated 1 of 6 (16.7%): above 15%, but one termination is no evidence (termination-evidence.ts).
    validation_warnings: [],
  });

  const list = (await app.inject({ url: '/api/v1/commissions', headers: a.member })).json();
  assert.equal(list.total, 1);
  assert.deepEqual({ ...list.items[0], imported_at: undefined }, {
    month: '2025-08',
    total_gp: 100000.5,
    total_commission: 14600.08,
    commission_pct: 14.6,
    agents: 2,
    managers: 1,
    transactions: 9,
    terminations: 1,
    imported_at: undefined,
  });

  const one = (await app.inject({ url: '/api/v1/commissions/2025-08', headers: a.member })).json();
  assert.deepEqual(one.data, smallMonth());
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-07', headers: a.member })).statusCode, 404);
});

test('export gives back what came in; import → export → import is a no-op and exports are byte-identical', async (t) => {
  const { app, a } = await setup(t);
  await importMonth(app, a.admin, smallMonth());
  const first = await app.inject({ url: '/api/v1/commissions/export?month=2025-08&format=json', headers: a.member });
  assert.equal(first.statusCode, 200);
  assert.match(String(first.headers['content-disposition']), /attachment; filename="commissions-2025-08.json"/);
  assert.deepEqual(first.json(), smallMonth());

  const again = await importMonth(app, a.admin, first.json());
  assert.equal(again.json().replaced, true);
  const second = await app.inject({ url: '/api/v1/commissions/export?month=2025-08&format=json', headers: a.member });
  assert.equal(second.body, first.body);
});

test('a JSON export streams the text stored at import; a month stored before that exports byte for byte the same', async (t) => {
  const { app, a } = await setup(t);
  const month = smallMonth();
  // Unicode, quotes and amounts that are not whole: what JSON text and jsonb could write differently.
  month.agents[0]!.name = 'Zoë "Z" Ñúñez';
  month.managers![0]!.team = [month.agents[0]!.name, 'Bo Tran'];
  month.deals = month.deals!.map((deal) => (deal.agent === 'Ada Quill' ? { ...deal, agent: 'Zoë "Z" Ñúñez' } : deal));
  month.agents[1]!.commission = 4000.1;
  await importMonth(app, a.admin, month);
  await importMonth(app, a.admin, smallMonth('2025-09'));
  const url = '/api/v1/commissions/export?from=2025-08&to=2025-09&format=json';
  const stored = await app.inject({ url, headers: a.member });
  assert.equal(stored.statusCode, 200, stored.body);

  const owner = await ownerClient(t);
  const texts = await owner.query<{ text: string | null }>('SELECT document_text AS text FROM commission_months WHERE tenant_id = $1 ORDER BY month', [tenantIdForOrg(a.org)]);
  assert.deepEqual(stored.body, `[${texts.rows.map((row) => row.text).join(',')}]`, 'the export is the stored texts');
  // As if both months had been imported before the texts were stored.
  await owner.query('UPDATE commission_months SET document_text = NULL WHERE tenant_id = $1', [tenantIdForOrg(a.org)]);
  const derived = await app.inject({ url, headers: a.member });
  assert.equal(derived.body, stored.body);
  assert.deepEqual(derived.json(), [month, smallMonth('2025-09')]);
});

test('CSV export is RFC 4180 with one row per payee; a CSV import reads it back', async (t) => {
  const { app, a } = await setup(t);
  const hostile = smallMonth();
  hostile.agents[0]!.name = '=HYPERLINK("http://evil.test","x")';
  hostile.agents[0]!.market = '+Phoenix, AZ';
  hostile.agents[1]!.commission = -250;
  hostile.managers![0]!.team = [hostile.agents[0]!.name, 'Bo Tran'];
  hostile.deals = undefined;
  hostile.metadata = undefined;
  assert.equal((await importMonth(app, a.admin, hostile)).statusCode, 201);

  const csv = await app.inject({ url: '/api/v1/commissions/export?month=2025-08&format=csv', headers: a.member });
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  assert.match(String(csv.headers['content-disposition']), /filename="commissions-2025-08.csv"/);
  const lines = csv.body.split('\r\n');
  assert.equal(lines[0], 'month,payee_type,name,agent_type,manager,market,team,gp,deals,terminations,commission');
  assert.equal(lines.length, 1 + 3 + 1, 'header, three payees, final CRLF');
  assert.ok(lines[1]!.includes(`"'=HYPERLINK(""http://evil.test"",""x"")"`), lines[1]);
  assert.ok(lines[1]!.includes(`"'+Phoenix, AZ"`), lines[1]);
  assert.ok(lines[2]!.endsWith(',-250.00'), 'a clawback stays a plain number');

  const reimport = await app.inject({
    method: 'POST',
    url: '/api/v1/commissions/import?month=2025-08',
    headers: { ...a.admin, 'content-type': 'text/csv' },
    payload: csv.body,
  });
  assert.equal(reimport.statusCode, 201, reimport.body);
  const back = (await app.inject({ url: '/api/v1/commissions/2025-08', headers: a.member })).json();
  assert.deepEqual(back.data.agents, hostile.agents);
  assert.deepEqual(back.data.managers, hostile.managers);
});

test('invalid months are 422 with a pointer per error, and nothing is written', async (t) => {
  const { app, a } = await setup(t);
  const bad = smallMonth();
  (bad.agents[0] as unknown as Record<string, unknown>).gp = 1.005;
  (bad.agents[1] as unknown as Record<string, unknown>).name = '';
  (bad.agents[1] as unknown as Record<string, unknown>).bonus = 5;
  const schema = await importMonth(app, a.admin, bad);
  assert.equal(schema.statusCode, 422);
  assert.match(String(schema.headers['content-type']), /^application\/problem\+json/);
  const pointers = schema.json().errors.map((error: { pointer: string }) => error.pointer);
  assert.ok(pointers.includes('/agents/1/name'), pointers.join());
  assert.ok(pointers.includes('/agents/1/bonus'), pointers.join());

  const semantic = smallMonth();
  semantic.agents[0]!.gp = 1.005;
  semantic.deals![0]!.date = '2025-09-31';
  const response = await importMonth(app, a.admin, semantic);
  assert.equal(response.statusCode, 422);
  const errors = response.json().errors as { pointer: string }[];
  assert.deepEqual(errors.map((error) => error.pointer).sort(), ['/agents/0/gp', '/deals/0/date']);

  const list = (await app.inject({ url: '/api/v1/commissions', headers: a.member })).json();
  assert.equal(list.total, 0);
  const agents = (await app.inject({ url: '/api/v1/agents', headers: a.member })).json();
  assert.equal(agents.total, 0);
});

test('malformed bodies: 400 for bad JSON, 415 for unknown media types, 413 over the limit, prototype keys refused', async (t) => {
  const { app, a } = await setup(t, { BODY_LIMIT_BYTES: '4096' });
  const send = (payload: string, type = 'application/json') =>
    app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...a.admin, 'content-type': type }, payload });
  const cases: [string, string, number][] = [
    ['{"month": "2025-08", ', 'application/json', 400],
    ['month=2025-08', 'application/x-www-form-urlencoded', 415],
    [JSON.stringify({ ...smallMonth(), deals: Array.from({ length: 100 }, () => smallMonth().deals![0]) }), 'application/json', 413],
    ['{"month":"2025-08","agents":[],"__proto__":{"admin":true}}', 'application/json', 400],
    ['{"month":"2025-08","agents":[],"constructor":{"prototype":{"admin":true}}}', 'application/json', 400],
  ];
  for (const [payload, type, status] of cases) {
    const response = await send(payload, type);
    assert.equal(response.statusCode, status, `${type} ${payload.slice(0, 40)} → ${response.body}`);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  }
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: a.member })).json().total, 0);
});

test('members read and export; only admins import, patch and delete', async (t) => {
  const { app, a } = await setup(t);
  const forbidden = await importMonth(app, a.member, smallMonth());
  assert.equal(forbidden.statusCode, 403);
  assert.equal(forbidden.json().type, '/problems/forbidden');
  // A member is refused before the body is even looked at.
  assert.equal((await importMonth(app, a.member, { nonsense: true })).statusCode, 403);

  await importMonth(app, a.admin, smallMonth());
  assert.equal((await app.inject({ url: '/api/v1/commissions/export?month=2025-08', headers: a.member })).statusCode, 200);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/commissions/2025-08', headers: a.member })).statusCode, 403);
  const agentId = (await app.inject({ url: '/api/v1/agents', headers: a.member })).json().items[0].id;
  assert.equal(
    (await app.inject({ method: 'PATCH', url: `/api/v1/agents/${agentId}`, headers: a.member, payload: { active: false } })).statusCode,
    403,
  );

  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/commissions/2025-08', headers: a.admin })).statusCode, 204);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/commissions/2025-08', headers: a.admin })).statusCode, 404);
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-08', headers: a.member })).statusCode, 404);
});

test('Idempotency-Key: a repeat returns the first response without applying; another body is 422', async (t) => {
  const { app, a } = await setup(t);
  const key = { 'idempotency-key': randomUUID() };
  const first = await importMonth(app, a.admin, smallMonth(), key);
  assert.equal(first.statusCode, 201);
  const owner = await ownerClient(t);
  const importedAt = async () =>
    (await owner.query('SELECT imported_at FROM commission_months WHERE tenant_id = $1', [tenantIdForOrg(a.org)])).rows[0].imported_at.getTime();
  const before = await importedAt();

  const repeat = await importMonth(app, a.admin, smallMonth(), key);
  assert.equal(repeat.statusCode, 201);
  assert.equal(repeat.body, first.body);
  assert.equal(repeat.headers['idempotent-replayed'], 'true');
  assert.equal(await importedAt(), before, 'nothing was applied again');

  const changed = smallMonth();
  changed.agents[0]!.commission = 9000.05;
  const conflict = await importMonth(app, a.admin, changed, key);
  assert.equal(conflict.statusCode, 422);
  assert.equal(conflict.json().type, '/problems/idempotency-key-reused');
});

test('a CSV export reads the payees stored beside the document, kept right when the month is imported again', async (t) => {
  const { app, a } = await setup(t);
  const first = smallMonth();
  assert.ok((first.deals?.length ?? 0) > 0, 'the month has deals, which the CSV leaves out');
  assert.equal((await importMonth(app, a.admin, first)).statusCode, 201);
  const again = smallMonth();
  again.agents[0]!.name = 'Renamed Agent';
  again.agents[0]!.commission = 1234.56;
  again.deals = again.deals!.map((deal) => (deal.agent === first.agents[0]!.name ? { ...deal, agent: 'Renamed Agent' } : deal));
  again.managers![0]!.team = ['Renamed Agent', 'Bo Tran'];
  assert.equal((await importMonth(app, a.admin, again)).statusCode, 201);

  const csv = await app.inject({ url: '/api/v1/commissions/export?month=2025-08&format=csv', headers: a.member });
  assert.equal(csv.statusCode, 200);
  const rows = csv.body.trimEnd().split('\r\n').slice(1);
  assert.equal(rows.length, again.agents.length + (again.managers?.length ?? 0));
  assert.ok(rows[0]!.startsWith('2025-08,agent,Renamed Agent,'), rows[0]);
  assert.ok(rows[0]!.endsWith(',1234.56'), rows[0]);
  assert.ok(!csv.body.includes(first.agents[0]!.name), 'nothing of the replaced version is left');

  // What the database generated is the document less its deals and metadata, exactly.
  const owner = await ownerClient(t);
  const stored = await owner.query(
    `SELECT payees = document - 'deals' - 'metadata' AS same, payees ? 'deals' AS deals FROM commission_months WHERE tenant_id = $1`,
    [tenantIdForOrg(a.org)],
  );
  assert.deepEqual(stored.rows, [{ same: true, deals: false }]);
});

test('concurrent imports of one month: last write wins whole, no duplicate rows', async (t) => {
  // Eight at once: above the default import share of a tenant (attacks.test.ts), raised here.
  const app = await testApp(t, { pool: appPool(t, 12), clock: () => new Date('2025-10-15T12:00:00Z'), env: { IMPORTS_PER_TENANT: '8', IMPORTS_TOTAL: '8' } });
  const a = await tenant();
  const versions: CommissionMonth[] = Array.from({ length: 8 }, (_, i) => {
    const agents = smallMonth().agents.slice(0, 1 + (i % 2));
    agents[0]!.commission = 9000 + i;
    return { month: '2025-08', agents };
  });
  const responses = await Promise.all(versions.map((version) => importMonth(app, a.admin, version)));
  assert.ok(responses.every((response) => response.statusCode === 201), responses.map((r) => r.body).join('\n'));
  assert.equal(responses.filter((response) => !response.json().replaced).length, 1, 'exactly one found the month empty');

  const stored = (await app.inject({ url: '/api/v1/commissions/2025-08', headers: a.member })).json().data as CommissionMonth;
  const winner = versions.find((version) => version.agents[0]!.commission === stored.agents[0]!.commission)!;
  assert.deepEqual(stored, winner);
  const owner = await ownerClient(t);
  const rows = await owner.query('SELECT count(*)::int AS n FROM payee_months WHERE tenant_id = $1', [tenantIdForOrg(a.org)]);
  assert.equal(rows.rows[0].n, winner.agents.length);
});

test('agents: list, history and admin edits', async (t) => {
  const { app, a } = await setup(t);
  await importMonth(app, a.admin, smallMonth('2025-07'));
  await importMonth(app, a.admin, smallMonth('2025-08'));
  const list = (await app.inject({ url: '/api/v1/agents?type=acq', headers: a.member })).json();
  assert.equal(list.total, 1);
  const ada = list.items[0];
  assert.deepEqual({ ...ada, id: undefined }, {
    id: undefined,
    name: 'Ada Quill',
    type: 'acq',
    manager: 'Mona Reyes',
    market: 'Phoenix, AZ',
    active: true,
    // The roster's optional e-mail (links a payee's sign-in to the person): none set here.
    email: null,
    last_month: '2025-08',
    roles: ['acq'],
  });

  const detail = (await app.inject({ url: `/api/v1/agents/${ada.id}`, headers: a.member })).json();
  assert.deepEqual(detail.history.map((month: { month: string }) => month.month), ['2025-07', '2025-08']);
  assert.deepEqual(detail.history[1], { month: '2025-08', gp: 60000.25, deals: 5, terminations: 1, commission: 9000.04, commission_pct: 15 });

  const patched = await app.inject({
    method: 'PATCH',
    url: `/api/v1/agents/${ada.id}`,
    headers: a.admin,
    payload: { manager: 'Nia Park', market: null, active: false },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual({ manager: patched.json().manager, market: patched.json().market, active: patched.json().active }, {
    manager: 'Nia Park',
    market: null,
    active: false,
  });
  assert.equal((await app.inject({ url: '/api/v1/agents/not-a-uuid', headers: a.member })).statusCode, 400);
  assert.equal((await app.inject({ url: `/api/v1/agents/${randomUUID()}`, headers: a.member })).statusCode, 404);
  const empty = await app.inject({ method: 'PATCH', url: `/api/v1/agents/${ada.id}`, headers: a.admin, payload: {} });
  assert.equal(empty.statusCode, 422);
});

test('export ranges stream every month in order, JSON as an array and CSV with one header', async (t) => {
  const { app, a } = await setup(t);
  for (const month of ['2025-06', '2025-07', '2025-08']) await importMonth(app, a.admin, smallMonth(month));
  const json = await app.inject({ url: '/api/v1/commissions/export?from=2025-01&to=2025-12&format=json', headers: a.member });
  assert.equal(json.statusCode, 200);
  assert.deepEqual(json.json(), [smallMonth('2025-06'), smallMonth('2025-07'), smallMonth('2025-08')]);
  const csv = await app.inject({ url: '/api/v1/commissions/export?from=2025-07&to=2025-08&format=csv', headers: a.member });
  const lines = csv.body.trimEnd().split('\r\n');
  assert.equal(lines.filter((line) => line.startsWith('month,')).length, 1);
  assert.equal(lines.length, 1 + 2 * 3);
  const bad = [
    '/api/v1/commissions/export?format=json',
    '/api/v1/commissions/export?month=2025-08&from=2025-01&to=2025-02',
    '/api/v1/commissions/export?from=2025-08&to=2025-01',
    '/api/v1/commissions/export?month=2025-13',
    '/api/v1/commissions/export?month=2025-08&format=xml',
  ];
  for (const url of bad) assert.equal((await app.inject({ url, headers: a.member })).statusCode, 400, url);
  assert.equal((await app.inject({ url: '/api/v1/commissions/export?month=2024-01', headers: a.member })).statusCode, 404);
});

test("the demo tenant's September 2025 imports as the plan's example: 30 agents, 8 managers, 97,539.31", async (t) => {
  const { generateDemoMonths } = await import('../../src/demo/generate.js');
  const { app, a } = await setup(t);
  const september = generateDemoMonths().at(-1)!;
  const response = await importMonth(app, a.admin, september);
  assert.equal(response.statusCode, 201, response.body);
  const body = response.json();
  assert.deepEqual(body.imported, { agents: 30, managers: 8, deals: september.deals!.length, total_commission: 97539.31 });
  assert.ok(body.validation_warnings.every((warning: string) => /termination rate \(\d+\.\d%\) above threshold$/.test(warning)), body.validation_warnings.join('\n'));
  const summary = (await app.inject({ url: '/api/v1/commissions/2025-09', headers: a.member })).json().summary;
  assert.deepEqual(
    { gp: summary.total_gp, transactions: summary.transactions, pct: summary.commission_pct },
    { gp: 682043, transactions: 59, pct: 14.3 },
  );
});

test('the payee templates (CSV and xlsx) import as they are downloaded: three payees, their totals, no warning, and the same month either way', async (t) => {
  const { app, a } = await setup(t);
  const expected = {
    status: 'success',
    month: '2025-09',
    // Kyle Singer 7,400.00 + Maria Lopez 4,350.00 + their manager Dana Brooks 3,000.00.
    imported: { agents: 2, managers: 1, deals: 0, total_commission: 14750 },
    validation_warnings: [],
  };
  const stored: unknown[] = [];
  for (const [format, type] of [['csv', 'text/csv; charset=utf-8'], ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']] as const) {
    const template = await app.inject({ url: `/api/v1/commissions/template.${format}`, headers: a.member });
    assert.equal(template.statusCode, 200, template.body);
    assert.equal(template.headers['content-type'], type);
    assert.equal(template.headers['content-disposition'], `attachment; filename="payee-month-template.${format}"`);
    const imported = await importMonth(app, a.admin, template.rawPayload, { 'content-type': type });
    assert.equal(imported.statusCode, 201, `${format}: ${imported.body}`);
    const { replaced, ...rest } = imported.json();
    assert.deepEqual(rest, expected, format);
    assert.equal(replaced, format === 'xlsx', 'the second import replaces the first');
    const month = (await app.inject({ url: '/api/v1/commissions/2025-09', headers: a.member })).json();
    assert.deepEqual({ ...month.summary, imported_at: undefined }, {
      month: '2025-09',
      total_gp: 150000,
      total_commission: 14750,
      commission_pct: 9.8,
      agents: 2,
      managers: 1,
      transactions: 12,
      terminations: 1,
      imported_at: undefined,
    });
    stored.push(month.data);
  }
  assert.deepEqual(stored[1], stored[0], 'the xlsx holds the CSV’s payees exactly');
  const kyle = (stored[0] as CommissionMonth).agents.find((agent) => agent.name === 'Kyle Singer');
  assert.deepEqual(kyle, { name: 'Kyle Singer', type: 'acq', gp: 92000, deals: 7, terminations: 1, commission: 7400, market: 'Phoenix, AZ', manager: 'Dana Brooks' });
});

test('an xlsx payee month is checked like the CSV: errors name the row and column, nothing is written', async (t) => {
  const { app, a } = await setup(t);
  const XLSX = await import('@e965/xlsx');
  const sheet = XLSX.utils.aoa_to_sheet([
    ['month', 'payee_type', 'name', 'agent_type', 'manager', 'market', 'team', 'gp', 'deals', 'terminations', 'commission'],
    ['2025-09', 'agent', 'Kyle Singer', 'acq', null, null, null, 'lots', 7],
  ]);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, 'Sheet1');
  const bytes = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  const refused = await importMonth(app, a.admin, bytes, { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  assert.equal(refused.statusCode, 422, refused.body);
  assert.deepEqual(
    refused.json().errors.map((e: { pointer: string }) => e.pointer),
    ['/rows/1/gp', '/rows/1/commission'],
  );
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: a.member })).json().total, 0);
});

test('preview: the template previewed (CSV and xlsx) gives its payees and totals and writes nothing; a far smaller month is warned of; errors as the import', async (t) => {
  const { app, a } = await setup(t);
  const preview = (body: unknown, type: string, query = '') =>
    app.inject({ method: 'POST', url: `/api/v1/commissions/preview${query}`, headers: { ...a.admin, 'content-type': type }, payload: body as string });
  for (const [format, type] of [['csv', 'text/csv'], ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']] as const) {
    const template = await app.inject({ url: `/api/v1/commissions/template.${format}`, headers: a.admin });
    const answer = await preview(template.rawPayload, type);
    assert.equal(answer.statusCode, 200, answer.body);
    assert.deepEqual(answer.json(), {
      month: '2025-09',
      replaces: false,
      counts: { agents: 2, managers: 1, transactions: 12, deals: 0 },
      total_gp: 150000,
      total_commission: 14750,
      commission_pct: 9.8,
      validation_warnings: [],
    });
  }
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: a.admin })).json().total, 0, 'nothing written');

  // Once the template's month (2 agents) is imported, a 40-agent month beside it is far off, and said so.
  const big = {
    month: '2025-10',
    agents: Array.from({ length: 40 }, (_, i) => ({ name: `Agent ${i + 1}`, type: 'acq', gp: 1000, deals: 1, commission: 100 })),
  };
  const template = await app.inject({ url: '/api/v1/commissions/template.csv', headers: a.admin });
  assert.equal((await importMonth(app, a.admin, template.rawPayload, { 'content-type': 'text/csv' })).statusCode, 201);
  const far = await preview(JSON.stringify(big), 'application/json');
  assert.equal(far.statusCode, 200, far.body);
  assert.deepEqual(far.json().validation_warnings, ["This month has 40 agents; your other month has about 2. Is it the whole month's file?"]);
  const again = await preview(template.rawPayload, 'text/csv');
  assert.equal(again.json().replaces, true);

  const wrong = await preview(template.rawPayload, 'text/csv', '?month=2025-08');
  assert.equal(wrong.statusCode, 422, wrong.body);
  const member = await app.inject({ method: 'POST', url: '/api/v1/commissions/preview', headers: { ...a.member, 'content-type': 'text/csv' }, payload: template.rawPayload });
  assert.equal(member.statusCode, 403);
});
