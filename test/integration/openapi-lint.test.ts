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
