// Runs the named node:test files in this one process (`node --import tsx scripts/run-tests-in-one.mjs
// a.test.ts b.test.ts`): one start of tsx instead of one per file, which is most of a unit test
// file's time. Node 20 has no `--test-isolation=none`; a failing test sets the exit code to 1.
// Used by the mutation runs (stryker.config.mjs), where every mutant reruns the tests.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

for (const file of process.argv.slice(2)) await import(pathToFileURL(path.resolve(file)).href);
