/**
 * `npm run import -- --tenant ORG --mapping NAME [--month YYYY-MM] FILE.xlsx|FILE.csv`: an operator's
 * closings spreadsheet read through the tenant's saved mapping, as the HTTP import reads it, all or
 * nothing, run as the process an operator runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import pg from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/db/bootstrap.js';
import { openDatabase } from '../../src/db/open.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { serviceContext, systemPrincipal } from '../../src/services/context.js';
import { saveMapping } from '../../src/services/import-mappings/save-mapping.js';
import { provisionTenant } from '../../src/services/tenant/provision-tenant.js';
import { EXPORT, EXPORT_LINES, exportAsXlsx, MAPPING } from '../helpers/closings-export.js';
import { runImportCli as runImport } from '../helpers/import-cli.js';
import { serverUrl, testConfig } from '../helpers/env.js';

const quiet = { info: () => {}, warn: () => {}, debug: () => {} };

/** A database of its own, migrated, with tenant `org` and its mapping "september" saved through the use case. */
async function databaseWithMapping(t: TestContext, org: string): Promise<string> {
  const name = `cip_ccli_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await ensureDatabase(serverUrl(), name);
  t.after(() => dropDatabase(serverUrl(), name));
  const url = withDatabase(serverUrl(), name);
  const database = await openDatabase(testConfig({ DATABASE_URL: url }), quiet);
  try {
    const clock = () => new Date('2025-10-06T12:00:00Z');
    const { tenantId } = await provisionTenant({ pool: database.pool, clock, promoDays: 30 }, { orgId: org });
    const ctx = serviceContext({ pool: database.pool, clock, tenantChanged: async () => {} }, systemPrincipal(tenantId, org));
    await saveMapping(ctx, { name: 'september', mapping: { ...MAPPING, sheet: 'Dispo Closings' } });
  } finally {
    await database.close();
  }
  return url;
}

async function workDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cip-closings-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** What landed, read as the owner: each month's totals and its closings' properties and agents. */
async function stored(databaseUrl: string, org: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tenant = tenantIdForOrg(org);
    const months = await client.query<{ month: string; closings: number; company_gp: string; company_transactions: number }>(
      "SELECT to_char(month, 'YYYY-MM') AS month, closing_count AS closings, company_gp::text, company_transactions FROM closing_months WHERE tenant_id = $1 ORDER BY month",
      [tenant],
    );
    const agents = await client.query<{ agent: string }>('SELECT DISTINCT agent FROM closing_sides WHERE tenant_id = $1 AND agent IS NOT NULL ORDER BY agent', [tenant]);
    return { months: months.rows, agents: agents.rows.map((row) => row.agent) };
  } finally {
    await client.end();
  }
}

test('a CSV export and the same sheet as xlsx import through the saved mapping, with the skipped lines as warnings', { timeout: 180_000 }, async (t) => {
  const org = 'acme';
  const url = await databaseWithMapping(t, org);
  const dir = await workDir(t);
  const csv = path.join(dir, 'closings.csv');
  await writeFile(csv, EXPORT);
  const csvRun = await runImport(url, ['--tenant', org, '--mapping', 'september', '--month', '2025-09', csv]);
  assert.equal(csvRun.code, 0, csvRun.stderr);
  // Company GP 6,000 + 1,234.50 − 250 + 3,500 = 10,484.50 over 4 closings (the totals line is no deal).
  assert.match(csvRun.stdout, /Imported 1 closings month\(s\) into tenant acme: 2025-09 4 closings, company GP 10484\.5; /);
  assert.match(csvRun.stdout, /warning 2025-09: row 6 skipped: blank/);
  assert.match(csvRun.stdout, /warning 2025-09: row 7 skipped: no property or agent \(a totals line\?\)/);
  assert.match(csvRun.stderr, /1\/1 read closings\.csv/, 'the progress of the read');
  assert.match(csvRun.stderr, /1\/1 2025-09/, 'the progress of the write');
  const first = await stored(url, org);
  assert.deepEqual(first.months, [{ month: '2025-09', closings: 4, company_gp: '10484.50', company_transactions: 3 }]);
  assert.deepEqual(first.agents, ['José Núñez', 'Kyle Singer', 'Steve Shelburne', 'Vincent Gnapi']);

  // The month from the file's name, the sheet from the mapping: the same month again, replaced.
  const xlsx = path.join(dir, 'closings-2025-09.xlsx');
  await writeFile(xlsx, exportAsXlsx());
  const xlsxRun = await runImport(url, ['--tenant', org, '--mapping', 'september', xlsx]);
  assert.equal(xlsxRun.code, 0, xlsxRun.stderr);
  assert.match(xlsxRun.stdout, /Imported 1 closings month\(s\) into tenant acme \(1 replaced\): 2025-09 4 closings, company GP 10484\.5; /);
  assert.deepEqual(await stored(url, org), first);
});

test('one unreadable cell: every error with its row and column header, exit 1, and nothing written from any file', { timeout: 180_000 }, async (t) => {
  const org = 'acme';
  const url = await databaseWithMapping(t, org);
  const dir = await workDir(t);
  await writeFile(path.join(dir, 'closings-2025-09.csv'), EXPORT);
  const october = EXPORT_LINES.map((line) => line.replace(/9\/30\/25|09\/12\/2025|2025-09-03|9\/5\/25/, (date) => ({ '9/30/25': '10/30/25', '09/12/2025': '10/12/2025', '2025-09-03': '2025-10-03', '9/5/25': '10/5/25' })[date]!));
  october[2] = october[2]!.replace('"$1,234.50"', '12O0');
  october[3] = october[3]!.replace(',0,Kyle', ',one,Kyle');
  await writeFile(path.join(dir, 'closings-2025-10.csv'), `${october.join('\r\n')}\r\n`);

  const run = await runImport(url, ['--tenant', org, '--mapping', 'september', path.join(dir, 'closings-2025-09.csv'), path.join(dir, 'closings-2025-10.csv')]);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stderr, /closings-2025-10\.csv \/rows\/3\/Gross Profit: row 3, column "Gross Profit": .*"12O0"/);
  assert.match(run.stderr, /closings-2025-10\.csv \/rows\/4\/Trx #: row 4, column "Trx #": .*"one"/);
  assert.match(run.stderr, /Nothing imported/);
  assert.doesNotMatch(run.stderr, /closings-2025-09\.csv \//, 'the good file has no errors');
  assert.deepEqual((await stored(url, org)).months, [], 'September, which read, was not written either');
});

test('Windows-1252 bytes: refused (415) unless --charset windows-1252 says so; then the names are exact', { timeout: 180_000 }, async (t) => {
  const org = 'acme';
  const url = await databaseWithMapping(t, org);
  const dir = await workDir(t);
  const file = path.join(dir, 'closings.csv');
  await writeFile(file, iconv.encode(EXPORT.subarray(3).toString('utf8'), 'windows-1252'));

  const refused = await runImport(url, ['--tenant', org, '--mapping', 'september', '--month', '2025-09', file]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /closings\.csv: .*byte 0xE9 at row 5/);
  assert.deepEqual((await stored(url, org)).months, []);

  const declared = await runImport(url, ['--tenant', org, '--mapping', 'september', '--month', '2025-09', '--charset', 'windows-1252', file]);
  assert.equal(declared.code, 0, declared.stderr);
  assert.ok((await stored(url, org)).agents.includes('José Núñez'));
});

test('refused before anything is read: an unknown mapping, a file that is no spreadsheet, no month, --month for two files', { timeout: 180_000 }, async (t) => {
  const org = 'acme';
  const url = await databaseWithMapping(t, org);
  const dir = await workDir(t);
  const csv = path.join(dir, 'closings.csv');
  await writeFile(csv, EXPORT);
  await writeFile(path.join(dir, 'closings-2025-09.txt'), EXPORT);

  const unknown = await runImport(url, ['--tenant', org, '--mapping', 'october', '--month', '2025-09', csv]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /closings\.csv: No import mapping named "october"/);
  const noMonth = await runImport(url, ['--tenant', org, '--mapping', 'september', csv, path.join(dir, 'closings-2025-09.txt')]);
  assert.equal(noMonth.code, 1);
  assert.match(noMonth.stderr, /closings\.csv: says no month: give --month YYYY-MM/);
  assert.match(noMonth.stderr, /closings-2025-09\.txt: is not a spreadsheet/);
  const twice = await runImport(url, ['--tenant', org, '--mapping', 'september', '--month', '2025-09', csv, csv]);
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /--month: names one month/);
  assert.deepEqual((await stored(url, org)).months, []);
});
