/**
 * The web app's initial JavaScript (what index.html loads before any view opens) stays within
 * 250 KB gzipped, and Plotly is not part of it. Needs no browser: it reads web/dist.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { buildWebApp } from './browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = `${ROOT}web/dist/`;
const BUDGET = 250 * 1024;

test('initial JavaScript is at most 250 KB gzipped, without Plotly', { timeout: 180_000 }, () => {
  buildWebApp();
  const html = readFileSync(`${DIST}index.html`, 'utf8');
  const scripts = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  assert.ok(scripts.length > 0, 'index.html loads a script');
  let total = 0;
  for (const file of scripts) {
    const code = readFileSync(`${DIST}${file}`);
    // A string of Plotly's own (its default topojson CDN), not of the app's code.
    assert.ok(!code.includes('cdn.plot.ly'), `${file} must not contain Plotly`);
    total += gzipSync(code, { level: 9 }).length;
  }
  process.stdout.write(`# initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped in ${scripts.length} files\n`);
  assert.ok(total <= BUDGET, `initial JavaScript is ${(total / 1024).toFixed(1)} KB gzipped`);
});
