/**
 * The plan editor in a real browser (Debian's Chromium through playwright-core) against the real
 * service, on plans that use every extension of the plan language (test/helpers/payouts-month.ts
 * PLANS: `from` bounds, rates by flat fee with exact strings "0.033333" and "0.1/3", exclusions, a
 * tier override, team overrides with `where` and their own tier tables, formula and rate
 * components). A fresh tenant gets the plans through the API and three payee-level months (the
 * view needs a period). Each plan is opened from the picker of plans in force and its stored values
 * are read back from the fields; one rate is edited and saved as a new version, and the version read
 * back through the API differs from the stored definition in that rate only (exact strings
 * included); the bounds toggle from → up_to → from gives the identical brackets; a 422 is shown
 * beside the field its pointer names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { generateDemoMonths } from '../../src/demo/generate.js';
import { DEMO_PLANS } from '../../src/demo/plans.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { tokenFor, uniqueOrg } from '../helpers/env.js';
import { ADJUSTMENTS, CLOSINGS, EXPECTED_TOTAL, GOALS, MONTH, PLANS } from '../helpers/payouts-month.js';
import { axeViolations, chromiumMissing, collectPageErrors, launch, openView, overflowingElements, screenshot, servedApp, type Browser } from './browser.js';


interface StoredPlan {
  id: string;
  name: string;
  versions: Array<{ version: number; effective_from: string; definition: PlanDefinition }>;
}

const planNamed = (name: string) => structuredClone(PLANS.find((plan) => plan.name === name)!);

test('the plan editor in Chromium: every extension shown, one rate edited, the rest saved exactly', { skip: chromiumMissing, timeout: 10 * 60_000 }, async (t) => {
  const { base } = await servedApp(t);
  const org = uniqueOrg('web-plan-editor');
  // Enterprise: two of the plans pay by formulas.
  const enterprise = { app_metadata: { role: 'admin', entitlements: { subscription_tier: 'enterprise', promo_until: null } } };
  const token = await tokenFor({ orgId: org, role: 'admin', email: `ops@${org}.example`, sub: randomUUID(), extra: enterprise });
  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };

  for (const month of generateDemoMonths().slice(-3)) {
    const imported = await api('/commissions/import', { method: 'POST', body: JSON.stringify(month) });
    assert.equal(imported.status, 201, `seeding ${month.month}: ${JSON.stringify(imported.body)}`);
  }
  // The demo's manager override: two overrides of one rate each, one with `where`.
  const managerOverride = DEMO_PLANS.find((plan) => plan.name === 'Manager override')!.versions.at(-1)!.definition;
  const ids = new Map<string, string>();
  for (const definition of [...PLANS, managerOverride]) {
    const created = await api<StoredPlan>('/plans', { method: 'POST', body: JSON.stringify(definition) });
    assert.equal(created.status, 201, `${definition.name}: ${JSON.stringify(created.body)}`);
    ids.set(definition.name, created.body.id);
  }
  const stored = async (name: string) => (await api<StoredPlan>(`/plans/${ids.get(name)}`)).body;

  const browser: Browser = await launch();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const pageErrors = collectPageErrors(browser);
  const noSeriousViolations = async (on: Page, when: string) => {
    const violations = await axeViolations(on);
    assert.deepEqual(violations, [], `axe, ${when}: ${JSON.stringify(violations, null, 2)}`);
  };
  const value = (label: string, on: Page = page) => on.inputValue(`#panel-plans [aria-label="${label}"]`);
  /** Opens a plan from the picker and waits for its editor. */
  const open = async (name: string, on: Page = page) => {
    await on.selectOption('#plan-picker', ids.get(name)!);
    await on.locator(`#panel-plans input[aria-label="Plan name"]`).and(on.locator(`[value="${name}"]`)).waitFor();
    assert.equal(await on.inputValue('#panel-plans input[aria-label="Plan name"]'), name);
  };

  await t.test('the picker offers every plan in force, and the page never says none is saved', async () => {
    await page.goto(`${base}/#access_token=${token}`);
    await page.locator('#panel-dashboard[data-state=ready]').waitFor({ timeout: 90_000 });
    assert.equal(await openView(page, 'plans'), 'ready');
    const options = await page.locator('#plan-picker option').allTextContents();
    assert.equal(options.length, PLANS.length + 2, options.join(' | '));
    assert.ok(options.includes('Team lead Lee (acquisitions, managers; for Lee Lead)'), options.join(' | '));
    assert.ok(options.includes('Acq reps (acquisitions)'));
    const origin = (await page.locator('#plan-origin').textContent()) ?? '';
    assert.doesNotMatch(origin, /No plan is saved yet/);
    assert.match(origin, /Opened on the plan in force: “/);
    await noSeriousViolations(page, 'plans view, first plan');
  });

  await t.test('each plan shows its stored values', async () => {
    await open('Acq reps');
    assert.equal(await page.inputValue('#panel-plans [aria-label="Tiers: bounds"]'), 'from');
    assert.deepEqual(
      await Promise.all([1, 2, 3, 4].map((n) => value(`Bracket ${n} lower bound`))),
      ['0', '25000', '50001', '100001'],
    );
    assert.deepEqual(await Promise.all([1, 2, 3, 4].map((n) => value(`Bracket ${n} rate in percent`))), ['4', '6', '8', '10']);
    assert.equal(await page.inputValue('#plan-exclude'), 'House Account, Sam Senior');
    assert.equal(await value('Tier override 1: payee'), 'Ana Acq');
    assert.equal(await value('Tier override 1: bracket number'), '3');
    assert.equal(await value('Tier override 1: reason'), 'promotion agreed 2025-09-01');
    assert.equal(await value('Tier override 1: from month'), '2025-09');
    assert.equal(await value('Tier override 1: to month'), '2025-09');

    await open('Dispo reps');
    assert.equal(await page.inputValue('#panel-plans [aria-label="Tiers: rates"]'), 'flat_fee');
    // Rates by flat fee need closings: the payee-level simulation says so in words, not as a failure.
    await page.locator('#panel-plans .plan-result[data-state=unavailable] [data-outcome=not-simulated]').waitFor({ timeout: 60_000 });
    assert.equal(await value('Bracket 1 rate in percent, not flat fee'), '5');
    assert.equal(await value('Bracket 1 rate in percent, flat fee'), '3.3333');
    assert.equal(await value('Bracket 2 rate in percent, flat fee'), '4');
    assert.equal(await value('Bracket 2 lower bound'), '60000');
    assert.equal(await page.inputValue('#plan-exclude'), 'House Account');

    await open('Dispo senior (exact thirds)');
    assert.equal(await value('Bracket 1 rate in percent, flat fee'), '10/3');
    assert.equal(await value('Bracket 2 rate in percent, flat fee'), '12/3');
    assert.equal(await page.inputValue('#plan-agents'), 'Dora Dispo');

    await open('Team lead Lee');
    const lee = 'Override “Team override”';
    assert.equal(await page.inputValue(`#panel-plans [aria-label="${lee}: pays"]`), 'tiers');
    assert.equal(await value(`${lee}: deals where (attribute=value, comma-separated)`), 'tl_eligible=true');
    assert.equal(await page.inputValue(`#panel-plans fieldset[data-pointer="/components/0"] select[data-pointer="/components/0/team/role"]`), 'acq');
    assert.equal(await value(`${lee} bracket 2 lower bound`), '40000');
    assert.equal(await value(`${lee} bracket 1 rate in percent, not flat fee`), '1');
    assert.equal(await value(`${lee} bracket 2 rate in percent, flat fee`), '0.75');
    assert.deepEqual(await Promise.all([1, 2, 3].map((n) => value(`Bracket ${n} lower bound`))), ['0', '20000', '45000']);
    await noSeriousViolations(page, 'a team lead with an override');

    await open('Team lead Tess');
    assert.equal(await value('Override 1 bracket 2 lower bound'), '25000');
    assert.equal(await value('Override 1 bracket 2 rate in percent, flat fee'), '1.25');

    await open('Manager override');
    assert.equal(await page.inputValue('#panel-plans [aria-label="Override “Acquisition team override”: pays"]'), 'rate');
    assert.equal(await value('Override “Acquisition team override”: rate in percent of team GP'), '2');
    assert.equal(await value('Override “Acquisition team override”: deals where (attribute=value, comma-separated)'), 'tl_eligible=true');
    assert.equal(await value('Override “Disposition team override”: rate in percent of team GP'), '0.5');
    assert.equal(await page.inputValue('#panel-plans select[data-pointer="/components/1/team/role"]'), 'dispo');

    await open('Senior leader Sam');
    assert.equal(await page.locator('#panel-plans fieldset[data-readonly=true]').count(), 2);
    assert.match((await page.locator('#panel-plans fieldset[data-readonly=true] pre').first().textContent()) ?? '', /"0\.00833333333"/);
    await open('Underwriting director');
    assert.match((await page.locator('#panel-plans fieldset[data-readonly=true] pre').textContent()) ?? '', /goal_transactions/);
    assert.deepEqual(pageErrors, []);
  });

  await t.test('one rate edited and saved as a new version: only that rate changes, exact strings kept', async () => {
    await open('Dispo reps');
    await page.fill('#panel-plans [aria-label="Bracket 2 rate in percent, not flat fee"]', '6.5');
    await page.fill('#plan-effective-from', '2025-10');
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/plans/${ids.get('Dispo reps')}`) && r.request().method() === 'PUT');
    await page.click('#plan-save-version');
    assert.equal((await saved).status(), 200);
    await page.locator('#plan-status', { hasText: 'Saved “Dispo reps” version 2' }).waitFor();
    const plan = await stored('Dispo reps');
    assert.equal(plan.versions.length, 2);
    assert.equal(plan.versions[1]!.effective_from, '2025-10');
    const expected = planNamed('Dispo reps');
    (expected.tiers!.brackets[1]!.rate as Record<string, number | string>).false = 0.065;
    assert.deepStrictEqual(plan.versions[1]!.definition, expected);
    assert.deepStrictEqual(plan.versions[0]!.definition, planNamed('Dispo reps'), 'the earlier version is untouched');

    // An override's tier rate, the same way (0.5 % of flat-fee team GP → 0.6 %).
    await open('Team lead Lee');
    await page.fill('#panel-plans [aria-label="Override “Team override” bracket 1 rate in percent, flat fee"]', '0.6');
    // Typed away and back: the stored value stays as stored.
    await page.fill('#panel-plans [aria-label="Bracket 2 rate in percent"]', '7.5');
    await page.fill('#panel-plans [aria-label="Bracket 2 rate in percent"]', '7');
    const again = page.waitForResponse((r) => r.url().endsWith(`/api/v1/plans/${ids.get('Team lead Lee')}`) && r.request().method() === 'PUT');
    await page.click('#plan-save-version');
    assert.equal((await again).status(), 200);
    const lee = await stored('Team lead Lee');
    const leeExpected = planNamed('Team lead Lee');
    const override = leeExpected.components![0] as { tiers: { brackets: Array<{ rate: Record<string, number> }> } };
    override.tiers.brackets[0]!.rate.true = 0.006;
    assert.deepStrictEqual(lee.versions.at(-1)!.definition, leeExpected);
    assert.deepEqual(pageErrors, []);
  });

  await t.test('bounds toggle from → up_to → from gives the identical brackets', async () => {
    await open('Acq reps');
    await page.selectOption('#panel-plans [aria-label="Tiers: bounds"]', 'up_to');
    // from 25,000 is the previous bracket ending at 24,999.99 (whole cents); from 50,001 ends the
    // one before at 50,000.99 (50,000.50 is still in bracket 2, as the spreadsheet's lookup reads it).
    assert.deepEqual(await Promise.all([1, 2, 3, 4].map((n) => value(`Bracket ${n} upper bound`))), ['24999.99', '50000.99', '100000.99', '']);
    await page.selectOption('#panel-plans [aria-label="Tiers: bounds"]', 'from');
    assert.deepEqual(await Promise.all([1, 2, 3, 4].map((n) => value(`Bracket ${n} lower bound`))), ['0', '25000', '50001', '100001']);
    // What the editor would send: the stored brackets exactly.
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/plans/simulate'));
    await page.click('#panel-plans button[type=submit]:has-text("Simulate")');
    const body = (await sent).postDataJSON() as { plan: PlanDefinition };
    assert.deepStrictEqual(body.plan, planNamed('Acq reps'));
  });

  await t.test('a 422 is shown beside the field its pointer names, and nothing is saved', async () => {
    await open('Acq reps');
    await page.fill('#panel-plans [aria-label="Bracket 3 rate in percent"]', '150');
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/v1/plans/${ids.get('Acq reps')}`) && r.request().method() === 'PUT');
    await page.click('#plan-save-version');
    assert.equal((await refused).status(), 422);
    const note = page.locator('#panel-plans [data-problem-for="/tiers/brackets/2/rate"]');
    await note.waitFor();
    assert.match((await note.textContent()) ?? '', /between 0 and 1/);
    assert.equal(await page.getAttribute('#panel-plans [aria-label="Bracket 3 rate in percent"]', 'aria-invalid'), 'true');
    assert.match((await page.locator('#plan-status').textContent()) ?? '', /^Not saved/);
    assert.equal((await stored('Acq reps')).versions.length, 1);
    await noSeriousViolations(page, 'a 422 shown beside its field');
    await screenshot(page, 'plan-editor');
    assert.deepEqual(pageErrors, []);
  });

  await t.test('plans saved but none in force at the period end: said so, never "No plan is saved yet"', async () => {
    const later = uniqueOrg('web-plan-later');
    const laterToken = await tokenFor({ orgId: later, role: 'admin', email: `ops@${later}.example`, sub: randomUUID(), extra: enterprise });
    const send = (path: string, body: unknown) =>
      fetch(`${base}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${laterToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await send('/commissions/import', generateDemoMonths().at(-1))).status, 201);
    assert.equal((await send('/plans', { ...planNamed('Acq reps'), effective_from: '2030-01' })).status, 201);
    const other = await browser.context.newPage();
    await other.goto(`${base}/#access_token=${laterToken}`);
    await other.locator('#panel-dashboard[data-state=ready]').waitFor({ timeout: 90_000 });
    assert.equal(await openView(other, 'plans'), 'ready');
    const origin = (await other.locator('#plan-origin').textContent()) ?? '';
    assert.doesNotMatch(origin, /No plan is saved yet/);
    assert.match(origin, /The saved plan “Acq reps” is not in force at .+ \(it starts .*2030\)/);
    await other.close();
    assert.deepEqual(pageErrors, []);
  });

  await t.test('a tenant with closings: simulated on them (source "closings"), so plans only closings can pay are simulated, against its plans in force', async () => {
    const org2 = uniqueOrg('web-plan-closings');
    const closingsToken = await tokenFor({ orgId: org2, role: 'admin', email: `ops@${org2}.example`, sub: randomUUID(), extra: enterprise });
    const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${closingsToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    };
    assert.equal((await call('POST', '/closings/import', { month: MONTH, closings: CLOSINGS, adjustments: ADJUSTMENTS })).status, 201);
    assert.equal((await call('PUT', `/goals/${MONTH}`, GOALS)).status, 200);
    const closingIds = new Map<string, string>();
    for (const definition of PLANS) {
      const created = await call<StoredPlan>('POST', '/plans', { ...definition, effective_from: '2025-01' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      closingIds.set(definition.name, created.body.id);
    }
    const other = await browser.context.newPage();
    const bodies: Array<Record<string, unknown>> = [];
    other.on('request', (request) => {
      if (request.url().endsWith('/api/v1/plans/simulate')) bodies.push(request.postDataJSON() as Record<string, unknown>);
    });
    await other.goto(`${base}/#access_token=${closingsToken}`);
    await other.locator('#panel-dashboard[data-state=ready], #panel-dashboard[data-state=empty]').waitFor({ timeout: 90_000 });
    assert.equal(await openView(other, 'plans'), 'ready');
    const ready = other.locator('#panel-plans .plan-result[data-state=ready][data-source=closings]');
    await ready.waitFor({ timeout: 90_000 });
    assert.ok(bodies.length >= 2 && bodies.every((body) => body.source === 'closings'), JSON.stringify(bodies.map((b) => b.source)));
    // The comparison: the tenant's own plans in force, which pay the worked month's 19,920.77.
    const own = bodies.find((body) => body.plans === undefined)!;
    const { from, to } = own as { from: string; to: string };
    const ownSimulation = (await call<{ total_commission: number }>('POST', '/plans/simulate', { source: 'closings', from, to })).body;
    assert.equal(ownSimulation.total_commission, EXPECTED_TOTAL);

    // Rates by flat fee: "Not simulated" on payee-level history, simulated here among the other plans.
    await other.selectOption('#plan-picker', closingIds.get('Dispo reps')!);
    await other.locator('#panel-plans input[aria-label="Plan name"][value="Dispo reps"]').waitFor();
    await other.fill('#panel-plans [aria-label="Bracket 2 rate in percent, not flat fee"]', '6.5');
    const sent = other.waitForRequest((r) => r.url().endsWith('/api/v1/plans/simulate'));
    const answered = other.waitForResponse((r) => r.url().endsWith('/api/v1/plans/simulate'), { timeout: 90_000 });
    await other.click('#panel-plans button[type=submit]:has-text("Simulate")');
    const body = (await sent).postDataJSON() as { source: string; plans: PlanDefinition[] };
    assert.equal((await answered).status(), 200);
    assert.equal(body.source, 'closings');
    assert.equal(body.plans.length, PLANS.length, 'the edited plan in place of its stored one, beside the others in force');
    assert.equal(body.plans.filter((plan) => plan.name === 'Dispo reps').length, 1);
    await ready.waitFor({ timeout: 90_000 });
    assert.equal(await other.locator('#panel-plans [data-outcome=not-simulated]').count(), 0);
    const edited = (await call<{ total_commission: number; by_payee_month: unknown[]; by_month: unknown[] }>('POST', '/plans/simulate', body)).body;
    const money = (value: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(value);
    const kpis = (await other.locator('#panel-plans .plan-result .kpis').textContent()) ?? '';
    assert.ok(kpis.includes(money(edited.total_commission)), `${kpis} shows ${money(edited.total_commission)}`);
    assert.ok(kpis.includes('Difference vs the plans in force'), kpis);
    assert.notEqual(edited.total_commission, ownSimulation.total_commission, 'the edit changes the pay');
    assert.equal(await other.locator('#simulation-payees tbody tr').count(), edited.by_payee_month.length);
    assert.equal(await other.locator('#simulation-months tbody tr').count(), edited.by_month.length);
    assert.match((await other.locator('#panel-plans .plan-result .definition').textContent()) ?? '', /company GP of the closings/);
    await noSeriousViolations(other, 'a closings simulation');
    await screenshot(other, 'plan-editor-closings');
    await other.close();
    assert.deepEqual(pageErrors, []);
  });

  await t.test('375 px: nothing scrolls sideways', async () => {
    const narrow = await launch({ width: 375, height: 800 });
    t.after(() => narrow.close());
    const phone = await narrow.context.newPage();
    const errors: string[] = [];
    narrow.context.on('weberror', (error) => errors.push(error.error().message));
    await phone.goto(`${base}/#access_token=${token}`);
    await phone.locator('#panel-dashboard[data-state=ready], #panel-dashboard[data-state=empty]').waitFor({ timeout: 90_000 });
    assert.equal(await openView(phone, 'plans'), 'ready');
    for (const name of ['Team lead Lee', 'Acq reps', 'Senior leader Sam']) {
      await open(name, phone);
      assert.deepEqual(await overflowingElements(phone), [], `${name} at 375 px`);
    }
    await screenshot(phone, 'plan-editor-375');
    assert.deepEqual(errors, []);
  });
});
