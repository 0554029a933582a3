/**
 * `npm test`: provides PostgreSQL, a fresh migrated database for this run, and runs every
 * `*.test.ts` under test/ with Node's test runner.
 *
 * PostgreSQL is the server at TEST_DATABASE_URL when set (the run creates and drops its own
 * database there), an embedded one in a temporary directory otherwise. Redis is used at
 * TEST_REDIS_URL when set. Arguments are passed through as file filters:
 * `npm test -- auth` runs the files whose path contains "auth".
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { dropDatabase, ensureDatabase, prepareDatabase, withDatabase } from '../src/db/bootstrap.js';

const TEST_DIR = path.dirname(fileURLToPath(import.meta.url));

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = (await testFiles(TEST_DIR)).filter(
    (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
  );
  if (files.length === 0) {
    process.stderr.write(`no test files match ${filters.join(' ')}\n`);
    return 1;
  }

  let embedded: EmbeddedDatabase | undefined;
  let scratch: string | undefined;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cip-test-'));
    // mkdtemp makes it 0700; the cluster may run as the unprivileged postgres user (when we are root).
    await chmod(scratch, 0o755);
    embedded = await startEmbeddedPostgres({ dir: path.join(scratch, 'postgres'), persistent: false });
    serverUrl = embedded.url;
    process.stdout.write('# PostgreSQL: embedded (TEST_DATABASE_URL not set)\n');
  } else {
    process.stdout.write('# PostgreSQL: TEST_DATABASE_URL\n');
  }
  process.stdout.write(`# Redis: ${process.env.TEST_REDIS_URL ? 'TEST_REDIS_URL' : 'not set: tests that need Redis are skipped, and say so'}\n`);

  const database = `cip_test_${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(serverUrl, database);
  const ownerUrl = withDatabase(serverUrl, database);
  try {
    const prepared = await prepareDatabase(ownerUrl);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${Math.max(2, os.availableParallelism())}`, ...files],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          NODE_ENV: 'test',
          CIP_TEST_SERVER_URL: serverUrl,
          CIP_TEST_OWNER_URL: ownerUrl,
          CIP_TEST_APP_URL: prepared.appUrl,
          CIP_TEST_TENANT_PROOF_KEY: prepared.tenantProofKey.toString('base64'),
        },
      },
    );
    return await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await dropDatabase(serverUrl, database).catch((error: unknown) => process.stderr.write(`could not drop ${database}: ${String(error)}\n`));
    await embedded?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test run failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
