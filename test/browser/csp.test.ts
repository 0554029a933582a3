/**
 * The web app under the service's Content-Security-Policy: every view, including the lazily
 * loaded Plotly map, renders in Chromium without a single CSP violation. The policy itself is
 * asserted in test/integration/hardening.test.ts; this proves the app lives within it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDemoMonths } from '../../src/demo/generate.js';
import { tokenFor, uniqueOrg } from '../helpers/env.js';
import { chromiumMissing, launch, openView, servedApp } from './browser.js';
import type { Page } from 'playwright-core';

const VIEWS = ['dashboard', 'timeline', 'deals', 'predictive', 'markets', 'plans', 'payouts', 'data'] as const;

/** Every CSP violation the page reports, as the console prints it or as its securitypolicyviolation event tells it. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __cspViolation: (text: string) => void }).__cspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`,
      );
    });
  });
  return violations;
}

test('the web app runs without Content-Security-Policy violations', { skip: chromiumMissing, timeout: 10 * 60_000 }, async (t) => {
  const { base } = await servedApp(t);
  const org = uniqueOrg('csp');
  const token = await tokenFor({ orgId: org, role: 'admin' });
  for (const month of generateDemoMonths().slice(-13)) {
    const response = await fetch(`${base}/api/v1/commissions/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(month),
    });
    assert.equal(response.status, 201, await response.text());
  }

  const browser = await launch();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const violations = await watchViolations(page);

  const response = await page.goto(`${base}/#access_token=${token}`);
  assert.match(String(response?.headers()['content-security-policy']), /script-src 'self'/);
  await page.locator('#panel-dashboard[data-state=ready]').waitFor({ timeout: 90_000 });
  for (const view of VIEWS) {
    const state = await openView(page, view);
    assert.notEqual(state, 'error', `${view} failed to render`);
  }
  // The map is Plotly, drawn into SVG after its chunk loads: wait for it before judging.
  await openView(page, 'markets');
  await page.locator('#panel-markets .main-svg').first().waitFor({ timeout: 60_000 });
  assert.deepEqual(violations, [], 'CSP violations');
});

test('the API documentation renders without Content-Security-Policy violations', { skip: chromiumMissing, timeout: 3 * 60_000 }, async (t) => {
  const { base } = await servedApp(t);
  const browser = await launch();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const violations = await watchViolations(page);
  const response = await page.goto(`${base}/docs/`);
  const policy = String(response?.headers()['content-security-policy']);
  assert.match(policy, /script-src 'self'/, 'the documentation runs under a policy');
  assert.doesNotMatch(policy, /script-src[^;]*unsafe/, 'scripts stay restricted to this origin');
  await page.locator('.swagger-ui .info .title').waitFor({ timeout: 60_000 });
  assert.match(await page.locator('.swagger-ui .info .title').innerText(), /Commission Intelligence/);
  assert.ok((await page.locator('.swagger-ui .opblock').count()) > 20, 'every operation is listed');
  assert.deepEqual(violations, [], 'CSP violations');
  // The allowance for Swagger UI's <style> element is the documentation's alone.
  const appPolicy = String((await fetch(`${base}/`)).headers.get('content-security-policy'));
  assert.match(appPolicy, /style-src-elem 'self' 'sha256-/);
  assert.doesNotMatch(appPolicy, /unsafe-inline[^;]*;\s*style-src-attr|style-src-elem[^;]*unsafe-inline/);
});
