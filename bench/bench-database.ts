import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { dropDatabase, ensureDatabase, withDatabase } from '../src/db/bootstrap.js';
import { openDatabase, type OpenDatabase } from '../src/db/open.js';

/**
 * A database of the benchmark's own, migrated: a fresh `name` on the server at BENCH_DATABASE_URL
 * (a superuser URL, dropped by cleanup), or an embedded PostgreSQL in a temporary directory.
 */
export async function openBenchDatabase(name: string): Promise<{ open: OpenDatabase; cleanup: () => Promise<void> }> {
  const config = loadConfig();
  const log = { info: () => {}, debug: () => {}, warn: () => {}, error: (_object: object, message: string) => process.stderr.write(`${message}\n`) };
  const serverUrl = process.env.BENCH_DATABASE_URL;
  if (serverUrl) {
    await dropDatabase(serverUrl, name);
    await ensureDatabase(serverUrl, name);
    const open = await openDatabase({ ...config, databaseUrl: withDatabase(serverUrl, name) }, log);
    return {
      open,
      cleanup: async () => {
        await open.close();
        await dropDatabase(serverUrl, name);
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `${name.replace(/_/g, '-')}-`));
  await chmod(dataDir, 0o755);
  const open = await openDatabase({ ...config, databaseUrl: undefined, dataDir }, log);
  return {
    open,
    cleanup: async () => {
      await open.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
