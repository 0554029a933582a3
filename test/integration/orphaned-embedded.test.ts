/**
 * kill -9 of `npm start` (src/main.ts on the embedded database): nothing of the process survives
 * to stop its PostgreSQL, which keeps running and holds the data directory's postmaster.pid. The
 * next start finds that cluster, makes sure it is ours, stops it cleanly and starts; nothing
 * acknowledged is lost. A start that fails anyway says why, at error level.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { smallMonth } from '../helpers/fixtures.js';
import { devEnv, spawnService, type DevService } from '../helpers/embedded-service.js';
import { runAs } from '../helpers/postgres-server.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

async function api(service: DevService, url: string, init: RequestInit = {}) {
  const response = await fetch(`${service.base}${url}`, {
    ...init,
    headers: { authorization: `Bearer ${service.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('kill -9 of the service orphans its embedded PostgreSQL; the next start stops it cleanly, starts, and the data is intact', { timeout: 300_000 }, async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cip-orphan-'));
  await chmod(dataDir, 0o755);
  const children: DevService['process'][] = [];
  let orphan: number | undefined;
  t.after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // Should the test fail before the second start, do not leave the orphan running.
    if (orphan !== undefined && alive(orphan)) process.kill(orphan, 'SIGINT');
    for (let i = 0; orphan !== undefined && alive(orphan) && i < 100; i++) await sleep(100);
    await rm(dataDir, { recursive: true, force: true });
  });
  const env = devEnv(dataDir);

  const first = spawnService(env);
  children.push(first.child);
  const running = await first.ready;
  const month = { ...smallMonth('2022-03'), metadata: { ...smallMonth('2022-03').metadata, total_transactions: 4242 } };
  const imported = await api(running, '/api/v1/commissions/import', { method: 'POST', body: JSON.stringify(month) });
  assert.equal(imported.status, 201, JSON.stringify(imported.body));
  const before = await api(running, '/api/v1/commissions?limit=100');

  orphan = await postmasterPid(dataDir);
  running.process.kill('SIGKILL');
  assert.equal((await running.exited).signal, 'SIGKILL');
  assert.ok(alive(orphan), 'the precondition: the killed service left its PostgreSQL running');

  const second = spawnService(env);
  children.push(second.child);
  const restarted = await second.ready;
  assert.ok(!alive(orphan), 'the orphaned cluster was stopped');
  assert.match(restarted.output(), /stopping the embedded PostgreSQL a previous run left behind/);
  assert.notEqual(await postmasterPid(dataDir), orphan, 'a new postmaster serves the directory');

  // The ledger: the acknowledged import is there as sent, and so is everything else listed before.
  const read = await api(restarted, '/api/v1/commissions/2022-03');
  assert.equal(read.status, 200);
  assert.deepEqual((read.body.data as { metadata: unknown }).metadata, month.metadata);
  assert.deepEqual(await api(restarted, '/api/v1/commissions?limit=100'), before, 'every month as before the kill');

  restarted.process.kill('SIGTERM');
  assert.deepEqual(await restarted.exited, { code: 0, signal: null }, 'the second run stops cleanly');

  // A start that cannot happen says why at error level: a postmaster.pid naming a live process
  // that is not our cluster (a `sleep` of the cluster's OS user, whom PostgreSQL's own check
  // considers) is not signalled, and PostgreSQL refuses to start beside it.
  const stranger = spawn('sleep', ['120'], { ...runAs(), stdio: 'ignore' });
  t.after(() => void stranger.kill('SIGKILL'));
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  await writeFile(pidFile, `${stranger.pid}\n${path.join(dataDir, 'postgres')}\n0\n1\n\n127.0.0.1\n0 0\nready\n`);
  const third = spawnService(env);
  children.push(third.child);
  await assert.rejects(third.ready);
  const failure = third
    .output()
    .split('\n')
    .find((line) => line.includes('"level":50') && line.includes('embedded PostgreSQL did not start'));
  assert.ok(failure, `an error-level line about the failed start:\n${third.output()}`);
  assert.match(failure, /postmaster\.pid/, 'naming the real cause, the lock file');
  assert.match(third.output(), /Failed to start: (?!undefined)/);
  assert.ok(alive(stranger.pid!), 'the stranger was not signalled');
  await rm(pidFile, { force: true });
});
