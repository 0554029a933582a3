/** `npm run import`: an operator's month files loaded through the same validation, all or nothing. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/db/bootstrap.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { toCsv } from '../../src/domain/imports/csv.js';
import { runImportCli as runImport } from '../helpers/import-cli.js';
import { serverUrl } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';

async function freshDatabase(t: TestContext): Promise<string> {
  const name = `cip_bulk_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await ensureDatabase(serverUrl(), name);
  t.after(() => dropDatabase(serverUrl(), name));
  return withDatabase(serverUrl(), name);
}

async function months(databaseUrl: string, org: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ month: string }>(
      "SELECT to_char(month, 'YYYY-MM') AS month FROM commission_months WHERE tenant_id = $1 ORDER BY month",
      [tenantIdForOrg(org)],
    );
    return result.rows.map((row) => row.month);
  } finally {
    await client.end();
  }
}

test('a directory of JSON and CSV month files is imported whole, with a summary of warnings', { timeout: 120_000 }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cip-bulk-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // June: Ada terminates 5 of 6 contracts, which the evidence rule warns about.
  const june = { ...smallMonth('2025-06'), deals: undefined, metadata: undefined };
  june.agents[0] = { ...june.agents[0]!, deals: 1, terminations: 5 };
  await writeFile(path.join(dir, '2025-06.json'), JSON.stringify(june));
  await writeFile(path.join(dir, 'range.json'), JSON.stringify([smallMonth('2025-07')]));
  const { deals: _deals, metadata: _metadata, ...payouts } = smallMonth('2025-08');
  await writeFile(path.join(dir, '2025-08.csv'), toCsv([payouts]));

  const result = await runImport(databaseUrl, ['--tenant', 'acme', dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Imported 3 month\(s\) into tenant acme, 1 warning\(s\)/);
  assert.match(result.stdout, /warning 2025-06: Agent 'Ada Quill' termination rate \(83\.3%\) above threshold/);
  assert.deepEqual(await months(databaseUrl, 'acme'), ['2025-06', '2025-07', '2025-08']);
});

test('one bad file: every error is listed with its file and pointer, and nothing is imported', { timeout: 120_000 }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cip-bulk-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'a-good.json'), JSON.stringify(smallMonth('2025-06')));
  const bad = smallMonth('2025-07') as unknown as { agents: Record<string, unknown>[] };
  bad.agents[1]!.type = 'closer';
  await writeFile(path.join(dir, 'b-bad.json'), JSON.stringify(bad));
  const semantic = smallMonth('2025-08');
  semantic.agents[0]!.commission = 10.001;
  await writeFile(path.join(dir, 'c-semantic.json'), JSON.stringify(semantic));

  const schemaRun = await runImport(databaseUrl, ['--tenant', 'acme', path.join(dir, 'a-good.json'), path.join(dir, 'b-bad.json')]);
  assert.equal(schemaRun.code, 1);
  assert.match(schemaRun.stderr, /b-bad\.json \/agents\/1\/type: /);
  assert.match(schemaRun.stderr, /Nothing imported/);

  const semanticRun = await runImport(databaseUrl, ['--tenant', 'acme', path.join(dir, 'a-good.json'), path.join(dir, 'c-semantic.json')]);
  assert.equal(semanticRun.code, 1);
  assert.match(semanticRun.stderr, /c-semantic\.json \/agents\/0\/commission/);
  assert.deepEqual(await months(databaseUrl, 'acme'), [], 'the good month was not written either');
});
