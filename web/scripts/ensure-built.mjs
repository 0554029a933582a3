// `npm start` (prestart), `npm run build:web` (--force) and the browser tests: build the web app
// when web/dist is missing or older than its sources. Plain JavaScript so that it runs before
// anything is compiled. A lock makes concurrent callers (parallel test files) build once.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const repo = path.dirname(web);
const stamp = path.join(web, 'dist', '.built');
const force = process.argv.includes('--force');
const lock = path.join(os.tmpdir(), `cip-web-build-${createHash('sha256').update(web).digest('hex').slice(0, 12)}.lock`);

function newest(entry) {
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(entry)) {
    if (name === 'dist' || name === 'node_modules') continue;
    latest = Math.max(latest, newest(path.join(entry, name)));
  }
  return latest;
}

/** 0 when there is no complete build, else when it finished. */
function builtAt() {
  return existsSync(stamp) && existsSync(path.join(web, 'dist', 'index.html')) ? statSync(stamp).mtimeMs : 0;
}

function sourcesAt() {
  const files = ['package.json', 'package-lock.json'].map((f) => path.join(repo, f)).filter(existsSync);
  return Math.max(newest(web), ...files.map(newest));
}

async function acquireLock() {
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A build takes seconds; a lock older than five minutes was left by a killed process.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      await sleep(200);
    }
  }
}

if (!force && builtAt() >= sourcesAt()) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  const message = builtAt()
    ? 'web/dist is older than web/ but Vite is not installed (npm install without --omit=dev): serving the old build'
    : 'web/dist is missing and Vite is not installed (npm install without --omit=dev): the web app will not be served';
  process.stderr.write(`# ${message}\n`);
  process.exit(0);
}

const waitedFrom = Date.now();
await acquireLock();
try {
  // Someone else may have built while we waited.
  const built = builtAt();
  if (built >= sourcesAt() && (!force || built >= waitedFrom)) {
    // Done by the process we waited for.
  } else {
    await build(built);
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}

async function build(built) {
  process.stdout.write(`# building the web app${force ? '' : ` (web/dist is ${built ? 'older than its sources' : 'missing'})`}\n`);
  const started = Date.now();
  await vite.build({
    configFile: path.join(web, 'vite.config.ts'),
    logLevel: 'warn',
    // Merged into the config file's options. Rolldown's note that plugin callbacks took most of the
    // build (the precompression does, by design) is for whoever tunes the build, not for `npm start`.
    build: { rollupOptions: { checks: { bundlerTimings: false } } },
  });
  writeFileSync(stamp, new Date().toISOString());
  process.stdout.write(`# web app built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
