import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { buildApp, loggerOptions } from '../../src/app.js';
import { createTokenVerifier } from '../../src/auth/verify-token.js';
import { latestMigration } from '../../src/db/bootstrap.js';
import { TEST_SECRET, appPool, bearer, testConfig, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';

type Line = Record<string, unknown> & { level: number; msg?: string; request_id?: string };
const INFO = 30;
const DEBUG = 20;

/** The app with the service's logger options at debug, every line parsed into `lines`. */
async function capturedApp(t: TestContext) {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = testConfig({ LOG_LEVEL: 'debug' });
  const app = await buildApp({
    config,
    pool: appPool(t),
    verifyToken: createTokenVerifier(config.auth, { hsSecret: new TextEncoder().encode(TEST_SECRET) }),
    latestMigration: await latestMigration(),
    logger: pino(loggerOptions(config) as pino.LoggerOptions, sink),
  });
  t.after(() => app.close());
  const of = (requestId: string) => lines.filter((line) => line.request_id === requestId);
  return { app, lines, of };
}

test('an API request is one info line: method, redacted URL, route, status, time and request id', async (t) => {
  const { app, lines, of } = await capturedApp(t);
  const token = await tokenFor({ orgId: uniqueOrg() });
  // The tenant's first request provisions it (a line of its own): this one is measured after it.
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: bearer(token) })).statusCode, 200);
  const response = await app.inject({ url: `/api/v1/entitlements?access_token=${token}`, headers: { ...bearer(token), 'x-request-id': 'one-line-0001' } });
  assert.equal(response.statusCode, 200);

  const info = of('one-line-0001').filter((line) => line.level >= INFO);
  assert.equal(info.length, 1, JSON.stringify(info));
  const [line] = info as [Line];
  assert.equal(line.level, INFO);
  assert.equal(line.msg, 'request completed');
  assert.deepEqual(
    { method: (line.req as { method: string }).method, url: (line.req as { url: string }).url },
    { method: 'GET', url: '/api/v1/entitlements?access_token=[redacted]' },
  );
  assert.equal(line.route, '/api/v1/entitlements');
  assert.equal((line.res as { statusCode: number }).statusCode, 200);
  assert.equal(typeof line.responseTime, 'number');
  assert.ok(!lines.some((entry) => entry.msg === 'incoming request'), 'no second line when the request arrives');
  const logged = JSON.stringify(lines);
  assert.ok(!logged.includes(token) && !logged.includes(token.split('.')[1]!), 'the token never reaches the log');
});

test('health probes, /metrics and static files are logged at debug, never at info', async (t) => {
  const { app, of } = await capturedApp(t);
  const quiet = ['/healthz', '/readyz', '/metrics', '/assets/index-0000.js', '/favicon.svg', '/favicon.ico'];
  for (const [index, url] of quiet.entries()) {
    await app.inject({ url, headers: { 'x-request-id': `quiet-line-${index}000` } });
    const mine = of(`quiet-line-${index}000`);
    assert.deepEqual(
      mine.map((line) => [line.level, line.msg]),
      [[DEBUG, 'request completed']],
      `${url}: ${JSON.stringify(mine)}`,
    );
  }
  // A page, an unknown path and a failed API request stay at info.
  for (const [index, url] of ['/', '/nowhere', '/api/v1/entitlements'].entries()) {
    await app.inject({ url, headers: { 'x-request-id': `loud-line-${index}000` } });
    // A page is streamed from disk (sendFile): its line is written when the stream has ended,
    // which can be just after inject() has the whole body.
    const mine = await eventually(`the request line of ${url}`, () => {
      const lines = of(`loud-line-${index}000`).filter((line) => line.msg === 'request completed');
      return lines.length > 0 && lines;
    }, 2_000);
    assert.deepEqual(mine.map((line) => line.level), [INFO], url);
  }
});
