/**
 * Saved column mappings through the API, the mapping suggestion from an uploaded file, reading a
 * closings upload through a saved mapping (the use case the closings import and preview call),
 * and strict decoding of the payee CSV import.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as XLSX from '@e965/xlsx';
import iconv from 'iconv-lite';
import { appPool, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { AppError } from '../../src/domain/app-error.js';
import { XLSX_MEDIA_TYPE } from '../../src/domain/closings/xlsx-sheet.js';
import { serviceContext, systemPrincipal } from '../../src/services/context.js';
import { readClosingsUpload } from '../../src/services/closings/read-closings-upload.js';

const MAPPING = {
  sheet: 'Dispo Closings',
  columns: {
    property: 'Property Address',
    gp: 'Gross Profit',
    transactions: 'Trx #',
    date: 'dispo closing date',
    'sides.acq.agent': 'Acq Agent',
    'sides.dispo.agent': 'Dispo Agent',
    'attributes.flat_fee': 'FlatFee Listed',
  },
  values: { 'attributes.flat_fee': { YES: true, '*': false }, agents: { 'Ex Rebuilt': null } },
};

const CSV = [
  'Property Address,Dispo Closing Date,Gross Profit,Trx #,Acq Agent,Dispo Agent,FlatFee Listed,,,',
  '"5118 Reno St, Philadelphia, PA 19139",9/30/25," $6,000 ",1,Steve Shelburne,José Núñez,YES,,,',
  '12 Oak Ct,9/3/25,(250.00),0,Ex Rebuilt,,,,,',
  ',,"$5,750.00",1,,,,,,',
].join('\r\n');

async function setup(t: TestContext) {
  const app = await testApp(t);
  const org = uniqueOrg();
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  return { app, org, admin, member };
}

test('mappings: create (201), replace (200), read, list, delete; members read but may not write', async (t) => {
  const { app, admin, member } = await setup(t);
  const put = (headers: Record<string, string>, name: string, payload: object) =>
    app.inject({ method: 'PUT', url: `/api/v1/import-mappings/${encodeURIComponent(name)}`, headers, payload });

  const created = await put(admin, 'Dispo Closings', MAPPING);
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().name, 'Dispo Closings');
  assert.deepEqual(created.json().mapping, MAPPING);
  const replaced = await put(admin, 'Dispo Closings', { ...MAPPING, sheet: 'Sheet1' });
  assert.equal(replaced.statusCode, 200);
  assert.equal(replaced.json().created_at, created.json().created_at);

  const read = await app.inject({ url: '/api/v1/import-mappings/Dispo%20Closings', headers: member });
  assert.equal(read.statusCode, 200);
  assert.equal(read.json().mapping.sheet, 'Sheet1');
  assert.equal((await put(member, 'Other', MAPPING)).statusCode, 403);
  assert.equal((await put(admin, 'Other', MAPPING)).statusCode, 201);
  const list = await app.inject({ url: '/api/v1/import-mappings', headers: member });
  assert.deepEqual(list.json().items.map((item: { name: string }) => item.name), ['Dispo Closings', 'Other']);

  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/import-mappings/Other', headers: member })).statusCode, 403);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/import-mappings/Other', headers: admin })).statusCode, 204);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/import-mappings/Other', headers: admin })).statusCode, 404);
  assert.equal((await app.inject({ url: '/api/v1/import-mappings/Other', headers: admin })).statusCode, 404);
  assert.equal((await app.inject({ url: '/api/v1/import-mappings/%2Fetc', headers: admin })).statusCode, 400);
});

test('an invalid mapping is a 422 with a pointer per problem, and nothing is saved', async (t) => {
  const { app, admin } = await setup(t);
  const response = await app.inject({
    method: 'PUT',
    url: '/api/v1/import-mappings/bad',
    headers: admin,
    payload: { decimal: ',', columns: { property: 'Address', 'sides.broker.agent': 'Broker', 'attributes.flat_fee': 'Flat' }, values: { 'attributes.flat_fee': { yes: true, YES: false }, status: { x: 'closed' } } },
  });
  assert.equal(response.statusCode, 422, response.body);
  assert.deepEqual(
    response.json().errors.map((error: { pointer: string }) => error.pointer),
    ['/decimal', '/columns/sides.broker.agent', '/columns/gp', '/values/attributes.flat_fee/YES', '/values/status'],
  );
  assert.equal((await app.inject({ url: '/api/v1/import-mappings/bad', headers: admin })).statusCode, 404);
});

test('suggest: a CSV upload answers a mapping guessed from its headers, the headers and the first rows', async (t) => {
  const { app, member } = await setup(t);
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/import-mappings/suggest',
    headers: { ...member, 'content-type': 'text/csv' },
    payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV)]),
  });
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  assert.deepEqual(body.mapping.columns, {
    property: 'Property Address',
    date: 'Dispo Closing Date',
    gp: 'Gross Profit',
    transactions: 'Trx #',
    'sides.acq.agent': 'Acq Agent',
    'sides.dispo.agent': 'Dispo Agent',
    'attributes.flat_fee': 'FlatFee Listed',
  });
  // Only "YES" was seen (blank otherwise): it becomes true, everything else false.
  assert.deepEqual(body.mapping.values, { 'attributes.flat_fee': { YES: true, '*': false } });
  assert.deepEqual(body.headers, ['Property Address', 'Dispo Closing Date', 'Gross Profit', 'Trx #', 'Acq Agent', 'Dispo Agent', 'FlatFee Listed']);
  assert.equal(body.header_row, 1);
  assert.deepEqual(body.sheets, []);
  assert.deepEqual(body.rows[0], ['5118 Reno St, Philadelphia, PA 19139', '9/30/25', '$6,000', '1', 'Steve Shelburne', 'José Núñez', 'YES']);

  const json = await app.inject({ method: 'POST', url: '/api/v1/import-mappings/suggest', headers: member, payload: { a: 1 } });
  assert.equal(json.statusCode, 415);
  const cp1252 = await app.inject({ method: 'POST', url: '/api/v1/import-mappings/suggest', headers: { ...member, 'content-type': 'text/csv' }, payload: iconv.encode(CSV, 'windows-1252') });
  assert.equal(cp1252.statusCode, 415);
  assert.match(cp1252.json().detail, /byte 0xE9 at row 2/);
});

test('suggest: an xlsx upload lists its sheets and reads the one asked for', async (t) => {
  const { app, member } = await setup(t);
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['Read me first']]), 'Notes');
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['Property', 'GP', 'Acquisitions', 'Dispositions'], ['1 Main St', 5000, 'Ann', 'Bo']]), 'Dispo Closings');
  const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  const response = await app.inject({ method: 'POST', url: '/api/v1/import-mappings/suggest?sheet=Dispo%20Closings', headers: { ...member, 'content-type': XLSX_MEDIA_TYPE }, payload: bytes });
  assert.equal(response.statusCode, 200, response.body);
  assert.deepEqual(response.json().sheets, ['Notes', 'Dispo Closings']);
  assert.deepEqual(response.json().mapping, { sheet: 'Dispo Closings', columns: { property: 'Property', gp: 'GP', 'sides.acq.agent': 'Acquisitions', 'sides.dispo.agent': 'Dispositions' } });
  assert.deepEqual(response.json().rows, [['1 Main St', '5000', 'Ann', 'Bo']]);
});

test('readClosingsUpload: a CSV through a saved mapping becomes the JSON document; 404 without the mapping, 415 for other types', async (t) => {
  const { app, org, admin } = await setup(t);
  assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/import-mappings/sept', headers: admin, payload: MAPPING })).statusCode, 201);
  const pool = appPool(t);
  const ctx = serviceContext({ pool, clock: () => new Date(), tenantChanged: async () => {} }, systemPrincipal(tenantIdForOrg(org)));
  const result = await readClosingsUpload(ctx, { bytes: Buffer.from(CSV), contentType: 'text/csv', month: '2025-09', mappingName: 'sept' });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.document, {
    month: '2025-09',
    closings: [
      { date: '2025-09-30', property: '5118 Reno St, Philadelphia, PA 19139', gp: 6000, transactions: 1, status: 'closed', attributes: { flat_fee: true }, sides: [{ role: 'acq', agent: 'Steve Shelburne' }, { role: 'dispo', agent: 'José Núñez' }] },
      { date: '2025-09-03', property: '12 Oak Ct', gp: -250, transactions: 0, status: 'closed', attributes: { flat_fee: false }, sides: [{ role: 'acq', agent: null }] },
    ],
  });
  assert.deepEqual(result.rows.map((r) => r.row), [2, 3]);
  assert.deepEqual(result.warnings, ['row 4 skipped: no property or agent (a totals line?)']);
  assert.deepEqual([result.sheets, result.sheet], [[], null]);

  const declared = await readClosingsUpload(ctx, { bytes: iconv.encode(CSV, 'windows-1252'), contentType: 'text/csv; charset=windows-1252', month: '2025-09', mappingName: 'sept' });
  assert.equal(declared.document.closings[0]!.sides[1]!.agent, 'José Núñez');
  await assert.rejects(
    readClosingsUpload(ctx, { bytes: iconv.encode(CSV, 'windows-1252'), contentType: 'text/csv', month: '2025-09', mappingName: 'sept' }),
    (error: unknown) => error instanceof AppError && error.kind === 'unsupported' && error.details.row === 2,
  );
  await assert.rejects(readClosingsUpload(ctx, { bytes: Buffer.from(CSV), contentType: 'text/csv', month: '2025-09', mappingName: 'nope' }), (e: unknown) => e instanceof AppError && e.kind === 'not-found');
  await assert.rejects(readClosingsUpload(ctx, { bytes: Buffer.from('{}'), contentType: 'application/json', month: '2025-09', mappingName: 'sept' }), (e: unknown) => e instanceof AppError && e.kind === 'unsupported');
  await assert.rejects(readClosingsUpload(ctx, { bytes: Buffer.from(CSV), contentType: 'text/csv; charset=utf-16', month: '2025-09', mappingName: 'sept' }), (e: unknown) => e instanceof AppError && e.kind === 'unsupported');
});

const PAYEE_CSV = 'month,payee_type,name,agent_type,manager,market,team,gp,deals,terminations,commission\r\n2025-08,agent,José Núñez,acq,,,,10000.00,2,0,1000.00\r\n';

test('payee CSV import: Windows-1252 without a declared charset is a 415 and nothing is written; declared, the name is exact', async (t) => {
  const { app, admin } = await setup(t);
  const bytes = iconv.encode(PAYEE_CSV, 'windows-1252');
  const refused = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...admin, 'content-type': 'text/csv' }, payload: bytes });
  assert.equal(refused.statusCode, 415, refused.body);
  assert.match(refused.json().detail, /byte 0xE9 at row 2/);
  assert.equal(refused.json().row, 2);
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-08', headers: admin })).statusCode, 404);

  const declared = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...admin, 'content-type': 'text/csv; charset=windows-1252' }, payload: bytes });
  assert.equal(declared.statusCode, 201, declared.body);
  const month = (await app.inject({ url: '/api/v1/commissions/2025-08', headers: admin })).json();
  assert.equal(month.data.agents[0].name, 'José Núñez');

  // UTF-8 with Excel's BOM reads as before.
  const utf8 = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...admin, 'content-type': 'text/csv' }, payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PAYEE_CSV.replace('2025-08', '2025-07'))]) });
  assert.equal(utf8.statusCode, 201, utf8.body);
  const other = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...admin, 'content-type': 'text/csv; charset=iso-2022-jp' }, payload: Buffer.from(PAYEE_CSV) });
  assert.equal(other.statusCode, 415);
});

test('payee CSV import: bytes that are not UTF-8 (nor Windows-1252 when declared) are a 415, never replacement characters', async (t) => {
  const { app, admin } = await setup(t);
  // "Jos\xC3(" : a UTF-8 lead byte followed by no continuation byte, behind Excel's BOM.
  const broken = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PAYEE_CSV.slice(0, PAYEE_CSV.indexOf('é'))), Buffer.from([0xc3, 0x28]), Buffer.from(PAYEE_CSV.slice(PAYEE_CSV.indexOf('é') + 1))]);
  const refused = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...admin, 'content-type': 'text/csv' }, payload: broken });
  assert.equal(refused.statusCode, 415, refused.body);
  assert.equal(refused.json().row, 2);
  assert.doesNotMatch(refused.body, /\uFFFD/);
  // 0x81 is a byte Windows-1252 leaves undefined: refused even when declared.
  const undefinedByte = Buffer.from(PAYEE_CSV.replace('é', '\x81'), 'latin1');
  const declared = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...admin, 'content-type': 'text/csv; charset=windows-1252' }, payload: undefinedByte });
  assert.equal(declared.statusCode, 415, declared.body);
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-08', headers: admin })).statusCode, 404, 'nothing written');
  const list = (await app.inject({ url: '/api/v1/commissions', headers: admin })).json();
  assert.doesNotMatch(JSON.stringify(list), /\uFFFD/);
});

test('preview with an unsaved mapping (?mapping_json=): read as the saved one would be, nothing saved; an invalid one is a 422 pointing into it', async (t) => {
  const { app, admin } = await setup(t);
  const preview = (query: string) =>
    app.inject({ method: 'POST', url: `/api/v1/closings/preview?month=2025-09&${query}`, headers: { ...admin, 'content-type': 'text/csv' }, payload: CSV });
  // The CSV's two deal rows (the third line has no property and no agents: the totals line): $6,000
  // and (250.00), company GP 6,000 − 250 = 5,750.00, transactions 1 + 0 = 1.
  const inline = await preview(`mapping_json=${encodeURIComponent(JSON.stringify(MAPPING))}`);
  assert.equal(inline.statusCode, 200, inline.body);
  const body = inline.json();
  assert.equal(body.counts.closings, 2, inline.body);
  assert.equal(body.company_gp, 5750);
  // Nothing was saved: the list of mappings is empty, and the saved-mapping path still answers the same.
  assert.deepEqual((await app.inject({ url: '/api/v1/import-mappings', headers: admin })).json().items, []);
  const saved = await app.inject({ method: 'PUT', url: '/api/v1/import-mappings/sept', headers: admin, payload: MAPPING });
  assert.equal(saved.statusCode, 201);
  const bySaved = (await preview('mapping=sept')).json();
  assert.deepEqual({ ...bySaved }, { ...body });

  const bad = await preview(`mapping_json=${encodeURIComponent(JSON.stringify({ columns: { gp: '' } }))}`);
  assert.equal(bad.statusCode, 422, bad.body);
  assert.ok(bad.json().errors.every((error: { pointer: string }) => error.pointer.startsWith('/query/mapping_json')), bad.body);
  const notJson = await preview('mapping_json=%7Bnope');
  assert.equal(notJson.statusCode, 422);
  assert.deepEqual(notJson.json().errors.map((error: { pointer: string }) => error.pointer), ['/query/mapping_json']);
  const both = await preview(`mapping=sept&mapping_json=${encodeURIComponent(JSON.stringify(MAPPING))}`);
  assert.equal(both.statusCode, 422);
  // The import takes saved mappings only.
  const importing = await app.inject({
    method: 'POST',
    url: `/api/v1/closings/import?month=2025-09&mapping_json=${encodeURIComponent(JSON.stringify(MAPPING))}`,
    headers: { ...admin, 'content-type': 'text/csv' },
    payload: CSV,
  });
  assert.ok(importing.statusCode === 400 || importing.statusCode === 422, importing.body);
});

test('the closings template: an xlsx whose headers the suggestion maps, and whose mapping (x-cip-mapping) previews its two rows', async (t) => {
  const { app, admin } = await setup(t);
  const template = await app.inject({ url: '/api/v1/closings/template.xlsx', headers: admin });
  assert.equal(template.statusCode, 200, template.body);
  assert.equal(template.headers['content-type'], XLSX_MEDIA_TYPE);
  const workbook = XLSX.read(template.rawPayload, { type: 'buffer' });
  assert.deepEqual(workbook.SheetNames, ['Closings']);
  const mapping = JSON.parse(String(template.headers['x-cip-mapping']));
  // The example rows: 6,000.00 (trx 1) and a memo row 1,250.50 (trx 0): company GP 7,250.50, 1 transaction.
  const preview = await app.inject({
    method: 'POST',
    url: `/api/v1/closings/preview?month=2025-09&mapping_json=${encodeURIComponent(JSON.stringify(mapping))}`,
    headers: { ...admin, 'content-type': XLSX_MEDIA_TYPE },
    payload: template.rawPayload,
  });
  assert.equal(preview.statusCode, 200, preview.body);
  assert.equal(preview.json().counts.closings, 2, preview.body);
  assert.equal(preview.json().company_gp, 7250.5);
  assert.deepEqual(preview.json().errors, []);
  const suggested = await app.inject({ method: 'POST', url: '/api/v1/import-mappings/suggest', headers: { ...admin, 'content-type': XLSX_MEDIA_TYPE }, payload: template.rawPayload });
  assert.equal(suggested.statusCode, 200, suggested.body);
  assert.deepEqual(suggested.json().mapping.columns, mapping.columns);
});
