// Mutation testing of the pure domain, one source file per run (`npm run mutate -- <folder or
// file> ...` runs this once per file; not part of `npm test`). Each mutant of the file is judged
// by the unit tests that import the file, run by Node's test runner through the command runner:
// a non-zero exit kills the mutant. scripts/mutate.mjs sets STRYKER_FILE and STRYKER_TESTS.
const file = process.env.STRYKER_FILE;
const tests = (process.env.STRYKER_TESTS ?? '').split(/\s+/).filter(Boolean);
if (!file || tests.length === 0) throw new Error('run through `npm run mutate -- <folder or file>`');
const label = file.replace(/^src\//, '').replace(/\.ts$/, '').replace(/\W+/g, '-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [file],
  testRunner: 'command',
  // All of a file's tests in one process: one start of tsx per mutant, not one per test file; the
  // process ends at the first failing test (scripts/bail-reporter.mjs), which is enough to kill it.
  commandRunner: { command: `node --test-reporter=./scripts/bail-reporter.mjs --import tsx scripts/run-tests-in-one.mjs ${tests.join(' ')}` },
  coverageAnalysis: 'off',
  // Two cores shared by the whole team.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  // Beyond the normal run time; a mutant that loops forever is a timeout (counted as detected).
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: `test-artifacts/stryker/${label}.incremental.json`,
  // STRYKER_TEMP_DIR: a folder of its own for each of several runs at once (cleanTempDir removes it).
  tempDirName: process.env.STRYKER_TEMP_DIR ?? 'test-artifacts/stryker-tmp',
  cleanTempDir: 'always',
  // docs/templates stay: the payee-template tests compare them with what the API serves.
  ignorePatterns: ['/web/dist', '/docs/*', '!/docs/templates', '/dist', '/bench', '/test/browser', '/test/integration', '/test-artifacts', '/.data'],
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `test-artifacts/stryker/${label}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 75, break: null },
};
