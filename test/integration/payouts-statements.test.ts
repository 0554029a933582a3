/**
 * GET /payouts/{month}/statements/{payee} through the API on the worked month
 * (test/helpers/payouts-month.ts): the JSON is the payout's own statement with the month's state;
 * the printable page (Accept: text/html or format=html) has every line, the state, the branding of
 * an enterprise tenant and every text escaped, under the app's CSP; 404 for an unknown person.
 * The page in Chromium, printed to PDF, is test/browser/statement-print.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, ok, setup, workedMonth } from '../helpers/payouts-api.js';
import { MONTH } from '../helpers/payouts-month.js';

const HOSTILE = `<script>alert("pay")</script> O'Brien & Co`;
const url = (payee: string, query = '') => `/api/v1/payouts/${MONTH}/statements/${encodeURIComponent(payee)}${query}`;

test('a statement as JSON is the stored statement with the month state; as HTML it has every line, escaped, in the branding', async (t) => {
  const { app, admin, member } = await setup(t);
  await workedMonth(app, admin);
  assert.equal((await call(app, member, 'GET', url('Ana Acq'))).statusCode, 404, 'no payouts yet');
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: HOSTILE, amount: 12.34, reason: 'bonus', note: '<img src=x onerror=alert(1)>' }, 201);
  const payout = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).json();

  for (const entry of payout.statements) {
    const read = (await ok(app, member, 'GET', url(entry.payee))).json();
    assert.deepEqual(read, { month: MONTH, status: 'draft', approved_at: null, approved_by: null, approved_by_email: null, statement: entry }, entry.payee);
  }
  const unknown = await call(app, member, 'GET', url('Nobody Here'));
  assert.equal(unknown.statusCode, 404);
  assert.ok(!unknown.json().detail.includes('Nobody Here'), 'the 404 does not repeat the name');

  // The page: by Accept or by format=html; JSON stays JSON for API clients.
  const ana = payout.statements.find((entry: { payee: string }) => entry.payee === 'Ana Acq');
  const page = await app.inject({ url: url('Ana Acq'), headers: { ...member, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  assert.equal(page.statusCode, 200, page.body);
  assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(page.headers['cache-control'], 'no-store');
  assert.equal((await ok(app, member, 'GET', url('Ana Acq', '?format=html'))).body, page.body);
  assert.equal((await app.inject({ url: url('Ana Acq'), headers: { ...member, accept: 'application/json' } })).json().statement.total, 3359.93);
  assert.equal((page.body.match(/<tr data-line=/g) ?? []).length, ana.lines.length);
  assert.match(page.body, /3 of 4 \(from 50,001\.00 to 100,000\.99\), overridden: promotion agreed 2025-09-01/);
  assert.match(page.body, /<dd class="total">3,359\.93<\/dd>/);
  assert.match(page.body, /class="watermark"[^>]*>DRAFT</);
  assert.doesNotMatch(page.body, /<script/i, 'no script on the page');
  // The <style> is allowed by its hash in the very policy the page is served with.
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /script-src 'self'/);
  const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1]!;
  const { createHash } = await import('node:crypto');
  assert.ok(csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`), 'the stylesheet hash is in the CSP');
  assert.doesNotMatch(csp, /style-src-elem[^;]*unsafe-inline/);

  // Every text escaped: the payee and the note as text, never as markup.
  const hostile = (await ok(app, member, 'GET', url(HOSTILE, '?format=html'))).body;
  assert.ok(hostile.includes('&lt;script&gt;alert(&quot;pay&quot;)&lt;/script&gt; O&#39;Brien &amp; Co'));
  assert.ok(hostile.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.doesNotMatch(hostile, /<script|<img src=x/i);

  // Enterprise branding: its name, its https logo and its colour; approved: when and by whom, no watermark.
  await ok(app, admin, 'PUT', '/api/v1/branding', { name: 'Acme <Homes>', logo_url: 'https://cdn.acme.example/logo.svg', primary_color: '#0A3D62' });
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  const approved = (await ok(app, member, 'GET', url('Ana Acq', '?format=html'))).body;
  assert.match(approved, /<header class="brand" style="border-bottom-color:#0a3d62"><img class="logo" src="https:\/\/cdn\.acme\.example\/logo\.svg" alt=""><div class="org">Acme &lt;Homes&gt;<\/div>/);
  assert.match(approved, /Approved on 15 October 2025 by boss@payouts\.example\./);
  assert.doesNotMatch(approved, /class="watermark"|DRAFT/);
  const json = (await ok(app, member, 'GET', url('Ana Acq'))).json();
  assert.equal(json.status, 'approved');
  assert.equal(json.approved_at, '2025-10-15T12:00:00.000Z');
  assert.equal(json.approved_by_email, 'boss@payouts.example');
});
