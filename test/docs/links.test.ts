// Every link from the project's Markdown into the project points at a file (and heading) that exists:
// relative links in README.md and docs/, and links to this repository's files in the package READMEs
// (npm shows those on their own, where only absolute addresses work).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REPOSITORY_URL } from '../../packages/cli/src/args/usage.ts';
import { headingAnchors, markdownLinks } from '../support/markdown.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'packages/lameduck/README.md',
  'packages/cli/README.md',
];
const inRepository = new RegExp(
  `^${REPOSITORY_URL.replace(/[.]/g, '\\.')}/(?:blob|tree)/main/(.*)$`,
);

/** The file in the repository a link points at, or undefined for a link that leaves it. */
function targetOf(page: string, target: string): { path: string; anchor: string } | undefined {
  const [location = '', anchor = ''] = target.split('#', 2);
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) {
    const match = inRepository.exec(location);
    return match ? { path: join(root, decodeURIComponent(match[1] ?? '')), anchor } : undefined;
  }
  const path =
    location === '' ? join(root, page) : resolve(root, dirname(page), decodeURI(location));
  return { path, anchor };
}

test('the checked pages exist and hold links', () => {
  const total = pages.reduce(
    (n, page) => n + markdownLinks(readFileSync(join(root, page), 'utf8')).length,
    0,
  );
  assert.ok(total > 50, `${total} links`);
});

for (const page of pages) {
  test(`links in ${page} point at files and headings that exist`, () => {
    const broken: string[] = [];
    for (const link of markdownLinks(readFileSync(join(root, page), 'utf8'))) {
      const target = targetOf(page, link.target);
      if (!target) continue;
      const shown = `${page}:${link.line}: ${link.target}`;
      if (!target.path.startsWith(root) || !existsSync(target.path)) {
        broken.push(`${shown} (no such file: ${relative(root, target.path)})`);
        continue;
      }
      if (target.anchor && statSync(target.path).isFile() && target.path.endsWith('.md')) {
        if (!headingAnchors(readFileSync(target.path, 'utf8')).has(target.anchor)) {
          broken.push(`${shown} (no heading #${target.anchor})`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });
}
