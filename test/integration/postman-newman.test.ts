/**
 * The Postman collection (docs/postman_collection.json, `npm run postman`) is current, and every
 * request in it, run by newman against a live server on loopback with a real token, gets an
 * answer that is not a server error. Requests with made-up path ids may well get 4xx: what the
 * run proves is that nothing a client can send from the documented API makes the server fail.
 */
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import newman, { type NewmanRunSummary } from 'newman';
import { generateDemoMonths } from '../../src/demo/generate.js';
import { COLLECTION_FILE, postmanCollection } from '../../scripts/postman.js';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';

test('docs/postman_collection.json is what `npm run postman` generates from the current API', async () => {
  const committed = JSON.parse(await readFile(COLLECTION_FILE, 'utf8')) as unknown;
  assert.deepEqual(committed, JSON.parse(JSON.stringify(await postmanCollection())), 'the collection is stale: run `npm run postman`');
});

test('newman runs the collection against a live server: every request answered, none with a 5xx', { timeout: 300_000 }, async (t) => {
  const app = await testApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  // An admin of a fresh organisation with two months of data, so reads answer from real rows.
  const token = await tokenFor({ orgId: uniqueOrg('postman'), role: 'admin' });
  for (const month of generateDemoMonths().slice(-2)) {
    const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: bearer(token), payload: month });
    assert.equal(imported.statusCode, 201, imported.body);
  }

  const collection = await postmanCollection();
  const summary = await new Promise<NewmanRunSummary>((resolve, reject) => {
    newman.run(
      {
        collection: collection as never,
        envVar: [
          { key: 'baseUrl', value: baseUrl },
          { key: 'token', value: token },
        ],
        reporters: [],
        timeoutRequest: 60_000,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

  const executions = summary.run.executions;
  const requests = JSON.stringify(collection).match(/"request":/g)?.length ?? 0;
  assert.equal(executions.length, requests, 'every request of the collection ran');

  const unanswered = executions.filter((execution) => !execution.response).map((execution) => execution.item.name);
  assert.deepEqual(unanswered, [], 'requests without a response');

  const statuses = new Map<number, number>();
  for (const execution of executions) statuses.set(execution.response.code, (statuses.get(execution.response.code) ?? 0) + 1);
  t.diagnostic(`statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([code, count]) => `${code} ×${count}`).join(', ')}`);

  const serverErrors = executions
    .filter((execution) => execution.response.code >= 500)
    .map((execution) => `${execution.request.method} ${execution.request.url.getPath()}: ${execution.response.code} ${execution.response.text()?.slice(0, 300) ?? ''}`);
  assert.deepEqual(serverErrors, [], 'server errors');
  // Sanity: the token works, so most of the API answered successfully rather than 401.
  assert.ok((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0) >= requests / 3, 'most requests succeed');
});
