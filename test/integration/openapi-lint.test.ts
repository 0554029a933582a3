/**
 * The published OpenAPI document, linted with Redocly CLI against the project ruleset
 * (redocly.yaml): errors fail, warnings are printed. The CLI runs as a child process, as a
 * developer would run it (`npx redocly lint`), on exactly what `/openapi.json` serves.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openapiDocument } from '../../scripts/openapi-document.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      // No telemetry, no update check: the test talks to nothing but the file it lints.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the OpenAPI document passes the Redocly lint with the project ruleset', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cip-openapi-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'openapi.json');
  await writeFile(file, JSON.stringify(await openapiDocument(), null, 2));

  const run = await runCli(['lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'json']);
  const start = run.stdout.indexOf('{');
  assert.ok(start >= 0, `no JSON report from redocly (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout.slice(start)) as { totals: { errors: number; warnings: number }; problems: LintProblem[] };

  const describe = (problem: LintProblem) => `${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`;
  const warnings = report.problems.filter((problem) => problem.severity === 'warn');
  if (warnings.length > 0) {
    const byRule = new Map<string, number>();
    for (const warning of warnings) byRule.set(warning.ruleId, (byRule.get(warning.ruleId) ?? 0) + 1);
    t.diagnostic(`lint warnings: ${[...byRule].map(([rule, count]) => `${rule} ×${count}`).join(', ')}`);
  }
  const errors = report.problems.filter((problem) => problem.severity === 'error');
  assert.deepEqual(errors.map(describe), [], 'the document has lint errors');
  assert.equal(report.totals.errors, 0);
  assert.equal(run.code, 0, run.stderr);
});

interface Operation {
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: { default?: unknown } }[];
  responses?: Record<string, { content?: Record<string, { schema?: { type?: string } }> }>;
}

function operations(document: { paths: Record<string, Record<string, Operation>> }) {
  return Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${route}`, operation })),
  );
}

test('the document says what guards answer, types CSV as text and requires no parameter that has a default', async () => {
  const document = (await openapiDocument()) as unknown as { paths: Record<string, Record<string, Operation>> };
  const all = operations(document);
  const bearer = all.filter(({ operation }) => operation.security?.some((scheme) => 'bearerAuth' in scheme));
  assert.ok(bearer.length > 30, `${bearer.length} bearer operations`);
  assert.deepEqual(bearer.filter(({ operation }) => !operation.responses?.['401']).map(({ name }) => name), [], 'every bearer route can answer 401');
  // Feature-gated and admin routes, sampled from each kind.
  for (const name of ['GET /api/v1/analytics/summary', 'GET /api/v1/plans', 'GET /api/v1/commissions/export', 'GET /api/v1/settings']) {
    assert.ok(all.find((entry) => entry.name === name)?.operation.responses?.['402'], `${name} documents 402`);
  }
  for (const name of ['DELETE /api/v1/plans/{id}', 'GET /api/v1/tenant/export']) {
    assert.ok(all.find((entry) => entry.name === name)?.operation.responses?.['403'], `${name} documents 403`);
  }
  const csv = all.flatMap(({ name, operation }) =>
    Object.entries(operation.responses ?? {}).flatMap(([status, response]) => {
      const media = response.content?.['text/csv'];
      return media ? [{ at: `${name} ${status}`, type: media.schema?.type }] : [];
    }),
  );
  assert.ok(csv.length >= 2, 'the CSV answers are documented');
  assert.deepEqual(csv.filter(({ type }) => type !== 'string'), [], 'CSV is text');
  const requiredWithDefault = all.flatMap(({ name, operation }) =>
    (operation.parameters ?? []).filter((p) => p.required && p.schema && 'default' in p.schema).map((p) => `${name} ${p.in}.${p.name}`),
  );
  assert.deepEqual(requiredWithDefault, []);
});

test('no response schema is left open: analytics views are typed to the field', async () => {
  const document = (await openapiDocument()) as unknown as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }>> };
  for (const view of ['summary', 'agents', 'teams', 'terminations', 'markets', 'predictive']) {
    const schema = document.paths[`/api/v1/analytics/${view}`]?.get?.responses?.['200']?.content?.['application/json']?.schema;
    assert.ok(schema, view);
    assert.equal(schema.additionalProperties, false, `${view} is closed`);
    assert.ok(Object.keys(schema.properties as object).length >= 2, `${view} names its fields`);
  }
});
