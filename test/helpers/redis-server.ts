import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { test, type TestContext } from 'node:test';

/**
 * A test that needs Redis: runs against TEST_REDIS_URL, and is skipped, saying why, when it is
 * not set (`npm test` prints whether it is).
 */
export function redisTest(name: string, body: (t: TestContext, url: string) => Promise<void>): void {
  test(name, async (t) => {
    const url = process.env.TEST_REDIS_URL;
    if (!url) {
      t.skip('TEST_REDIS_URL not set');
      return;
    }
    await body(t, url);
  });
}

/** A TCP port nobody listens on right now (the embedded database's own helper). */
export { freePort } from '../../src/db/embedded.js';

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A throwaway redis-server of this test on `port`, killed when the test ends. `stop()` kills it
 * (SIGKILL: a crash, not a shutdown); `start()` again brings up an empty one on the same port,
 * or, with `persistDir`, one that kept every key (append-only file, fsync on every write).
 */
export class ThrowawayRedis {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  constructor(
    t: TestContext,
    readonly port: number,
    private readonly options: { persistDir?: string } = {},
  ) {
    t.after(() => this.stop());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const persistence = this.options.persistDir
      ? ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.options.persistDir]
      : ['--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', ...persistence, '--daemonize', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server on ${this.port} exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.exited;
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: connections stay open but nothing answers. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.child?.kill(signal);
  }
}
