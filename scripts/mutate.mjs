// `npm run mutate -- src/domain/imports [more folders or files]`: Stryker over the named domain
// code (stryker.config.mjs), one run per source file, each judged by the unit tests whose imports
// reach that file (value imports: `import type` runs nothing). Reruns are incremental: only mutants
// whose code or tests changed are tested again. At the end it prints the score per folder from
// the JSON reports in test-artifacts/stryker/. STRYKER_CONCURRENCY (default 2) sets the number of
// test processes; STRYKER_BUDGET_MINUTES stops starting new files once that much time has passed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const targets = process.argv.slice(2).map((target) => target.replace(/\/+$/, ''));
if (targets.length === 0) {
  process.stderr.write('usage: npm run mutate -- <folder or file under src/domain> ...\n');
  process.exit(2);
}
const missing = targets.filter((target) => !existsSync(target));
if (missing.length > 0) {
  process.stderr.write(`no such file or folder: ${missing.join(', ')}\n`);
  process.exit(2);
}

const posix = (file) => file.split(path.sep).join('/');
const sources = targets
  .flatMap((target) =>
    statSync(target).isFile() ? [target] : readdirSync(target, { recursive: true }).map((entry) => path.join(target, entry)),
  )
  .filter((file) => file.endsWith('.ts') && statSync(file).isFile())
  .map(posix)
  .sort();

const unitTests = readdirSync('test/unit')
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => `test/unit/${file}`);

// Value imports only (`import type` runs nothing), relative ones: the domain imports no packages of ours.
const IMPORT = /^(?:import|export) (?!type )[^;]*?from '(\.[^']+)';/gm;
const reachable = new Map();
function modulesReachedFrom(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = posix(path.join(path.dirname(file), specifier)).replace(/\.js$/, '.ts');
    if (existsSync(target)) modulesReachedFrom(target, seen);
  }
  return seen;
}

// The unit tests about each part of the domain: a mutant of a file is judged by those of them whose
// imports reach the file (the first entry whose path prefixes the file wins). Tests that reach a
// file only in passing (the OpenAPI document, the architecture rules, the demo data, the worker
// pool) would make each mutant take seconds and kill little; outside this table they are left out
// too. STRYKER_ALL_TESTS=1 judges by every unit test that reaches the file instead.
const JUDGES = [
  ['src/domain/analytics/', /^(analytics-(?!schemas)|agent-outlook|deal-evidence|mann-kendall|termination-evidence|tier-signals)/],
  ['src/domain/closings/', /^closings-/],
  ['src/domain/imports/check.ts', /^import-check/],
  ['src/domain/imports/csv.ts', /^csv\./],
  ['src/domain/imports/size-warning.ts', /^size-warning\./],
  ['src/domain/imports/template.ts', /^payee-template\./],
  ['src/domain/imports/xlsx.ts', /^(payee-template|imports-xlsx)\./],
  ['src/domain/imports/text-encoding.ts', /^(csv|text-encoding|closings-sheets|closings-spreadsheet)\./],
  ['src/domain/imports/', /^(import-|plans-without-deals|termination-evidence)/],
  ['src/domain/payouts/', /^payouts-/],
  ['src/domain/plans/optimize.ts', /^(plans|payouts)-optimize/],
  ['src/domain/plans/brackets.ts', /^plans-(brackets|calculate)/],
  ['src/domain/plans/', /^plans-(?!optimize)/],
  ['src/domain/reports/', /^(csv-writers|reports-)/],
  ['src/domain/money.ts', /^(money|decimal)\./],
  ['src/domain/entitlements.ts', /^entitlement/],
  ['src/domain/text-safety.ts', /^text-safety/],
  ['src/domain/formula-cell.ts', /^(csv-writers|csv\.)/],
  ['src/domain/organisation.ts', /^organisation\./],
];
const IN_PASSING = /^(openapi-exact|architecture|analytics-schemas|demo-|plan-workers)/;

/** The unit tests that run `source`: those whose imports reach it, narrowed by JUDGES. */
function testsOf(source) {
  const reaching = unitTests.filter((test) => {
    if (!reachable.has(test)) reachable.set(test, modulesReachedFrom(test));
    return reachable.get(test).has(source);
  });
  if (process.env.STRYKER_ALL_TESTS) return reaching;
  const judge = JUDGES.find(([prefix]) => source.startsWith(prefix))?.[1];
  return reaching.filter((test) => {
    const name = path.posix.basename(test);
    return judge ? judge.test(name) : !IN_PASSING.test(name);
  });
}

if (process.env.STRYKER_LIST) {
  for (const source of sources) process.stdout.write(`${source}: ${testsOf(source).join(" ")}\n`);
  process.exit(0);
}

const core = path.dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json'));
// The package exports no bin path: its folder is found through package.json, which it exports.
const stryker = path.join(core, 'bin', 'stryker.js');
const budgetMs = Number(process.env.STRYKER_BUDGET_MINUTES ?? Infinity) * 60_000;
const started = Date.now();
let failed = false;

for (const source of sources) {
  const tests = testsOf(source);
  if (tests.length === 0) {
    process.stdout.write(`# ${source}: no unit test imports it, not mutated\n`);
    continue;
  }
  if (Date.now() - started > budgetMs) {
    process.stdout.write(`# ${source}: time budget spent, not mutated\n`);
    continue;
  }
  process.stdout.write(`# ${source}: ${tests.join(' ')}\n`);
  const run = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs'], {
    stdio: 'inherit',
    env: { ...process.env, STRYKER_FILE: source, STRYKER_TESTS: tests.join(' ') },
  });
  if (run.status !== 0) failed = true;
}

// Score per folder over every report present (this run's and earlier ones').
const folders = new Map();
const reportDir = 'test-artifacts/stryker';
for (const name of existsSync(reportDir) ? readdirSync(reportDir) : []) {
  if (!name.endsWith('.json') || name.endsWith('.incremental.json')) continue;
  const report = JSON.parse(readFileSync(path.join(reportDir, name), 'utf8'));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = path.posix.dirname(posix(file));
    const tally = folders.get(folder) ?? { killed: 0, survived: 0, noCoverage: 0, timeout: 0, other: 0 };
    for (const mutant of mutants) {
      if (mutant.status === 'Killed') tally.killed += 1;
      else if (mutant.status === 'Timeout') tally.timeout += 1;
      else if (mutant.status === 'Survived') tally.survived += 1;
      else if (mutant.status === 'NoCoverage') tally.noCoverage += 1;
      else tally.other += 1;
    }
    folders.set(folder, tally);
  }
}
for (const [folder, t] of [...folders].sort()) {
  const detected = t.killed + t.timeout;
  const valid = detected + t.survived + t.noCoverage;
  const score = valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)}%`;
  process.stdout.write(`# ${folder}: score ${score} (killed ${t.killed}, timeout ${t.timeout}, survived ${t.survived}, errors ${t.other})\n`);
}
process.exit(failed ? 1 : 0);
