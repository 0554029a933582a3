// `npm run build:server`: the server as plain JavaScript in dist/ (tsc with tsconfig.build.json),
// with the SQL migrations beside the compiled bootstrap (dist/db/migrations), which reads them
// relative to itself. Plain JavaScript, so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

// A stale file from a deleted source would otherwise ship.
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

const from = path.join(root, 'src', 'db', 'migrations');
const to = path.join(dist, 'db', 'migrations');
const migrations = readdirSync(from).filter((file) => file.endsWith('.sql'));
for (const file of migrations) cpSync(path.join(from, file), path.join(to, file));
process.stdout.write(`dist/: server compiled, ${migrations.length} migrations copied\n`);
