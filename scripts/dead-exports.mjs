// `node scripts/dead-exports.mjs`: exported names of src/ that no file of src/, test/, bench/,
// scripts/ or web/ imports. Syntax only (the TypeScript parser, no type checking), conservative:
// `import * as`, `export * from` and dynamic `import()` of a module count as using all of it.
// Prints "file: name (used in its own file)" when only the `export` keyword is unneeded.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const roots = ['src', 'test', 'bench', 'scripts', 'web'];
const files = roots
  .flatMap((root) => (existsSync(root) ? readdirSync(root, { recursive: true }).map((entry) => path.join(root, entry)) : []))
  .filter((file) => /\.(ts|tsx|mts|mjs|js)$/.test(file) && !file.includes('node_modules') && !file.includes('dist') && statSync(file).isFile());

function resolve(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.normalize(path.join(path.dirname(from), specifier));
  const stem = base.replace(/\.(js|mjs|ts|tsx)$/, '');
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const exported = new Map(); // file -> Map(name -> { line, localUse })
const used = new Map(); // file -> Set(name) | 'all'
function use(file, name) {
  if (!file) return;
  const set = used.get(file) ?? new Set();
  set.add(name);
  used.set(file, set);
}

for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const own = new Map();
  const isSrc = file.startsWith('src' + path.sep);
  const declare = (name, node) => own.set(name, { line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const target = resolve(file, node.moduleSpecifier.text);
      const clause = node.importClause;
      if (clause?.name) use(target, 'default');
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) use(target, '*');
      if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) use(target, (el.propertyName ?? el.name).text);
      if (!clause) use(target, '*');
    } else if (ts.isExportDeclaration(node)) {
      const target = node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) ? resolve(file, node.moduleSpecifier.text) : null;
      if (!node.exportClause) use(target, '*');
      else if (ts.isNamedExports(node.exportClause)) {
        for (const el of node.exportClause.elements) {
          if (target) use(target, (el.propertyName ?? el.name).text);
          if (isSrc) declare(el.name.text, el);
        }
      } else if (target) use(target, '*');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) use(resolve(file, arg.text), '*');
    } else if (ts.isExportAssignment(node) && isSrc) {
      declare('default', node);
    } else if (isSrc && ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      const isDefault = ts.getModifiers(node).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (isDefault) declare('default', node);
      else if (ts.isVariableStatement(node)) {
        for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) declare(d.name.text, d);
      } else if (node.name && ts.isIdentifier(node.name)) declare(node.name.text, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (isSrc) {
    for (const [name, info] of own) {
      // Uses of the name in its own file beyond the declaration itself.
      const count = name === 'default' ? 0 : (text.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length;
      info.localUse = count > 1;
    }
    exported.set(file, own);
  }
}

let total = 0;
for (const [file, names] of [...exported].sort()) {
  const set = used.get(file);
  if (set?.has('*')) continue;
  for (const [name, info] of names) {
    if (set?.has(name)) continue;
    total += 1;
    process.stdout.write(`${file}:${info.line}: ${name}${info.localUse ? ' (used in its own file)' : ''}\n`);
  }
}
process.stdout.write(`# ${total} exported names nothing imports\n`);
