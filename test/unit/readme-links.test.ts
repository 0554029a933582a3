import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and docs/*.md: the documents a newcomer follows. */
function documents(): string[] {
  const docs = readdirSync(path.join(REPO, 'docs')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.map((name) => path.join('docs', name))];
}

/** Relative link targets: `[text](target)` (the text may span lines) and `[label]: target`. */
function relativeLinks(markdown: string): string[] {
  const targets = [
    ...[...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!),
    ...[...markdown.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]!),
  ];
  // Absolute paths (`/docs`) are the running service's URLs, not files; anchors are in-page.
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('/') && !target.startsWith('#'));
}

/** Markdown files named in the text (`SECURITY.md`, `docs/scaling.md`), linked or not. */
function namedDocuments(markdown: string): string[] {
  return [...markdown.matchAll(/(?<![\w./-])((?:[\w-]+\/)*[\w-]+\.md)\b/g)].map((match) => match[1]!);
}

test('the link finders see inline, multi-line and reference links, and skip URLs and anchors', () => {
  const sample = '[a](SECURITY.md) [b\nc](docs/x.md#part "t") [d](https://example.test/a.md) [e](#top) [f](/docs)\n[g]: ./y.md\n';
  assert.deepEqual(relativeLinks(sample), ['SECURITY.md', 'docs/x.md#part', './y.md']);
  assert.deepEqual(namedDocuments('see CONTRACT.md and docs/scaling.md, not https://example.test/a.md'), ['CONTRACT.md', 'docs/scaling.md']);
});

test('every relative link in README.md and docs/*.md resolves to a file of the repository', () => {
  const broken: string[] = [];
  for (const document of documents()) {
    const text = readFileSync(path.join(REPO, document), 'utf8');
    for (const link of relativeLinks(text)) {
      const file = decodeURIComponent(link.replace(/[#?].*$/, ''));
      if (file && !existsSync(path.resolve(REPO, path.dirname(document), file))) broken.push(`${document}: ${link}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('every Markdown file README.md and docs/*.md name exists (beside the document or at the root)', () => {
  const missing: string[] = [];
  for (const document of documents()) {
    const text = readFileSync(path.join(REPO, document), 'utf8');
    for (const name of namedDocuments(text)) {
      const found = [path.dirname(document), '.', 'docs'].some((dir) => existsSync(path.resolve(REPO, dir, name)));
      if (!found) missing.push(`${document}: ${name}`);
    }
  }
  assert.deepEqual(missing, []);
});
