/**
 * Problem agents on evidence, end to end: the one rule of termination-evidence.ts behind the payee
 * import's warnings, the closings import's warnings and the summary's problem agents.
 *
 * The month, worked by hand: Ada 5 terminated of 6 contracts, Bo 1 of 2, Cy, Di and Ed 10 closed
 * each. The tenant's rate is 6 of 38 = 15.8%, so the prior (weight 10 contracts) is Beta(1.58, 8.42).
 * - Ada: Beta(6.58, 9.42); P(rate > 15%) = 0.993 (jstat: 1 − beta.cdf(0.15, 6.58, 9.42) = 0.9929):
 *   flagged, "5 of 6 contracts terminated (83.3%); 99.3% likely above the 15% threshold".
 * - Bo: Beta(2.58, 9.42); P(rate > 15%) = 0.67 (1 − beta.cdf(0.15, 2.58, 9.42) = 0.6734): not flagged,
 *   though his own 50% is far above the line: one bad deal of two is not evidence.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';

const MONTH = '2025-09';
const PEOPLE = [
  { name: 'Ada Quill', closed: 1, terminated: 5 },
  { name: 'Bo Tran', closed: 1, terminated: 1 },
  { name: 'Cy Vance', closed: 10, terminated: 0 },
  { name: 'Di Moss', closed: 10, terminated: 0 },
  { name: 'Ed Park', closed: 10, terminated: 0 },
];

async function tenant(t: TestContext) {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('problem-agents');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  return { app, admin };
}

const rateWarnings = (warnings: string[]) => warnings.filter((warning) => / termination rate \(/.test(warning));

async function summaryFlags(app: Awaited<ReturnType<typeof tenant>>['app'], admin: Record<string, string>) {
  const response = await app.inject({ url: `/api/v1/analytics/summary?period=${MONTH}`, headers: admin });
  assert.equal(response.statusCode, 200, response.body);
  const summary = response.json();
  return { names: summary.problem_agents as string[], details: (summary.problem_agent_details as { name: string; rule: string; explanation: string; probability: number }[]).filter((d) => d.rule === 'termination_rate') };
}

test('the payee import warns about the agent the summary flags, and only on evidence', async (t) => {
  const { app, admin } = await tenant(t);
  const month = {
    month: MONTH,
    agents: PEOPLE.map((person) => ({ name: person.name, type: 'acq', gp: 1000 * person.closed, deals: person.closed, commission: 100 * person.closed, terminations: person.terminated })),
  };
  const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: month });
  assert.equal(imported.statusCode, 201, imported.body);
  assert.deepEqual(rateWarnings(imported.json().validation_warnings), ["Agent 'Ada Quill' termination rate (83.3%) above threshold"]);

  const { names, details } = await summaryFlags(app, admin);
  assert.ok(names.includes('Ada Quill') && !names.includes('Bo Tran'), names.join());
  assert.deepEqual(details.map((d) => d.name), ['Ada Quill']);
  assert.equal(details[0]!.explanation, '5 of 6 contracts terminated (83.3%); 99.3% likely above the 15% threshold');
  assert.equal(details[0]!.probability, 0.993);
});

test('the closings import warns in the same words about the agent the summary of its month flags', async (t) => {
  const { app, admin } = await tenant(t);
  const closings = PEOPLE.flatMap((person) => [
    ...Array.from({ length: person.closed }, () => ({ gp: 1000, status: 'closed', sides: [{ role: 'acq', agent: person.name }] })),
    ...Array.from({ length: person.terminated }, () => ({ gp: 0, status: 'terminated', sides: [{ role: 'acq', agent: person.name }] })),
  ]);
  const preview = await app.inject({ method: 'POST', url: '/api/v1/closings/preview', headers: admin, payload: { month: MONTH, closings } });
  assert.equal(preview.statusCode, 200, preview.body);
  assert.deepEqual(rateWarnings(preview.json().warnings), ["Agent 'Ada Quill' termination rate (83.3%) above threshold"], 'the preview says what the import will');
  const imported = await app.inject({ method: 'POST', url: '/api/v1/closings/import', headers: admin, payload: { month: MONTH, closings } });
  assert.equal(imported.statusCode, 201, imported.body);
  assert.deepEqual(rateWarnings(imported.json().validation_warnings), ["Agent 'Ada Quill' termination rate (83.3%) above threshold"]);

  const { details } = await summaryFlags(app, admin);
  assert.deepEqual(details.map((d) => d.name), ['Ada Quill']);
  assert.equal(details[0]!.explanation, '5 of 6 contracts terminated (83.3%); 99.3% likely above the 15% threshold');

  // A higher tenant threshold moves both at once: Ada is only 52% likely above 40%
  // (1 − beta.cdf(0.4, 6.58, 9.42) = 0.524), so nobody is warned or flagged.
  assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/settings', headers: admin, payload: { termination_threshold: 0.4 } })).statusCode, 200);
  const again = await app.inject({ method: 'POST', url: '/api/v1/closings/import', headers: admin, payload: { month: MONTH, closings } });
  assert.deepEqual(rateWarnings(again.json().validation_warnings), []);
  assert.deepEqual((await summaryFlags(app, admin)).details, []);
});
