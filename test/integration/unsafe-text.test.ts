/**
 * Issue 19: a NUL character or a lone surrogate in any text of an import, a name, a setting, a
 * filter, a token claim or a marketplace push. PostgreSQL refuses U+0000 in text and jsonb, so each
 * of these used to end in a 500 from the failed statement: now they are refused with a pointer to
 * the value, before anything is written.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as XLSX from '@e965/xlsx';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';
import { XLSX_MEDIA_TYPE } from '../../src/domain/closings/xlsx-sheet.js';
import { signMarketplaceBody } from '../../src/auth/marketplace-signature.js';

const NUL = '\u0000';
const LONE = '\ud800';

async function setup(t: TestContext, env: Record<string, string> = {}) {
  const app = await testApp(t, { env, clock: () => new Date('2025-10-15T12:00:00Z') });
  const admin = bearer(await tokenFor({ orgId: uniqueOrg('unsafe-text'), role: 'admin', sub: randomUUID() }));
  const json = { ...admin, 'content-type': 'application/json' };
  return { app, admin, json };
}

function assertRefused(response: { statusCode: number; body: string; json(): any }, status: number, pointer: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.json().type, '/problems/validation', response.body);
  const pointers = response.json().errors.map((error: { pointer: string }) => error.pointer);
  assert.ok(pointers.includes(pointer), `${pointer} in ${pointers.join(', ')}`);
}

test('payee months: a NUL or a lone surrogate anywhere in the JSON or the CSV is a 422 naming it, and no month is stored', async (t) => {
  const { app, admin, json } = await setup(t);
  const withNul = smallMonth('2025-06');
  withNul.agents[1]!.market = `Dal${NUL}las, TX`;
  assertRefused(await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: json, payload: JSON.stringify(withNul) }), 422, '/agents/1/market');

  const withSurrogate = smallMonth('2025-06');
  withSurrogate.deals![3]!.id = `D-${LONE}-4`;
  // JSON.stringify writes the lone surrogate as the escape \ud800, as any client would have to.
  assertRefused(await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: json, payload: JSON.stringify(withSurrogate) }), 422, '/deals/3/id');

  const bulk = [smallMonth('2025-04'), { ...smallMonth('2025-05'), managers: [{ name: `Mona${NUL}`, gp: 1, commission: 1, team: [] }] }];
  const refusedBulk = await app.inject({ method: 'POST', url: '/api/v1/commissions/imports', headers: json, payload: JSON.stringify(bulk) });
  assertRefused(refusedBulk, 422, '/1/managers/0/name');

  // A CSV file with a NUL byte in a name (the bytes of a real file, not an escape).
  const header = 'month,payee_type,name,agent_type,manager,market,team,gp,deals,terminations,commission';
  const rows = [header, `2025-07,agent,Ada${NUL}Quill,acq,,"Phoenix, AZ",,60000.25,5,1,9000.04`].join('\r\n');
  const refusedCsv = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...admin, 'content-type': 'text/csv' }, payload: Buffer.from(rows) });
  assert.equal(refusedCsv.statusCode, 422, refusedCsv.body);
  assert.match(JSON.stringify(refusedCsv.json().errors), /"pointer":"\/rows\/1\/name","message":"contains a NUL/);

  const months = (await app.inject({ url: '/api/v1/commissions', headers: admin })).json();
  assert.deepEqual(months.items ?? months, [], 'nothing was stored');
});

const MAPPING = { columns: { property: 'Property', gp: 'GP', 'sides.acq.agent': 'Acq', 'sides.dispo.agent': 'Dispo' } };

test('closings: JSON, CSV and xlsx with a NUL or a lone surrogate are refused naming the value or the cell; the mapping itself too', async (t) => {
  const { app, admin, json } = await setup(t);
  const document = {
    month: '2025-09',
    closings: [
      { property: '5118 Reno St', gp: 6000, sides: [{ role: 'acq', agent: 'Steve' }] },
      { property: '77 Elm Ave', gp: 1250, attributes: { [`exit${NUL}`]: 'Assignment' }, sides: [{ role: 'acq', agent: `Dev${LONE}in` }] },
    ],
  };
  const refused = await app.inject({ method: 'POST', url: '/api/v1/closings/import', headers: json, payload: JSON.stringify(document) });
  assertRefused(refused, 422, '/closings/1/sides/0/agent');
  assertRefused(refused, 422, '/closings/1/attributes/exit\ufffd');
  assertRefused(await app.inject({ method: 'POST', url: '/api/v1/closings/preview', headers: json, payload: JSON.stringify(document) }), 422, '/closings/1/sides/0/agent');

  // A mapping is text the service stores: a NUL in a header name or a value map is refused.
  const badMapping = { columns: { ...MAPPING.columns, gp: `G${NUL}P` }, values: { 'sides.acq.agent': { [`Ex${LONE}`]: null } } };
  const refusedMapping = await app.inject({ method: 'PUT', url: '/api/v1/import-mappings/Sheet', headers: json, payload: JSON.stringify(badMapping) });
  assertRefused(refusedMapping, 422, '/columns/gp');
  assertRefused(refusedMapping, 422, '/values/sides.acq.agent/Ex\ufffd');
  assert.equal((await app.inject({ url: '/api/v1/import-mappings/Sheet', headers: admin })).statusCode, 404);
  assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/import-mappings/Sheet', headers: json, payload: JSON.stringify(MAPPING) })).statusCode, 201);

  const csv = ['Property,GP,Acq,Dispo', `5118 Reno St,6000,Ste${NUL}ve,Vince`, '77 Elm Ave,1250,Devin,'].join('\r\n');
  const refusedCsv = await app.inject({ method: 'POST', url: '/api/v1/closings/import?month=2025-09&mapping=Sheet', headers: { ...admin, 'content-type': 'text/csv' }, payload: Buffer.from(csv) });
  assertRefused(refusedCsv, 422, '/rows/2/Acq');
  // Windows-1252 decodes byte 0 as U+0000 as well.
  const refused1252 = await app.inject({ method: 'POST', url: '/api/v1/closings/import?month=2025-09&mapping=Sheet', headers: { ...admin, 'content-type': 'text/csv; charset=windows-1252' }, payload: Buffer.from(csv, 'latin1') });
  assertRefused(refused1252, 422, '/rows/2/Acq');
  // A header is quoted back in warnings (and in a replayed import's stored response).
  const badHeader = ['Property,GP,Acq,Dispo,No' + NUL + 'tes', '5118 Reno St,6000,Steve,Vince,x'].join('\r\n');
  assertRefused(await app.inject({ method: 'POST', url: '/api/v1/closings/import?month=2025-09&mapping=Sheet', headers: { ...admin, 'content-type': 'text/csv', 'idempotency-key': 'k1' }, payload: Buffer.from(badHeader) }), 422, '/rows/1/E');

  // xlsx writes a NUL as the escape _x0000_ and the reader turns it back into U+0000.
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['Property', 'GP', 'Acq', 'Dispo'], ['5118 Reno St', 6000, 'Steve', `Vin${NUL}ce`]]), 'Sheet1');
  const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  const refusedXlsx = await app.inject({ method: 'POST', url: '/api/v1/closings/import?month=2025-09&mapping=Sheet', headers: { ...admin, 'content-type': XLSX_MEDIA_TYPE }, payload: bytes });
  assertRefused(refusedXlsx, 422, '/rows/2/Dispo');

  const months = await app.inject({ url: '/api/v1/closings', headers: admin });
  assert.equal(months.statusCode, 200, months.body);
  assert.deepEqual(months.json().items, [], 'nothing was stored');
  // The clean file imports: the check refuses the value, not the route.
  const clean = await app.inject({ method: 'POST', url: '/api/v1/closings/import?month=2025-09&mapping=Sheet', headers: { ...admin, 'content-type': 'text/csv' }, payload: Buffer.from(csv.replace(NUL, '')) });
  assert.equal(clean.statusCode, 201, clean.body);
});

test('plans, settings, URL values and token claims with a NUL or a lone surrogate are refused, never a 500', async (t) => {
  const { app, admin, json } = await setup(t);
  const plan = { name: `Acq${NUL}plan`, applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: null, rate: 0.1 }] } };
  assertRefused(await app.inject({ method: 'POST', url: '/api/v1/plans', headers: json, payload: JSON.stringify(plan) }), 422, '/name');
  const simulate = { plan: { ...plan, name: 'ok', agents: [`Ste${LONE}ve`] }, from: '2025-01', to: '2025-02' };
  assertRefused(await app.inject({ method: 'POST', url: '/api/v1/plans/simulate', headers: json, payload: JSON.stringify(simulate) }), 422, '/plan/agents/0');
  assert.deepEqual((await app.inject({ url: '/api/v1/plans', headers: admin })).json().items, []);

  const settings = { termination_threshold: 0.2, [`problem${NUL}`]: 1 };
  assertRefused(await app.inject({ method: 'PUT', url: '/api/v1/settings', headers: json, payload: JSON.stringify(settings) }), 422, '/problem\ufffd');

  // Query and path values: 400 with the pointer the schema errors use.
  assertRefused(await app.inject({ url: '/api/v1/audit?action=GET%00', headers: admin }), 400, '/querystring/action');
  assertRefused(await app.inject({ url: '/api/v1/closings/2025-09?x=a%00', headers: admin }), 400, '/querystring/x');
  assertRefused(await app.inject({ url: '/api/v1/import-mappings/Sheet%00', headers: admin }), 400, '/params/name');

  // Token claims become rows (organisation, user, e-mail): a token carrying one PostgreSQL cannot store is a 401.
  for (const claims of [{ orgId: `org${NUL}${randomUUID()}` }, { orgId: uniqueOrg(), email: `a${NUL}@example.com` }, { orgId: uniqueOrg(), extra: { session_id: `s${LONE}` } }]) {
    const response = await app.inject({ url: '/api/v1/entitlements', headers: bearer(await tokenFor({ role: 'admin', sub: randomUUID(), ...claims })) });
    assert.equal(response.statusCode, 401, `${JSON.stringify(claims)}: ${response.body}`);
  }
});

test('a signed marketplace push with a NUL in a field is a 422, not a 500', async (t) => {
  const secret = 'a-marketplace-secret-of-at-least-32-bytes';
  const { app } = await setup(t, { MARKETPLACE_WEBHOOK_SECRET: secret });
  const now = Math.floor(new Date('2025-10-15T12:00:00Z').getTime() / 1000);
  const send = (url: string, body: object) => {
    const payload = JSON.stringify(body);
    return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-signature': signMarketplaceBody(secret, now, payload, url.endsWith('/entitlements') ? undefined : url) }, payload });
  };
  assertRefused(await send('/api/v1/marketplace/entitlements', { event_id: `evt${NUL}1`, tenant_id: uniqueOrg(), subscription_tier: 'premium', promo_until: null }), 422, '/event_id');
  assertRefused(await send('/api/v1/marketplace/sessions/revoke', { event_id: 'evt-2', tenant_id: uniqueOrg(), session_id: `s${NUL}` }), 422, '/session_id');
  assertRefused(await send('/api/v1/marketplace/users/erase', { event_id: 'evt-3', tenant_id: `o${LONE}`, user_id: randomUUID() }), 422, '/tenant_id');
});
