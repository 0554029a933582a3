/**
 * Bytes on the wire: API and static responses are compressed (br preferred, gzip otherwise, with
 * `Vary: accept-encoding`), the live event stream is not, hashed assets are cached for good and
 * pages revalidate, and a favicon is served. Prints what the first page load transfers, raw and
 * compressed. Needs no browser: it reads the built app through the real service.
 */
import http from 'node:http';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDemoMonths } from '../../src/demo/generate.js';
import { tokenFor, uniqueOrg } from '../helpers/env.js';
import { servedApp } from './browser.js';


interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Bytes as they crossed the wire (still encoded). */
  bytes: number;
}

/** A request with undici's decoding out of the way: node:http hands over the encoded bytes. */
function get(url: string, headers: Record<string, string> = {}, firstChunkOnly = false): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers }, (response) => {
      let bytes = 0;
      const done = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes });
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (firstChunkOnly) {
          done();
          request.destroy();
        }
      });
      response.on('end', done);
      response.on('error', reject);
    });
    request.on('error', (error) => (firstChunkOnly ? undefined : reject(error)));
  });
}

test('responses are compressed and cached by what they are', { timeout: 180_000 }, async (t) => {
  const { base } = await servedApp(t, { host: '127.0.0.1' });
  const org = uniqueOrg('wire');
  const token = await tokenFor({ orgId: org, role: 'admin' });
  for (const month of generateDemoMonths().slice(-3)) {
    const response = await fetch(`${base}/api/v1/commissions/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(month),
    });
    assert.equal(response.status, 201, await response.text());
  }

  const page = await get(`${base}/`, { 'accept-encoding': 'br, gzip' });
  assert.equal(page.status, 200);
  assert.equal(page.headers['cache-control'], 'no-cache', 'index.html revalidates');
  const html = await (await fetch(`${base}/`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), 'index.html names hashed scripts and styles');
  assert.ok(assets.some((a) => /\/assets\/favicon-[\w-]+\.svg$/.test(a)), 'index.html links a favicon');

  const sizes: Array<{ file: string; identity: number; br: number; gzip: number }> = [];
  for (const asset of assets) {
    assert.match(asset, /-[\w-]{8,}\.\w+$/, `${asset} has a content hash in its name`);
    const identity = await get(`${base}${asset}`, { 'accept-encoding': 'identity' });
    const br = await get(`${base}${asset}`, { 'accept-encoding': 'gzip, deflate, br' });
    const gzip = await get(`${base}${asset}`, { 'accept-encoding': 'gzip' });
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable', asset);
    assert.equal(identity.headers['content-encoding'], undefined);
    if (identity.bytes >= 1024 && !asset.endsWith('.svg')) {
      assert.equal(br.headers['content-encoding'], 'br', `${asset} in brotli when the browser takes it`);
      assert.equal(gzip.headers['content-encoding'], 'gzip', `${asset} in gzip otherwise`);
      assert.match(String(br.headers.vary), /accept-encoding/i);
      assert.ok(br.bytes < identity.bytes && gzip.bytes < identity.bytes);
    }
    sizes.push({ file: asset, identity: identity.bytes, br: br.bytes, gzip: gzip.bytes });
  }
  const favicon = await get(`${base}${assets.find((a) => a.includes('favicon'))!}`);
  assert.equal(favicon.status, 200);
  assert.match(String(favicon.headers['content-type']), /image\/svg\+xml/);

  // An API answer is compressed too.
  const auth = { authorization: `Bearer ${token}` };
  const months = await get(`${base}/api/v1/commissions/export?format=json&from=2025-07&to=2025-09`, { ...auth, 'accept-encoding': 'br, gzip' });
  assert.equal(months.status, 200);
  assert.equal(months.headers['content-encoding'], 'br');
  assert.match(String(months.headers.vary), /accept-encoding/i);

  // The event stream is not: each event must reach the browser when it is written.
  const events = await get(`${base}/api/v1/events`, { ...auth, 'accept-encoding': 'br, gzip' }, true);
  if (events.status === 200) {
    assert.match(String(events.headers['content-type']), /text\/event-stream/);
    assert.equal(events.headers['content-encoding'], undefined, 'the SSE stream is not compressed');
  }

  const sum = (key: 'identity' | 'br' | 'gzip') => sizes.reduce((total, s) => total + s[key], 0);
  process.stdout.write(
    `# first load (index.html ${page.bytes} B in br): ${sizes.length} assets, ${(sum('identity') / 1024).toFixed(1)} KB raw, ` +
      `${(sum('br') / 1024).toFixed(1)} KB br, ${(sum('gzip') / 1024).toFixed(1)} KB gzip\n`,
  );
  for (const s of sizes) process.stdout.write(`#   ${s.file}: ${s.identity} B raw, ${s.br} B br, ${s.gzip} B gzip\n`);
});
