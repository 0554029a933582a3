/**
 * `GET /api/v1/events` on a real listening server (the real application, with the route registered
 * in an authenticated `/api/v1` context as buildApp will), fed by the PostgreSQL change feed from
 * another "instance": each tenant hears its own changes and never another's, streams are cleaned
 * up when clients leave, and closing the server ends open streams instead of hanging on them.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import eventsRoutes from '../../src/http/routes/events.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { createChangeFeed, type ChangeFeed } from '../../src/realtime/change-feed.js';
import { appPool, appUrl, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually, timed } from '../helpers/eventually.js';
import { redisTest } from '../helpers/redis-server.js';

interface SseMessage {
  event: string | undefined;
  data: string | undefined;
  comment: string | undefined;
}

/**
 * A streaming client: reads the response body and splits it into SSE messages as they arrive.
 * node:http without an agent, so closing it closes its socket (fetch's pool opens a fresh, idle
 * connection after an abort, which a closing server then waits for until it times out).
 */
async function openStream(url: string, headers: Record<string, string>) {
  const messages: SseMessage[] = [];
  let ended = false;
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(url, { headers, agent: false }, resolve).once('error', reject);
  });
  response.setEncoding('utf8');
  let buffer = '';
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const field = (name: string) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim();
      messages.push({ event: field('event'), data: field('data'), comment: field('') });
    }
  });
  const finished = new Promise<void>((resolve) => response.once('close', resolve));
  void finished.then(() => (ended = true));
  return {
    status: response.statusCode,
    headers: response.headers,
    messages,
    get ended() {
      return ended;
    },
    changes: () => messages.filter((message) => message.event === 'change').map((message) => JSON.parse(message.data ?? 'null') as unknown),
    close: async () => {
      response.destroy();
      await finished;
    },
  };
}

async function eventsServer(t: TestContext, feed: ChangeFeed) {
  const app: FastifyInstance = await testApp(t);
  const open = { streams: 0 };
  await app.register(
    async (api) => {
      api.addHook('onRequest', api.authenticate);
      await api.register(eventsRoutes, { feed, heartbeatMs: 200, onStreamsChanged: (count) => (open.streams = count) });
    },
    { prefix: '/api/v1' },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return { app, base: `http://127.0.0.1:${address.port}`, open };
}

function feedFor(t: TestContext): ChangeFeed {
  const feed = createChangeFeed({ redisUrl: undefined, databaseUrl: appUrl(), pool: appPool(t, 2) });
  t.after(() => feed.close());
  return feed;
}

test("events: tenant A's stream carries A's changes and never B's", async (t) => {
  const serverFeed = feedFor(t);
  const otherInstance = feedFor(t);
  assert.ok((await serverFeed.ready(10_000)) && (await otherInstance.ready(10_000)));
  const { base, open } = await eventsServer(t, serverFeed);

  const orgA = uniqueOrg('a');
  const orgB = uniqueOrg('b');
  const a = await openStream(`${base}/api/v1/events`, bearer(await tokenFor({ orgId: orgA, role: 'member', sub: randomUUID() })));
  const b = await openStream(`${base}/api/v1/events`, bearer(await tokenFor({ orgId: orgB, role: 'member', sub: randomUUID() })));
  t.after(() => Promise.all([a.close(), b.close()]));
  assert.equal(a.status, 200);
  assert.match(a.headers['content-type'] ?? '', /^text\/event-stream/);
  assert.ok(a.headers['x-request-id']);
  assert.equal(a.headers['x-content-type-options'], 'nosniff', 'the stream carries the security headers too');
  assert.equal(a.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'", 'a stream is no document: the API policy');
  await eventually('both streams subscribed', () => a.messages.some((m) => m.event === 'ready') && b.messages.some((m) => m.event === 'ready'));
  assert.equal(open.streams, 2);

  // B's change first: if A's stream could carry it, it would arrive before A's own.
  await otherInstance.publish(tenantIdForOrg(orgB), { type: 'import', month: '2025-08' });
  await otherInstance.publish(tenantIdForOrg(orgA), { type: 'import', month: '2025-09' });
  await eventually("A's change on A's stream", () => a.changes().length > 0);
  await eventually("B's change on B's stream", () => b.changes().length > 0);
  await eventually('heartbeats', () => a.messages.some((m) => m.comment === 'ping'));
  assert.deepEqual(a.changes(), [{ type: 'import', month: '2025-09' }]);
  assert.deepEqual(b.changes(), [{ type: 'import', month: '2025-08' }]);

  await a.close();
  await eventually("the server to let go of A's stream", () => open.streams === 1);
});

test('events: no token, no stream', async (t) => {
  const { base } = await eventsServer(t, feedFor(t));
  const response = await fetch(`${base}/api/v1/events`);
  assert.equal(response.status, 401);
  assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.equal(((await response.json()) as { status: number }).status, 401);
});

test('events: closing the server ends open streams instead of waiting for them', async (t) => {
  const feed = feedFor(t);
  const { app, base, open } = await eventsServer(t, feed);
  const stream = await openStream(`${base}/api/v1/events`, bearer(await tokenFor({ orgId: uniqueOrg('c'), role: 'member', sub: randomUUID() })));
  t.after(() => stream.close());
  await eventually('subscribed', () => stream.messages.some((m) => m.event === 'ready'));

  const { ms } = await timed(() => app.close());
  // The bound is the behaviour under test (close ends open streams instead of waiting on them),
  // generous for a loaded machine.
  assert.ok(ms < 3_000, `close took ${Math.round(ms)} ms`);
  await eventually('the client to see the end of the stream', () => stream.ended, 3_000);
  assert.equal(open.streams, 0);
});

/** The whole application (its own events route, revocations and users) listening, on `feed`. */
async function liveApp(t: TestContext, feed: ChangeFeed, env: Record<string, string> = {}) {
  const app = await testApp(t, { feed, env });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return { app, base: `http://127.0.0.1:${address.port}` };
}

const sessionToken = async (orgId: string, role: 'admin' | 'member', extra: { ttlSeconds?: number } = {}) => {
  const sessionId = randomUUID();
  return { sessionId, headers: bearer(await tokenFor({ orgId, role, sub: randomUUID(), extra: { session_id: sessionId }, ...extra })) };
};

async function subscribed(base: string, headers: Record<string, string>) {
  const stream = await openStream(`${base}/api/v1/events`, headers);
  assert.equal(stream.status, 200);
  await eventually('subscribed', () => stream.messages.some((m) => m.event === 'ready'));
  return stream;
}

const revokedAndEnded = (stream: Awaited<ReturnType<typeof openStream>>) => stream.ended && stream.messages.some((m) => m.event === 'revoked');

test('events: a revoked session, an erased user and an erased organisation lose their open streams; the others keep theirs', async (t) => {
  const feed = feedFor(t);
  const otherInstance = feedFor(t);
  assert.ok((await feed.ready(10_000)) && (await otherInstance.ready(10_000)));
  const { app, base } = await liveApp(t, feed);
  const org = uniqueOrg('revoke-stream');
  const admin = await sessionToken(org, 'admin');
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: admin.headers })).statusCode, 200); // provisioned first: the admin
  const laptop = await sessionToken(org, 'member');
  const leaver = await sessionToken(org, 'member');
  const leaverId = (await app.inject({ url: '/api/v1/users/me', headers: leaver.headers })).json().id as string;

  const adminStream = await subscribed(base, admin.headers);
  const laptopStream = await subscribed(base, laptop.headers);
  const leaverStream = await subscribed(base, leaver.headers);
  t.after(() => Promise.all([adminStream.close(), laptopStream.close(), leaverStream.close()]));

  const revoked = await app.inject({ method: 'POST', url: '/api/v1/sessions/revoke', headers: admin.headers, payload: { session_id: laptop.sessionId } });
  assert.equal(revoked.statusCode, 200, revoked.body);
  await eventually("the revoked session's stream to be told and ended", () => revokedAndEnded(laptopStream), 5_000);
  assert.equal(laptopStream.changes().length, 0, 'a revocation is not a change of data for dashboards');
  assert.equal((await fetch(`${base}/api/v1/events`, { headers: laptop.headers })).status, 401, 'and it cannot reconnect');

  // The others still hear the tenant's changes.
  await otherInstance.publish(tenantIdForOrg(org), { type: 'import', month: '2025-09' });
  await eventually('the change on the streams left open', () => adminStream.changes().length > 0 && leaverStream.changes().length > 0);
  assert.ok(!adminStream.ended && !leaverStream.ended);

  assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/users/${leaverId}`, headers: admin.headers })).statusCode, 200);
  await eventually("the erased user's stream to be ended", () => revokedAndEnded(leaverStream), 5_000);
  assert.ok(!adminStream.ended, "the admin's stream stays");

  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/tenant', headers: admin.headers, payload: { confirm: org } })).statusCode, 200);
  await eventually("the erased organisation's last stream to be ended", () => revokedAndEnded(adminStream), 5_000);
});

test('events: a stream ends when the token that opened it expires', async (t) => {
  const { base } = await liveApp(t, feedFor(t));
  const shortLived = await sessionToken(uniqueOrg('expiring'), 'member', { ttlSeconds: 2 });
  const stream = await subscribed(base, shortLived.headers);
  t.after(() => stream.close());
  const { ms } = await timed(() => eventually('the stream to end at exp', () => revokedAndEnded(stream), 6_000));
  // The bound is the behaviour: the stream ends at the token's exp (2 s), not at the next heartbeat.
  assert.ok(ms < 4_000, `ended ${Math.round(ms)} ms after subscribing`);
});

redisTest('events: a session revoked through another instance ends the stream open on this one (Redis revocations, change feed)', async (t, url) => {
  const env = { REDIS_URL: url };
  const one = await liveApp(t, feedFor(t), env);
  const two = await liveApp(t, feedFor(t), env);
  const org = uniqueOrg('revoke-elsewhere');
  const admin = await sessionToken(org, 'admin');
  assert.equal((await two.app.inject({ url: '/api/v1/entitlements', headers: admin.headers })).statusCode, 200);
  const member = await sessionToken(org, 'member');
  const stream = await subscribed(one.base, member.headers);
  t.after(() => stream.close());

  const revoked = await two.app.inject({ method: 'POST', url: '/api/v1/sessions/revoke', headers: admin.headers, payload: { session_id: member.sessionId } });
  assert.equal(revoked.statusCode, 200, revoked.body);
  await eventually('the stream on the other instance to be ended', () => revokedAndEnded(stream), 5_000);
});
