/**
 * The service as `npm start` runs it: a real process, its embedded PostgreSQL (run as an
 * unprivileged user when we are root), graceful shutdown, data kept between starts, and the
 * external-database mode.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/db/bootstrap.js';
import { serverUrl } from '../helpers/env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Running {
  process: ChildProcess;
  base: string;
  token: string;
  output: () => string;
  exited: Promise<number | null>;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', PORT: '0', LOG_LEVEL: 'info', ...extra };
  for (const key of ['DATABASE_URL', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'REDIS_URL']) if (!(key in extra)) delete env[key];
  return env;
}

function start(env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open the demo tenant: (http:\/\/localhost:\d+)\/#access_token=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, base: match[1]!, token: match[2]!, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${output}`));
    });
  });
}

async function stop(running: Running): Promise<number | null> {
  running.process.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000).unref());
  const result = await Promise.race([running.exited, timeout]);
  if (result === 'timeout') running.process.kill('SIGKILL');
  return result === 'timeout' ? -1 : result;
}

function postgresProcessesFor(dir: string): string[] {
  const lines = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes(dir));
}

async function get(base: string, url: string, token?: string) {
  const response = await fetch(`${base}${url}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('npm start with the embedded database: serves, stops cleanly, and keeps its data', { timeout: 240_000 }, async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cip-start-'));
  await chmod(dataDir, 0o755);
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const env = baseEnv({ DATA_DIR: dataDir });

  const first = await start(env);
  assert.equal((await get(first.base, '/readyz')).status, 200);
  const demo = await get(first.base, '/api/v1/entitlements', first.token);
  assert.equal(demo.status, 200);
  assert.equal(demo.body.subscription_tier, 'promo');
  assert.match(first.output(), /migrations applied/);
  assert.match(first.output(), /demo tenant created/);
  assert.ok(postgresProcessesFor(dataDir).length > 0, 'the embedded cluster runs from the data directory');

  assert.equal(await stop(first), 0);
  assert.deepEqual(postgresProcessesFor(dataDir), [], 'the embedded cluster stopped with the service');
  const troubled = first.output().split('\n').filter((line) => /"level":(40|50|60)/.test(line));
  assert.deepEqual(troubled, [], 'a clean start and stop logs no warning or error');

  // `npm run token` signs with the same development key.
  const cliToken = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', '--tenant', 'demo', '--role', 'member'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  }).trim();

  const second = await start(env);
  t.after(() => void second.process.kill('SIGKILL'));
  assert.doesNotMatch(second.output(), /migrations applied/, 'the second start reuses the migrated database');
  assert.doesNotMatch(second.output(), /demo tenant created/, 'and the demo tenant it already had');
  assert.equal((await get(second.base, '/api/v1/entitlements', cliToken)).status, 200);
  assert.equal((await get(second.base, '/api/v1/entitlements', first.token)).status, 200, 'tokens survive a restart');
  assert.equal(await stop(second), 0);
});

test('npm start with DATABASE_URL migrates and serves an external database', { timeout: 120_000 }, async (t) => {
  const database = `cip_ext_${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(serverUrl(), database);
  t.after(() => dropDatabase(serverUrl(), database));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cip-ext-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));

  const running = await start(baseEnv({ DATA_DIR: dataDir, DATABASE_URL: withDatabase(serverUrl(), database) }));
  assert.doesNotMatch(running.output(), /starting embedded PostgreSQL/);
  assert.equal((await get(running.base, '/readyz')).status, 200);
  assert.equal((await get(running.base, '/api/v1/entitlements', running.token)).status, 200);
  assert.equal(await stop(running), 0);
});

test('NODE_ENV=production without AUTH_JWT_SECRET or AUTH_JWKS_URL refuses to start', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: baseEnv({ NODE_ENV: 'production' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 1);
  assert.match(stderr, /requires AUTH_JWT_SECRET or AUTH_JWKS_URL/);
});
