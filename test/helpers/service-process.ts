import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET } from './env.js';
import { deriveAppPassword } from '../../src/db/bootstrap.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The service as production runs it (`node --import tsx src/main.ts`), as a process of this test. */
export interface ServiceProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  base: string;
  exited: Promise<ServiceExit>;
  /** Everything the process wrote so far (pino JSON lines), for failure messages. */
  output: () => string;
}

/**
 * Starts the service in production mode against `databaseUrl` (an owner URL: it migrates),
 * accepting tokens signed with the tests' TEST_SECRET, with rate limits off (one test sends
 * thousands of requests from 127.0.0.1). `env` adds or overrides variables. Killed (SIGKILL) when
 * the test ends if it is still running.
 */
export async function startService(t: TestContext, databaseUrl: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cip-faults-svc-'));
  await chmod(dataDir, 0o755);
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('CIP_TEST_') || key === 'REDIS_URL' || key.startsWith('AUTH_')) delete childEnv[key];
  Object.assign(childEnv, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    // Production wants the application role's password said when the owner URL has none; the one
    // the service would derive keeps the role's password as every other test on the server knows it.
    APP_DATABASE_PASSWORD: deriveAppPassword(databaseUrl),
    AUTH_JWT_SECRET: TEST_SECRET,
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_IP_PER_MINUTE: '0',
    // One process, whatever the machine's cores (production's default is one worker per core):
    // the fault tests reason about one pool and one process; web-concurrency.test.ts asks for 2.
    WEB_CONCURRENCY: '1',
    ...env,
  });

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<ServiceExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  });
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not listen within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"http:\/\/[^:"]+:(\d+)"[^\n]*"msg":"listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code ?? signal}) before it listened:\n${output}`));
    });
  });
  return { child, base, exited, output: () => output };
}

export interface Answer {
  status: number;
  contentType: string;
  retryAfter: string | null;
  body: string;
  /** When the request was sent and answered, performance.now() milliseconds. */
  sentAt: number;
  answeredAt: number;
}

/**
 * One HTTP request on a connection of its own (no keep-alive pool), so "the server stopped
 * accepting connections" is observable: resolves with the answer, rejects with the socket error
 * (ECONNREFUSED, ECONNRESET, ...). Gives up after `timeoutMs`.
 */
export function request(
  base: string,
  urlPath: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<Answer> {
  const sentAt = performance.now();
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      `${base}${urlPath}`,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null,
            body,
            sentAt,
            answeredAt: performance.now(),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${options.method ?? 'GET'} ${urlPath} within ${options.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
