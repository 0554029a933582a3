/**
 * Debian's Chromium driven by playwright-core: no browser download, a fresh profile per launch,
 * nothing that phones home. Tests skip with a message when /usr/bin/chromium is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { testApp, type TestAppOptions } from '../helpers/env.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM}: browser tests skipped (apt-get install -y chromium; .ci/run does it)`;

export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A browser with a fresh user-data-dir, removed on close. Reduced motion by default (steadier
 * screenshots); the web-app test runs with motion, where Chart.js's animations live.
 */
export async function launch(viewport = { width: 1280, height: 900 }, options: { motion?: boolean } = {}): Promise<Browser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'cip-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    timeout: 120_000,
    reducedMotion: options.motion ? 'no-preference' : 'reduce',
  });
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Builds web/dist unless it is current (web/scripts/ensure-built.mjs); a failed build fails the test. */
export function buildWebApp(): void {
  const build = spawnSync(process.execPath, ['web/scripts/ensure-built.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, `building the web app failed:\n${build.stdout}\n${build.stderr}`);
}

/**
 * The built web app served by a test app (this run's database) on a free port, closed after the
 * test. `host` is the name in `base` (127.0.0.1 for clients that should not try IPv6 first).
 */
export async function servedApp(
  t: TestContext,
  options: TestAppOptions & { host?: 'localhost' | '127.0.0.1' } = {},
): Promise<{ app: FastifyInstance; base: string }> {
  buildWebApp();
  const { host = 'localhost', ...appOptions } = options;
  const app = await testApp(t, appOptions);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base: `http://${host}:${(app.server.address() as AddressInfo).port}` };
}

/** Script errors of every page of the browser, as `url: message`, from now on. */
export function collectPageErrors(browser: Browser): string[] {
  const errors: string[] = [];
  browser.context.on('weberror', (error) => errors.push(`${error.page()?.url() ?? ''}: ${error.error().message}`));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Non-background pixels of a canvas: a drawn chart has thousands, a blank one none. */
export function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(sel);
    if (!canvas) return -1;
    const context = canvas.getContext('2d');
    if (!context) return -1;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
    return painted;
  }, selector);
}

/** Opens a view by its tab and waits until it has rendered (or failed in words). */
export async function openView(page: Page, view: string): Promise<string> {
  await page.click(`#tab-${view}`);
  const panel = page.locator(`#panel-${view}`);
  await panel.and(page.locator('[data-state=ready], [data-state=empty], [data-state=error]')).waitFor({ timeout: 90_000 });
  return (await panel.getAttribute('data-state')) ?? '';
}

/**
 * Moves the mouse over a chart until Chart.js draws a tooltip on it (the chart module marks the
 * canvas with data-tooltip), trying a grid of points so bars that do not reach the centre are hit
 * too. Returns whether a tooltip was drawn.
 */
export async function hoverChart(page: Page, selector: string): Promise<boolean> {
  const canvas = page.locator(selector);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) return false;
  const fractions = [0.5, 0.25, 0.75, 0.12, 0.9];
  for (const fy of fractions) {
    for (const fx of fractions) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
      const shown = await canvas
        .and(page.locator('[data-tooltip=shown]'))
        .waitFor({ timeout: 400 })
        .then(() => true, () => false);
      if (shown) {
        await page.mouse.move(0, 0);
        return true;
      }
    }
  }
  return false;
}

/** Waits until a canvas has ink (non-transparent pixels beyond `least`), polling: animations draw in frames. */
export async function waitForInk(page: Page, selector: string, least = 500, timeout = 20_000): Promise<number> {
  const deadline = Date.now() + timeout;
  let painted = await paintedPixels(page, selector);
  while (painted <= least && Date.now() < deadline) {
    await page.waitForTimeout(100);
    painted = await paintedPixels(page, selector);
  }
  return painted;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Serious and critical axe-core violations on the page as it is. The engine is evaluated through
 * the DevTools protocol, not a <script> tag, so the app's CSP stays as strict as in production.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
}

/**
 * Visible elements whose right edge passes the viewport without a scrolling box of their own
 * around them (a table inside its scrolling card, or a tab inside the scrolling tab bar, is fine).
 */
export function overflowingElements(page: Page): Promise<string[]> {
  // A string, not a function: tsx would wrap the helper in __name(), which the page does not have.
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (element) => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const overflow = getComputedStyle(parent).overflowX;
        if (['auto', 'scroll', 'hidden', 'clip'].includes(overflow) && parent.getBoundingClientRect().right <= width + 0.5) return true;
      }
      return false;
    };
    const out = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > width + 0.5 && !clipped(element)) {
        out.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + '.' + [...element.classList].join('.') + ' right=' + Math.round(box.right));
      }
    }
    return out.slice(0, 10);
  })()`);
}

/**
 * Presses Enter on the file control `selector` (focused as it is now) and answers whether the
 * browser's file picker opened. The picker is intercepted by a listener on the page from the first
 * call on: set up once and early, so the interception is in force before any key is pressed (a
 * listener added just before the key press raced it on a busy machine). A view that re-renders
 * between the focus and the key press loses the focused control: the press is tried again on the
 * control as it is then, three times at most.
 */
export async function enterOpensFilePicker(page: Page, selector: string): Promise<boolean> {
  if (!pickersWatched.has(page)) {
    pickersWatched.set(page, { opened: 0 });
    page.on('filechooser', () => {
      pickersWatched.get(page)!.opened += 1;
    });
    // A round trip after the listener: the interception it asks for is sent before this returns.
    await page.evaluate(() => 0);
  }
  const watch = pickersWatched.get(page)!;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const before = watch.opened;
    await page.focus(selector);
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 10_000;
    while (watch.opened === before && Date.now() < deadline) await page.waitForTimeout(50);
    if (watch.opened > before) return true;
  }
  return false;
}
const pickersWatched = new WeakMap<Page, { opened: number }>();
