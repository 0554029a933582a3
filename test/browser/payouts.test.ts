/**
 * The Payouts view in a real browser (Debian's Chromium through playwright-core) against the real
 * service on this run's database. A fresh enterprise tenant gets the worked month of
 * test/helpers/payouts-month.ts through the API (closings with three adjustments, a sprint added by
 * hand, goals, the eight plans: total worked by hand to 19,920.77); then, in the page: calculate,
 * the statements against the API's, one row opened to its lines, sorting by total from the
 * keyboard, an adjustment added (the draft turns stale, a recalculation pays it) and removed
 * again after a confirmation, approval (badge, every write control disabled, a write refused by
 * the server shown in words), reopening with a reason; the export menu's and the statements'
 * links with their API paths (their contents are the exports' and statements' own tests); the
 * view at 375 px and in the dark theme, axe-core without serious or critical violations, no
 * script error.
 */
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tokenFor, uniqueOrg } from '../helpers/env.js';
import { ADJUSTMENTS, CLOSINGS, EXPECTED, EXPECTED_TOTAL, GOALS, MONTH, PLANS } from '../helpers/payouts-month.js';
import { axeViolations, chromiumMissing, collectPageErrors, launch, openView, overflowingElements, screenshot, servedApp, type Browser } from './browser.js';


interface Statement {
  payee: string;
  roles: string[];
  total: number;
  lines: Array<{ amount: string; component: string }>;
}
interface Payout {
  status: string;
  stale: boolean;
  total: number;
  statements: Statement[];
  history: Array<{ action: string; reason: string | null }>;
}

/** Dollars as the page writes them: 19920.77 → "$19,920.77". */
const money = (value: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 }).format(value);

test('the Payouts view in Chromium: calculate, statements, adjustments, approve and reopen', { skip: chromiumMissing, timeout: 15 * 60_000 }, async (t) => {
  const { base } = await servedApp(t);
  const org = uniqueOrg('web-payouts');
  const email = `ops@${org}.example`;
  // Enterprise: the worked month's senior leaders are paid by formulas.
  const token = await tokenFor({ orgId: org, role: 'admin', email, sub: randomUUID(), extra: { app_metadata: { role: 'admin', entitlements: { subscription_tier: 'enterprise', promo_until: null } } } });
  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const ok = async <T>(method: string, path: string, body?: unknown, status = 200): Promise<T> => {
    const answer = await api<T>(method, path, body);
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  // The worked month, stored as a customer would: closings with their adjustments, a sprint added by hand, goals, plans.
  await ok('POST', '/closings/import', { month: MONTH, closings: CLOSINGS, adjustments: ADJUSTMENTS.filter((a) => a.payee !== 'Rita Rookie') }, 201);
  await ok('POST', `/payouts/${MONTH}/adjustments`, ADJUSTMENTS.find((a) => a.payee === 'Rita Rookie'), 201);
  await ok('PUT', `/goals/${MONTH}`, GOALS);
  for (const definition of PLANS) await ok('POST', '/plans', { ...definition, effective_from: '2025-01' }, 201);

  const browser: Browser = await launch();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const pageErrors = collectPageErrors(browser);
  const noSeriousViolations = async (on: Page, when: string) => {
    const violations = await axeViolations(on);
    assert.deepEqual(violations, [], `axe, ${when}: ${JSON.stringify(violations, null, 2)}`);
  };
  const state = (on: Page = page) => on.getAttribute('#payout-state', 'data-state');
  const waitForState = (wanted: string, on: Page = page) => on.locator(`#payout-state[data-state=${wanted}]`).waitFor({ timeout: 90_000 });
  const rows = page.locator('#payout-statements > tbody > tr:not(.table-detail)');
  const shownRows = async () =>
    rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')).map((cells) => ({ payee: cells[0]!.replace(/^[▸▾]\s*/, ''), role: cells[1]!, total: cells[3]! })));

  await t.test('before any calculation: the month from the closings, the badge says no payout', async () => {
    await page.goto(`${base}/#access_token=${token}`);
    await page.locator('#panel-dashboard[data-state]').waitFor({ timeout: 90_000 });
    assert.equal(await openView(page, 'payouts'), 'ready');
    assert.equal(await page.locator('#payout-month').inputValue(), MONTH);
    assert.equal(await state(), 'none');
    assert.equal(await page.isVisible('#payout-none'), true);
    assert.equal(await page.isDisabled('#payout-approve'), true, 'nothing to approve yet');
    // The adjustments of the month are listed before any calculation: three imported, one added by hand.
    assert.equal(await page.locator('#payout-adjustments tbody tr').count(), ADJUSTMENTS.length);
    assert.equal(await page.locator('#payout-adjustments tbody tr:has-text("From the import")').count(), 3);
  });

  await t.test('calculate: the statements are the API’s, the total the hand-worked 19,920.77', async () => {
    await page.click('#payout-calculate');
    await waitForState('draft');
    const payout = await ok<Payout>('GET', `/payouts/${MONTH}`);
    assert.equal(payout.total, EXPECTED_TOTAL);
    assert.equal((await page.locator('#payout-total .kpi-value').textContent())?.trim(), '$19,920.77');
    const shown = await shownRows();
    assert.deepEqual(
      shown,
      [...payout.statements].sort((a, b) => a.payee.localeCompare(b.payee)).map((s) => ({ payee: s.payee, role: s.roles.join(', ') || '—', total: money(s.total) })),
      'one row per statement, sorted by person',
    );
    assert.deepEqual(Object.fromEntries(shown.map((row) => [row.payee, row.total])), Object.fromEntries(Object.entries(EXPECTED).map(([payee, total]) => [payee, money(total)])));
    // Mo Manager manages deals but no plan covers him: a warning, never a silent 0.
    assert.match((await page.locator('#payout-uncovered').textContent()) ?? '', /Mo Manager/);
    // % of GP: 19,920.77 / 148,846.17 = 13.38…%.
    assert.match((await page.locator('#payout-totals').textContent()) ?? '', /13\.4%/);
    assert.match((await page.locator('#payout-totals').textContent()) ?? '', /\$148,846\.17/);
    // By role, each the sum of its people's statements: acq 3,359.93 + 1,640.74 + 755.25 + 1,331.50 = 7,087.42.
    const byRole = Object.entries((await ok<{ by_role: Record<string, number> }>('GET', `/payouts/${MONTH}`)).by_role);
    assert.equal(await page.locator('#payout-by-role .kpi').count(), byRole.length);
    for (const [role, amount] of byRole) assert.match((await page.locator('#payout-by-role').textContent()) ?? '', new RegExp(`${role}\\${money(amount).replace(/[.]/g, '\\.')}`));
    assert.match((await page.locator('#payout-by-role').textContent()) ?? '', /acq\$7,087\.42/);
  });

  await t.test('a row opens to its lines, as many as the JSON has', async () => {
    const payout = await ok<Payout>('GET', `/payouts/${MONTH}`);
    const lee = payout.statements.find((s) => s.payee === 'Lee Lead')!;
    assert.ok(lee.lines.length >= 3, 'personal, override and mentor lines');
    const toggle = page.locator('#payout-statements > tbody > tr:not(.table-detail):has-text("Lee Lead") button.disclosure');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const detail = page.locator(`#${(await toggle.getAttribute('aria-controls'))!}`);
    assert.equal(await detail.isVisible(), true);
    const lines = detail.locator('tr.line');
    assert.equal(await lines.count(), lee.lines.length);
    const amounts = await lines.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[6]!.textContent!.replace(/,/g, '')));
    assert.deepEqual(amounts, lee.lines.map((line) => line.amount), 'exact amounts, as the API writes them');
    await noSeriousViolations(page, 'a statement opened');
    await screenshot(page, 'payouts-draft');
  });

  await t.test('sorting by total from the keyboard: largest first, then reversed', async () => {
    const payout = await ok<Payout>('GET', `/payouts/${MONTH}`);
    const byTotal = [...payout.statements].sort((a, b) => b.total - a.total).map((s) => s.payee);
    await page.locator('#payout-statements th button.sort:has-text("Total")').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#payout-statements th:has(button:has-text("Total"))', 'aria-sort'), 'descending');
    assert.deepEqual((await shownRows()).map((row) => row.payee), byTotal);
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute('#payout-statements th:has(button:has-text("Total"))', 'aria-sort'), 'ascending');
    assert.deepEqual((await shownRows()).map((row) => row.payee), [...byTotal].reverse());
    // The opened row stays open under its person.
    const toggle = page.locator('#payout-statements > tbody > tr:not(.table-detail):has-text("Lee Lead") button.disclosure');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  });

  await t.test('export menu and statement links name the API’s paths', async () => {
    await page.click('#payout-export summary');
    const links = page.locator('#payout-export a[data-format]');
    assert.deepEqual(
      await links.evaluateAll((as) => as.map((a) => [a.getAttribute('data-format'), a.getAttribute('href')])),
      ['csv', 'quickbooks', 'xero'].map((format) => [format, `/api/v1/payouts/${MONTH}/export?format=${format}`]),
    );
    assert.equal(await links.first().isVisible(), true);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#payout-export').getAttribute('open'), null, 'Escape closes the menu');
    // A click downloads through the API with the token, or says in words why it could not.
    const served = await fetch(`${base}/api/v1/payouts/${MONTH}/export?format=csv`, { headers: { authorization: `Bearer ${token}` } });
    await served.body?.cancel();
    await page.click('#payout-export summary');
    if (served.ok) {
      const download = page.waitForEvent('download', { timeout: 60_000 });
      await page.click('#payout-export a[data-format=csv]');
      assert.match((await download).suggestedFilename(), /\.csv$/);
    } else {
      await page.click('#payout-export a[data-format=csv]');
      await page.locator('#payout-message [data-outcome=error]').waitFor({ timeout: 60_000 });
      assert.match((await page.locator('#payout-message').textContent()) ?? '', /export did not work/);
    }
    const statementLinks = await page.locator('#payout-statements a.statement-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const payout = await ok<Payout>('GET', `/payouts/${MONTH}`);
    assert.deepEqual(
      [...statementLinks].sort(),
      payout.statements.map((s) => `/api/v1/payouts/${MONTH}/statements/${encodeURIComponent(s.payee)}?format=html`).sort(),
    );
  });

  await t.test('Print fetches the statement with the token and opens it from a blob URL (or says why not)', async () => {
    const served = await fetch(`${base}/api/v1/payouts/${MONTH}/statements/${encodeURIComponent('Lee Lead')}?format=html`, { headers: { authorization: `Bearer ${token}`, accept: 'text/html' } });
    await served.body?.cancel();
    const popup = browser.context.waitForEvent('page', { timeout: 60_000 });
    await page.click('#payout-statements a.statement-link[aria-label="Print the statement of Lee Lead"]');
    const opened = await popup;
    if (served.ok) {
      await opened.waitForURL(/^blob:/, { timeout: 60_000 });
      await opened.waitForLoadState('load');
      assert.match((await opened.textContent('body')) ?? '', /Lee Lead/);
      await opened.close();
    } else {
      // The statements route is not on this server yet: the page says so and closes the empty window.
      await page.locator('#payout-message [data-outcome=error]').waitFor({ timeout: 60_000 });
      assert.match((await page.locator('#payout-message').textContent()) ?? '', /statement could not be opened/);
      if (!opened.isClosed()) await opened.waitForEvent('close', { timeout: 60_000 });
      assert.equal(opened.isClosed(), true);
    }
  });

  await t.test('an adjustment added in the page: the draft turns stale, a recalculation pays it; removing it asks first', async () => {
    // The people of the month are offered for the payee.
    assert.deepEqual(await page.locator('#adjustment-people option').evaluateAll((options) => options.map((o) => o.getAttribute('value'))), [...new Set([...Object.keys(EXPECTED), 'Mo Manager'])].sort((a, b) => a.localeCompare(b)));
    await page.fill('#adjustment-payee', 'Carl Acq');
    await page.fill('#adjustment-amount', '100.50');
    await page.selectOption('#adjustment-reason', 'bonus');
    await page.fill('#adjustment-note', 'Best month');
    await page.click('#adjustment-add');
    await waitForState('stale');
    const added = page.locator('#payout-adjustments tbody tr:has-text("Best month")');
    assert.match((await added.textContent()) ?? '', /Carl Acq.*Bonus.*\$100\.50/);
    await page.click('#payout-calculate');
    await waitForState('draft');
    // Carl: 755.25 + 100.50 = 855.75; the month: 19,920.77 + 100.50 = 20,021.27.
    assert.equal((await page.locator('#payout-total .kpi-value').textContent())?.trim(), '$20,021.27');
    const carl = (await shownRows()).find((row) => row.payee === 'Carl Acq')!;
    assert.equal(carl.total, '$855.75');
    const lines = (await ok<Payout>('GET', `/payouts/${MONTH}`)).statements.find((s) => s.payee === 'Carl Acq')!.lines;
    assert.ok(lines.some((line) => line.component === 'adjustment' && line.amount === '100.5'), JSON.stringify(lines));

    const row = page.locator('#payout-adjustments tbody tr:has-text("Best month")');
    await row.locator('button:has-text("Remove")').click();
    assert.match((await row.textContent()) ?? '', /Remove \$100\.50 for Carl Acq\?/);
    await row.locator('button[data-confirm=remove]').click();
    await waitForState('stale');
    assert.equal(await page.locator('#payout-adjustments tbody tr:has-text("Best month")').count(), 0);
    await page.click('#payout-calculate');
    await waitForState('draft');
    assert.equal((await page.locator('#payout-total .kpi-value').textContent())?.trim(), '$19,920.77');
  });

  await t.test('approve: the badge names who and when, every write is disabled, a refused write reads in words', async () => {
    await page.click('#payout-approve');
    await waitForState('approved');
    assert.match((await page.locator('#payout-state').textContent()) ?? '', new RegExp(`^Approved by ${email.replace(/[.]/g, '\\.')} on [A-Z][a-z]{2} \\d{1,2}, \\d{4}$`));
    for (const selector of ['#payout-calculate', '#payout-approve', '#adjustment-add']) assert.equal(await page.isDisabled(selector), true, `${selector} is disabled`);
    assert.equal(await page.locator('#adjustment-form fieldset[disabled]').count(), 1);
    const removes = page.locator('#payout-adjustments tbody button:has-text("Remove")');
    assert.ok((await removes.count()) >= 1);
    for (const button of await removes.all()) assert.equal(await button.isDisabled(), true);
    assert.equal(await page.isDisabled('#payout-reopen'), false);
    assert.equal((await ok<Payout>('GET', `/payouts/${MONTH}`)).status, 'approved');
    await noSeriousViolations(page, 'an approved month');
    await screenshot(page, 'payouts-approved');
  });

  await t.test('reopen asks for a reason, kept in the history; a write to a month approved meanwhile is refused readably', async () => {
    await page.click('#payout-reopen');
    await page.click('#payout-reopen-confirm');
    assert.equal(await state(), 'approved', 'no reason, no reopening');
    assert.equal(await page.evaluate(() => (document.getElementById('payout-reopen-reason') as HTMLInputElement).validity.valid), false);
    await page.fill('#payout-reopen-reason', 'True-up for D7 found after approval');
    await page.click('#payout-reopen-confirm');
    await waitForState('draft');
    const reopened = await ok<Payout>('GET', `/payouts/${MONTH}`);
    assert.equal(reopened.status, 'draft');
    assert.deepEqual(reopened.history.at(-1), { ...reopened.history.at(-1), action: 'reopened', reason: 'True-up for D7 found after approval' });
    assert.equal(await page.isDisabled('#payout-calculate'), false);
    assert.match((await page.locator('#payout-history').textContent()) ?? '', /True-up for D7 found after approval/);

    // Someone else approves the month while this page still shows the draft: the server's 409 is said in words.
    await ok('POST', `/payouts/${MONTH}/approve`);
    await page.fill('#adjustment-payee', 'Ana Acq');
    await page.fill('#adjustment-amount', '10');
    await page.click('#adjustment-add');
    const refused = page.locator('#adjustment-outcome [data-problem=month-approved]');
    await refused.waitFor({ timeout: 60_000 });
    assert.match((await refused.textContent()) ?? '', new RegExp(`Sep 2025 is approved by ${email.replace(/[.]/g, '\\.')} on .* and locked`));
    assert.equal((await ok<{ items: unknown[] }>('GET', `/payouts/${MONTH}/adjustments`)).items.length, ADJUSTMENTS.length, 'nothing was added');
    await ok('POST', `/payouts/${MONTH}/reopen`, { reason: 'test: back to draft' });
  });

  await t.test('a 422 from the server lists its pointers', async () => {
    // Two trillion passes the page's own check (a number, 2 decimals at most) and is over the API's limit.
    await page.fill('#adjustment-payee', 'Ana Acq');
    await page.fill('#adjustment-amount', '2000000000000');
    await page.click('#adjustment-add');
    const outcome = page.locator('#adjustment-outcome [data-outcome=error]');
    await outcome.waitFor({ timeout: 60_000 });
    assert.match((await outcome.locator('.pointers').textContent()) ?? '', /\/amount/);
    assert.equal((await ok<{ items: unknown[] }>('GET', `/payouts/${MONTH}/adjustments`)).items.length, ADJUSTMENTS.length, 'nothing was added');
  });

  await t.test('a member reads the month and its statements but every write control is disabled', async () => {
    const member = await tokenFor({ orgId: org, role: 'member', sub: randomUUID() });
    // A tab of its own: its session storage holds the member's token.
    const reader = await browser.context.newPage();
    try {
      await reader.goto(`${base}/#access_token=${member}`);
      await reader.locator('#panel-dashboard[data-state]').waitFor({ timeout: 90_000 });
      assert.equal(await openView(reader, 'payouts'), 'ready');
      await waitForState('draft', reader);
      for (const selector of ['#payout-calculate', '#payout-approve', '#payout-reopen']) assert.equal(await reader.isDisabled(selector), true, `${selector} is disabled`);
      assert.equal(await reader.isVisible('#payout-admin-note'), true);
      assert.equal(await reader.locator('#adjustment-form').count(), 0, 'no form to add adjustments');
      assert.equal(await reader.locator('#payout-statements > tbody > tr:not(.table-detail)').count(), Object.keys(EXPECTED).length);
      assert.equal(await reader.locator('#payout-export a[data-format]').count(), 3, 'members export');
    } finally {
      await reader.close();
    }
  });

  await t.test('at 375 px and in the dark theme: nothing wider than the screen, no serious axe violation', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 375, height: 812 });
    await phone.emulateMedia({ colorScheme: 'dark' });
    await phone.goto(`${base}/#access_token=${token}`);
    await phone.locator('#panel-dashboard[data-state]').waitFor({ timeout: 90_000 });
    assert.equal(await openView(phone, 'payouts'), 'ready');
    await waitForState('draft', phone);
    await phone.locator('#payout-statements > tbody > tr:not(.table-detail):has-text("Dan Dispo") button.disclosure').click();
    await phone.click('#payout-export summary');
    const menu = await phone.locator('#payout-export .menu-items').boundingBox();
    assert.ok(menu && menu.x >= 0 && menu.x + menu.width <= 375, `the export menu fits the screen: ${JSON.stringify(menu)}`);
    assert.deepEqual(await overflowingElements(phone), [], 'nothing wider than the screen');
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page is ${width} px wide`);
    assert.equal(await phone.evaluate(() => getComputedStyle(document.documentElement).colorScheme), 'dark');
    await noSeriousViolations(phone, 'the phone, dark theme');
    await screenshot(phone, '375-payouts');
    await phone.close();
  });

  assert.deepEqual(pageErrors, [], 'no script errors');
});
