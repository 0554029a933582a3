/**
 * The printable statement in Chromium (playwright-core, Debian's chromium): every line of the JSON
 * is a row in the DOM with its exact amount, no CSP violation and no script under the app's own
 * policy, the tenant's logo and name, every text escaped; in print emulation nothing is wider than
 * the page and no background is dark; printed to PDF on A4 and on Letter, the first page rendered
 * to PNG (pdftoppm, Debian poppler-utils) has ink and all of it inside the page's margins, and a
 * statement longer than a page repeats its table header on the next page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { ok, setup, workedMonth } from '../helpers/payouts-api.js';
import { MONTH } from '../helpers/payouts-month.js';
import { ARTIFACTS, chromiumMissing, launch, overflowingElements } from './browser.js';

const popplerMissing = ['pdftoppm', 'pdfinfo', 'pdftotext'].every((tool) => existsSync(`/usr/bin/${tool}`)) ? false : 'pdftoppm is not installed (apt-get install -y poppler-utils; .ci/run does it): statement print test skipped';
const HOSTILE = `<script>window.__pwned = 1</script> O'Brien & Co`;
const LONG = 'Lena Longlist';
// Page sizes in CSS px (96 per inch) and the statement's @page side margins (12 mm each side).
const PAGES = { A4: { width: (210 / 25.4) * 96 }, Letter: { width: 8.5 * 96 } } as const;
const SIDE_MARGINS = ((2 * 12) / 25.4) * 96;
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#0a3d62"/></svg>';

interface Gray {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** A binary PGM (P5, 8-bit) as pdftoppm -gray writes it. */
function readPgm(data: Buffer): Gray {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 64).toString('latin1'));
  assert.ok(header, 'a P5 PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, pixels: data.subarray(header[0].length, header[0].length + width * height) };
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  page.on('dialog', (dialog) => {
    violations.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __cspViolation: (text: string) => void }).__cspViolation(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  return violations;
}

test('the printable statement: every line in the DOM, clean A4 and Letter PDFs', { skip: chromiumMissing || popplerMissing, timeout: 8 * 60_000 }, async (t) => {
  const { app, admin } = await setup(t);
  await workedMonth(app, admin);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: HOSTILE, amount: 12.34, reason: 'bonus', note: '<img src=x onerror="window.__pwned=2">' }, 201);
  // 60 lines: longer than one page on either paper.
  for (let index = 1; index <= 60; index += 1) {
    await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: LONG, amount: index + 0.01, reason: 'bonus', note: `Deal D-${1000 + index} bonus, paid with the September run` }, 201);
  }
  await ok(app, admin, 'PUT', '/api/v1/branding', { name: 'Acme Homes', logo_url: 'https://cdn.acme.example/logo.svg', primary_color: '#0a3d62' });
  const payout = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).json();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://localhost:${(app.server.address() as AddressInfo).port}`;

  const browser = await launch({ width: 1000, height: 900 });
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const violations = await watchViolations(page);
  await page.setExtraHTTPHeaders({ authorization: admin.authorization! });
  await page.route('https://cdn.acme.example/**', (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO }));
  await mkdir(ARTIFACTS, { recursive: true });

  const open = async (payee: string) => {
    const response = await page.goto(`${base}/api/v1/payouts/${MONTH}/statements/${encodeURIComponent(payee)}`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, payee);
    assert.match(String(response?.headers()['content-type']), /^text\/html/);
  };

  // Every line of every statement, as JSON says it, is one row with its exact amount.
  for (const statement of payout.statements as { payee: string; lines: { amount: string; base: string }[] }[]) {
    await open(statement.payee);
    const rows = await page.$$eval('table.lines tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    assert.equal(rows.length, statement.lines.length, `${statement.payee}: rows in the DOM against lines in the JSON`);
    rows.forEach((cells, index) => {
      assert.equal(cells[5]!.replace(/,/g, ''), statement.lines[index]!.amount, `${statement.payee} line ${index + 1} amount`);
      assert.equal(cells[2], statement.lines[index]!.base, `${statement.payee} line ${index + 1} base`);
    });
  }
  assert.equal(payout.statements.find((entry: { payee: string }) => entry.payee === LONG).lines.length, 60);

  // Escaped: the hostile name is text, nothing ran.
  await open(HOSTILE);
  assert.equal(await page.locator('dd.payee').textContent(), HOSTILE);
  assert.equal(await page.evaluate(() => document.scripts.length + document.querySelectorAll('img[src=x]').length), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);

  // The branding: the logo drawn, the name, the colour.
  await open('Ana Acq');
  assert.equal(await page.locator('header.brand img.logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 120);
  assert.equal(await page.locator('header.brand .org').textContent(), 'Acme Homes');
  assert.equal(await page.locator('header.brand').evaluate((el) => getComputedStyle(el).borderBottomColor), 'rgb(10, 61, 98)');
  assert.equal(await page.locator('.watermark').textContent(), 'DRAFT');

  await page.emulateMedia({ media: 'print' });
  for (const payee of ['Ana Acq', LONG]) {
    await open(payee);
    for (const [format, size] of Object.entries(PAGES)) {
      // The printable width: the paper less the @page margins.
      await page.setViewportSize({ width: Math.floor(size.width - SIDE_MARGINS), height: 1000 });
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(widths.scroll <= widths.client, `${payee} ${format}: content ${widths.scroll}px wide on a ${widths.client}px page`);
      assert.deepEqual(await overflowingElements(page), [], `${payee} ${format}: elements past the page`);
    }
    const dark = await page.evaluate(`[...document.querySelectorAll('*')].map((el) => [el.tagName, getComputedStyle(el).backgroundColor]).filter(([, colour]) => {
      const m = /rgba?\\(([\\d.]+), ([\\d.]+), ([\\d.]+)(?:, ([\\d.]+))?\\)/.exec(colour);
      if (!m || (m[4] !== undefined && Number(m[4]) === 0)) return false;
      return 0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3] < 0.85 * 255;
    })`);
    assert.deepEqual(dark, [], `${payee}: no dark backgrounds`);
  }

  for (const payee of ['Ana Acq', LONG]) {
    await open(payee);
    for (const format of Object.keys(PAGES) as (keyof typeof PAGES)[]) {
      const name = `statement-${payee === LONG ? 'long' : 'ana'}-${format}`;
      const pdf = path.join(ARTIFACTS, `${name}.pdf`);
      await writeFile(pdf, await page.pdf({ format, printBackground: true }));
      const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [pdf]))![1]);
      assert.ok(payee === LONG ? pages >= 2 : pages === 1, `${name}: ${pages} pages`);
      // The first page as PNG (kept with the test artifacts) and as grey levels to measure.
      run('pdftoppm', ['-f', '1', '-l', '1', '-r', '60', '-png', '-singlefile', pdf, path.join(ARTIFACTS, name)]);
      run('pdftoppm', ['-f', '1', '-l', '1', '-r', '60', '-gray', '-singlefile', pdf, path.join(ARTIFACTS, name)]);
      const png = await readFile(path.join(ARTIFACTS, `${name}.png`));
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
      const gray = readPgm(await readFile(path.join(ARTIFACTS, `${name}.pgm`)));
      // 60 dpi: A4 is 210 mm → 496.1 px wide (Chromium's 595.92 pt rounds to 497), Letter 8.5 in → 510 px.
      const paper = format === 'A4' ? (210 / 25.4) * 60 : 8.5 * 60;
      assert.ok(Math.abs(gray.width - paper) <= 1, `${name}: ${gray.width} px wide, the paper ${paper.toFixed(1)} px`);
      let ink = 0;
      let left = gray.width;
      let right = -1;
      for (let y = 0; y < gray.height; y += 1) {
        for (let x = 0; x < gray.width; x += 1) {
          if (gray.pixels[y * gray.width + x]! < 160) {
            ink += 1;
            left = Math.min(left, x);
            right = Math.max(right, x);
          }
        }
      }
      assert.ok(ink > gray.width * gray.height * 0.005, `${name}: the first page is not blank (${ink} dark pixels)`);
      // 12 mm margins are 28 px at 60 dpi: ink ends well inside the paper on both sides.
      assert.ok(left >= 20 && right <= gray.width - 20, `${name}: ink from x=${left} to x=${right} of ${gray.width}`);
      if (payee === LONG) {
        const second = run('pdftotext', ['-f', '2', '-l', '2', '-layout', pdf, '-']);
        assert.match(second, /#\s+Line\s+Base\s+Bracket\s+Rate\s+Amount\s+Reason/, `${name}: the table header is repeated on page 2`);
        assert.match(second, /D-10\d\d/);
      }
    }
  }
  assert.deepEqual(violations, [], 'no CSP violation, no dialog');
});
