/**
 * The layers of src/ (ARCHITECTURE.md, "The shape"), checked on the source tree itself: a request
 * flows route → use case (services) → domain and db, and never back. Every import counts, type-only
 * ones too: a circle of types still ties the modules into one.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = path.join(ROOT, 'src');

/**
 * Node's modules that reach outside the process: the domain computes, it never does I/O. Not
 * zlib: its synchronous functions compute on buffers in memory, as the xlsx reader's zip guard
 * (domain/closings/zip-guard.ts) does when it inflates a part no further than its declared size.
 */
const IO_MODULES = new Set([
  'child_process', 'cluster', 'dgram', 'dns', 'fs', 'fs/promises', 'http', 'http2', 'https', 'inspector', 'net', 'os',
  'process', 'readline', 'repl', 'stream', 'tls', 'tty', 'v8', 'vm', 'worker_threads',
]);
/** Packages that are I/O by nature. */
const IO_PACKAGES = new Set(['pg', 'pg-boss', 'ioredis', 'piscina', 'fastify', 'undici']);

interface Module {
  /** Path under src/, with forward slashes: `http/routes/plans.ts`. */
  file: string;
  /** Modules of src/ it imports, as paths under src/. */
  local: string[];
  /** Everything else it imports, as written (`node:fs`, `pg`, `typebox`). */
  external: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** `./x.js` from `a/b.ts` → `a/x.ts` (the NodeNext convention: .js specifiers name .ts files). */
function resolveLocal(from: string, specifier: string, known: Set<string>): string | undefined {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), target, `${target}.ts`, `${target}/index.ts`]) {
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

function loadModules(): Map<string, Module> {
  const files = sourceFiles(SRC).map((file) => path.relative(SRC, file).split(path.sep).join('/'));
  const known = new Set(files);
  const modules = new Map<string, Module>();
  for (const file of files) {
    // preProcessFile lists every import, export-from, `import type` and dynamic import() of a file.
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(SRC, file), 'utf8'), true, true);
    const local: string[] = [];
    const external: string[] = [];
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.')) {
        const target = resolveLocal(file, specifier, known);
        if (target) local.push(target);
        else if (!/\.(mjs|json)$/.test(specifier)) assert.fail(`${file} imports ${specifier}, which is not a file of src/`);
      } else {
        external.push(specifier);
      }
    }
    modules.set(file, { file, local, external });
  }
  return modules;
}

/** Every import circle, each once, as the path that closes it (Tarjan's strongly connected components). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

const modules = loadModules();
const all = [...modules.values()];
const under = (prefix: string) => all.filter((module) => module.file.startsWith(prefix));
const bare = (specifier: string) => specifier.replace(/^node:/, '');
const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);

/** `file → imported` lines for the imports that break `rule`. */
function offending(scope: Module[], breaks: (imported: string) => boolean, kind: 'local' | 'external' = 'local'): string[] {
  return scope.flatMap((module) => module[kind].filter(breaks).map((imported) => `${module.file} → ${imported}`));
}

describe('architecture', () => {
  it('reads the whole source tree', () => {
    // A scan that found nothing would pass every rule below.
    assert.ok(modules.size > 100, `only ${modules.size} modules found under src/`);
    assert.ok(modules.get('app.ts')?.local.includes('http/routes/commissions.ts'), 'app.ts imports the routes');
  });

  it('finds a circle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    assert.deepEqual(importCycles(graph), [['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
    assert.deepEqual(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), []);
  });

  it('has no import circle anywhere in src/', () => {
    const graph = new Map(all.map((module) => [module.file, module.local]));
    assert.deepEqual(importCycles(graph), []);
  });

  it('routes import nothing from db/ and no other route', () => {
    const routes = under('http/routes/');
    assert.deepEqual(offending(routes, (imported) => imported.startsWith('db/') || imported.startsWith('http/routes/')), []);
  });

  it('services and domain import nothing from http/', () => {
    assert.deepEqual(offending([...under('services/'), ...under('domain/')], (imported) => imported.startsWith('http/')), []);
  });

  it('domain does no I/O: no db/, no I/O module of node, no I/O package', () => {
    const domain = under('domain/');
    // The shapes are TypeBox schemas (src/schemas, framework-free): the domain takes its types from them.
    assert.deepEqual(
      offending(domain, (imported) => !imported.startsWith('domain/') && !imported.startsWith('schemas/')),
      [],
      'domain imports only domain and the schemas',
    );
    assert.deepEqual(
      offending(under('schemas/'), (imported) => !imported.startsWith('schemas/') && !imported.startsWith('domain/')),
      [],
      'schemas import only schemas and the domain’s vocabulary',
    );
    assert.deepEqual(
      offending(domain, (specifier) => IO_MODULES.has(bare(specifier)) || IO_PACKAGES.has(packageOf(specifier)), 'external'),
      [],
    );
  });
});
