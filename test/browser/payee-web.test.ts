/**
 * The web app as a payee sees it, and the inquiry thread from both sides, in Debian's Chromium
 * against the real service. A fresh enterprise tenant has the worked month of
 * test/helpers/payouts-month.ts (September 2025, hand-worked: Ana Acq 3,359.93) and October paid
 * from the same closings, both approved. Ana signs in with a real payee token
 * (`app_metadata.role: "payee"`, `app_metadata.payee: "Ana Acq"`): she lands on her own pay, the
 * only view there is (no tab, period or live feed of the tenant's, and no request the API
 * refuses), her months newest first with their total, her statement with every line the JSON has,
 * and the printable page. She questions a line; the admin sees it named in the Payouts view's
 * note of open questions (GET /inquiries?status=open), opens its month there and replies; she replies in turn; the admin resolves it with a note; she sees the thread resolved
 * with no reply box left. axe-core finds nothing serious, the page fits 375 px, no script error.
 */
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { testApp } from '../helpers/env.js';
import { ok, payeeTenant, type Headers } from '../helpers/payee-tenant.js';
import { CLOSINGS, EXPECTED, GOALS, MONTH } from '../helpers/payouts-month.js';
import { parseAmountText } from '../../src/domain/money.js';
import { axeViolations, chromiumMissing, launch, openView, overflowingElements, screenshot } from './browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OCTOBER = '2025-10';
const money = (value: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 }).format(value);
const tokenOf = (headers: Headers) => headers.authorization!.replace(/^Bearer /, '');

interface Line {
  label: string;
  amount: string;
}
interface MyStatements {
  payee: string;
  items: Array<{ month: string; status: string; total: number }>;
  total: number;
}

test('a payee in the web app: their own pay only, every line, and an inquiry answered and resolved by an admin', { skip: chromiumMissing, timeout: 15 * 60_000 }, async (t) => {
  const build = spawnSync(process.execPath, ['web/scripts/ensure-built.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, `building the web app failed:\n${build.stdout}\n${build.stderr}`);

  const app = await testApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const tenant = await payeeTenant(t, { approve: true, app });
  const { admin } = tenant;
  // October: the same deals (no dates: they belong to the import's month), no adjustments.
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: OCTOBER, closings: CLOSINGS }, 201);
  await ok(app, admin, 'PUT', `/api/v1/goals/${OCTOBER}`, GOALS);
  await ok(app, admin, 'POST', `/api/v1/payouts/${OCTOBER}/calculate`);
  await ok(app, admin, 'POST', `/api/v1/payouts/${OCTOBER}/approve`);
  const ana = await tenant.payee({ name: 'Ana Acq' });
  const mine = (await ok(app, ana, 'GET', '/api/v1/me/statements')).json() as MyStatements;
  assert.deepEqual(mine.items.map((item) => item.month), [OCTOBER, MONTH], 'newest first');
  assert.equal(mine.items[1]!.total, EXPECTED['Ana Acq']);
  const september = (await ok(app, ana, 'GET', `/api/v1/me/statements/${MONTH}`)).json() as { statement: { total: number; lines: Line[] } };
  const october = (await ok(app, ana, 'GET', `/api/v1/me/statements/${OCTOBER}`)).json() as { statement: { total: number; lines: Line[] } };

  const browser = await launch();
  t.after(() => browser.close());
  const pageErrors: string[] = [];
  browser.context.on('weberror', (error) => pageErrors.push(`${error.page()?.url() ?? ''}: ${error.error().message}`));
  const payeePage = await browser.context.newPage();
  // Everything the payee's page asked the API, with its status: nothing may be refused.
  const asked: Array<{ url: string; status: number }> = [];
  payeePage.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/')) asked.push({ url: response.url().replace(base, ''), status: response.status() });
  });
  const noSeriousViolations = async (on: Page, when: string) => {
    const violations = await axeViolations(on);
    assert.deepEqual(violations, [], `axe, ${when}: ${JSON.stringify(violations, null, 2)}`);
  };
  const shownLines = (on: Page) => on.locator('#my-statement tr.line').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[6]!.textContent!.replace(/,/g, '')));
  const question = 'D2 was a flat-fee deal: should it be at 8%?';
  /** Reloaded, the page opens on the newest month again: September is picked. */
  const payeeSeptember = async () => {
    await payeePage.reload();
    await payeePage.locator('#panel-statements[data-state=ready]').waitFor({ timeout: 90_000 });
    await payeePage.click(`#my-months button[data-month="${MONTH}"]`);
    await payeePage.locator(`#my-months button[data-month="${MONTH}"][aria-current=true]`).waitFor();
  };
  const adminSeptember = async (page: Page) => {
    await page.reload();
    await page.locator('#panel-payouts[data-state=ready]').waitFor({ timeout: 90_000 });
    await page.selectOption('#payout-month', MONTH);
    await page.locator('#payout-month').and(page.locator(':enabled')).waitFor();
    await page.locator('#payout-inquiries-title').waitFor({ timeout: 60_000 });
  };

  await t.test('she lands on her own pay: one view, her months newest first, the newest statement with every line', async () => {
    await payeePage.goto(`${base}/#access_token=${tokenOf(ana)}`);
    await payeePage.locator('#panel-statements[data-state=ready]').waitFor({ timeout: 90_000 });
    assert.deepEqual(await payeePage.locator('#tabs [role=tab]').allTextContents(), ['My pay'], 'no tab of the tenant');
    assert.equal(await payeePage.locator('[role=tabpanel]').count(), 1);
    assert.equal(await payeePage.isVisible('#period'), false, 'no analytics period');
    assert.equal(await payeePage.isVisible('#live'), false, 'no live feed of the tenant');
    const months = await payeePage.locator('#my-months tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-month')));
    assert.deepEqual(months, [OCTOBER, MONTH]);
    // The total of her months is the sum of the two to the cent, as the API adds them.
    assert.equal((await payeePage.locator('#my-months-total').textContent())?.trim(), money(mine.total));
    assert.equal(Math.round(mine.total * 100), Math.round(september.statement.total * 100) + Math.round(october.statement.total * 100));
    assert.equal(await payeePage.getAttribute('#my-months button[aria-current=true]', 'data-month'), OCTOBER);
    assert.deepEqual(await shownLines(payeePage), october.statement.lines.map((line) => line.amount));
    assert.equal(await payeePage.getAttribute('#my-statement-state', 'data-state'), 'approved');
    // Nobody else of the tenant is on the page.
    const text = (await payeePage.textContent('body')) ?? '';
    for (const name of Object.keys(EXPECTED).filter((name) => name !== 'Ana Acq')) assert.ok(!text.includes(name), `the page names ${name}`);
  });

  await t.test('September opens to its lines: the hand-worked 3,359.93, each line as the JSON has it', async () => {
    await payeePage.click(`#my-months button[data-month="${MONTH}"]`);
    await payeePage.locator(`#my-months button[data-month="${MONTH}"][aria-current=true]`).waitFor();
    assert.equal(await payeePage.locator('#my-statement tr.line').count(), september.statement.lines.length);
    assert.deepEqual(await shownLines(payeePage), september.statement.lines.map((line) => line.amount));
    // 42,000 × 8% = 3,360.00 less the 0.07 correction: the lines add up to the total shown.
    const sum = september.statement.lines.reduce((cents, line) => cents + parseAmountText(Number(line.amount).toFixed(2))!, 0);
    assert.equal(sum, 335_993);
    assert.equal((await payeePage.locator('#my-statement-total .kpi-value').textContent())?.trim(), '$3,359.93');
    await noSeriousViolations(payeePage, 'her statement');
    await screenshot(payeePage, 'payee-statement');
  });

  await t.test('the printable statement opens from the page, with as many lines as the JSON', async () => {
    const popup = browser.context.waitForEvent('page', { timeout: 60_000 });
    await payeePage.click('#my-statement-print');
    const opened = await popup;
    await opened.waitForURL(/^blob:/, { timeout: 60_000 });
    await opened.waitForLoadState('load');
    assert.equal(await opened.textContent('dd.payee'), 'Ana Acq');
    assert.equal(await opened.locator('table.lines tbody tr[data-line]').count(), september.statement.lines.length);
    await opened.close();
  });

  await t.test('she questions a line: the thread shows it open', async () => {
    await payeePage.click('#my-statement .ask-line[data-index="0"]');
    await payeePage.fill('#inquiry-message', question);
    await payeePage.click('#inquiry-send');
    const thread = payeePage.locator('#my-inquiries .inquiry[data-status=open]');
    await thread.waitFor({ timeout: 60_000 });
    assert.match((await thread.locator('h3').textContent()) ?? '', new RegExp(`^Line 1: ${september.statement.lines[0]!.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.deepEqual(await thread.locator('.inquiry-message').evaluateAll((items) => items.map((item) => [item.getAttribute('data-from'), item.querySelector('.inquiry-text')!.textContent])), [['payee', question]]);
    const listed = (await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}/inquiries`)).json() as { items: Array<{ payee: string; status: string; line_index: number }> };
    assert.deepEqual(listed.items.map((item) => [item.payee, item.status, item.line_index]), [['Ana Acq', 'open', 0]]);
  });

  const adminPage = await browser.context.newPage();
  const adminThread = adminPage.locator('#payout-inquiries .inquiry[data-payee="Ana Acq"]');

  await t.test('the admin sees it open in the Payouts view and replies', async () => {
    await adminPage.goto(`${base}/#access_token=${tokenOf(admin)}`);
    await adminPage.locator('#panel-dashboard[data-state]').waitFor({ timeout: 90_000 });
    assert.equal(await openView(adminPage, 'payouts'), 'ready');
    // The newest month opens (October, no questions); the note above names September's open one.
    assert.equal(await adminPage.inputValue('#payout-month'), OCTOBER);
    assert.equal((await adminPage.textContent('#payout-inquiries-title'))?.trim(), 'Inquiries');
    assert.equal((await adminPage.textContent('#payout-open-inquiries'))?.trim(), 'Open questions from payees: Sep 2025 (1)');
    await adminPage.click(`#payout-open-inquiries button[data-month="${MONTH}"]`);
    await adminPage.locator('#payout-inquiries-title[data-open="1"]').waitFor({ timeout: 60_000 });
    assert.equal(await adminPage.inputValue('#payout-month'), MONTH);
    assert.equal((await adminPage.textContent('#payout-inquiries-title'))?.trim(), 'Inquiries: 1 open question');
    assert.equal(await adminThread.getAttribute('data-status'), 'open');
    assert.match((await adminThread.locator('.inquiry-message').first().textContent()) ?? '', /Ana Acq.*flat-fee deal/s);
    await adminThread.locator('.inquiry-reply textarea').fill('It was a flat-fee deal, but your tier override pays bracket 3 on all of it.');
    await adminThread.locator('.inquiry-reply button[type=submit]').click();
    await adminThread.locator('.inquiry-message[data-from=admin]').waitFor({ timeout: 60_000 });
    assert.equal(await adminThread.locator('.inquiry-message').count(), 2);
    await noSeriousViolations(adminPage, 'an inquiry in the Payouts view');
  });

  await t.test('she reads the answer and replies; the admin resolves it with a note', async () => {
    await payeeSeptember();
    const thread = payeePage.locator('#my-inquiries .inquiry');
    assert.deepEqual(await thread.locator('.inquiry-message').evaluateAll((items) => items.map((item) => item.getAttribute('data-from'))), ['payee', 'admin']);
    await thread.locator('.inquiry-reply textarea').fill('Thanks, understood.');
    await thread.locator('.inquiry-reply button[type=submit]').click();
    await payeePage.locator('#my-inquiries .inquiry .inquiry-message:nth-child(3)[data-from=payee]').waitFor({ timeout: 60_000 });

    await adminSeptember(adminPage);
    await adminThread.locator('.inquiry-message:nth-child(3)').waitFor({ timeout: 60_000 });
    await adminThread.locator('.inquiry-resolve input').fill('Correct as paid: bracket 3 by the tier override.');
    await adminThread.locator('.inquiry-resolve button[type=submit]').click();
    await adminPage.locator('#payout-inquiries .inquiry[data-payee="Ana Acq"][data-status=resolved]').waitFor({ timeout: 60_000 });
    assert.equal((await adminPage.textContent('#payout-inquiries-title'))?.trim(), 'Inquiries');
    assert.equal(await adminPage.locator('#payout-inquiries .inquiry-reply').count(), 0, 'a resolved thread takes no reply');
  });

  await t.test('she sees it resolved, with the note and no reply box', async () => {
    await payeeSeptember();
    const thread = payeePage.locator('#my-inquiries .inquiry[data-status=resolved]');
    await thread.waitFor({ timeout: 60_000 });
    assert.match((await thread.locator('.inquiry-resolution').textContent()) ?? '', /Correct as paid/);
    assert.equal(await thread.locator('.inquiry-reply').count(), 0);
    assert.equal(await thread.locator('.inquiry-message').count(), 3);
  });

  await t.test('at 375 px the page fits; the API refused the payee nothing; no script error', async () => {
    await payeePage.setViewportSize({ width: 375, height: 800 });
    assert.deepEqual(await overflowingElements(payeePage), []);
    await screenshot(payeePage, 'payee-statement-375');
    const refused = asked.filter((answer) => answer.status >= 400);
    assert.deepEqual(refused, [], 'every call the payee app makes is one a payee may make');
    assert.ok(asked.some((answer) => answer.url.startsWith('/api/v1/me/statements')));
    assert.deepEqual(pageErrors, []);
  });
});
