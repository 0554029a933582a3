import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../../src/db/embedded.js';
import { runAs } from './postgres-server.js';

/** Where Debian's `pgbouncer` package puts the binary, or one on PATH; undefined when not installed. */
export function pgbouncerBinary(): string | undefined {
  const dirs = ['/usr/sbin', '/usr/bin', ...(process.env.PATH ?? '').split(path.delimiter)];
  return dirs.map((dir) => path.join(dir, 'pgbouncer')).find((file) => existsSync(file));
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface PgBouncer {
  port: number;
  /** Everything PgBouncer logged so far, for failure messages. */
  output: () => string;
}

/**
 * A PgBouncer of one test in **transaction** pooling mode in front of `server` (host and port of a
 * PostgreSQL), with a small server pool so that the transactions of different clients (and
 * tenants) take turns on the same server connections. Clients log in as `user` with `password`
 * (SCRAM), which PgBouncer also uses towards the server. No `ignore_startup_parameters`: a client
 * that sends session settings in its startup packet is refused, as by a default PgBouncer.
 * Stopped (SIGINT) and its directory removed when the test ends.
 */
export async function startPgBouncer(
  t: TestContext,
  options: { binary: string; server: { host: string; port: number }; user: string; password: string; serverPoolSize?: number },
): Promise<PgBouncer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cip-pgbouncer-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  await writeFile(path.join(dir, 'userlist.txt'), `${quote(options.user)} ${quote(options.password)}\n`, { mode: 0o644 });
  await writeFile(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${options.server.host} port=${options.server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'pool_mode = transaction',
      'auth_type = scram-sha-256',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `default_pool_size = ${options.serverPoolSize ?? 2}`,
      'max_client_conn = 200',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  let log = '';
  const child: ChildProcess = spawn(options.binary, [path.join(dir, 'pgbouncer.ini')], { ...runAs(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
    await rm(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode ?? child.signalCode}:\n${log}`);
    if (Date.now() > deadline) throw new Error(`pgbouncer did not listen on ${port}:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, output: () => log };
}
