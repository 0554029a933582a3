/**
 * Debian's Chromium driven by playwright-core: no browser download, a fresh profile per launch,
 * nothing that phones home. Tests skip with a message when /usr/bin/chromium is missing.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

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
