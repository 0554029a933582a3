import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { dropDatabase, ensureDatabase, withDatabase } from '../src/db/bootstrap.js';
import { openDatabase, type OpenDatabase } from '../src/db/open.js';

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/**
 * The benchmark's database name: BENCH_DATABASE (default `cip_bench`), and `<that>_<suffix>` for a
 * part that loads a database of its own, so two checkouts benchmarking on one server keep apart.
 */
export function benchDatabaseName(suffix?: string): string {
  const base = process.env.BENCH_DATABASE?.trim() || 'cip_bench';
  if (!DATABASE_NAME.test(base)) throw new Error(`BENCH_DATABASE must be a lower-case SQL name (letters, digits, _; at most 40), got "${base}"`);
  return suffix ? `${base}_${suffix}` : base;
}

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
