// The --dry-run diff, checked by an independent reader: `git apply` must turn the original files into
// exactly what `--fix` writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { unifiedDiff } from '../../../src/audit/fix/diff.ts';
import { app, GOOD_CONTAINER, runCli } from '../helpers.ts';

const corpus = fileURLToPath(new URL('../corpus/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'lameduck-audit-diff-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const copyOf = (from: string) => {
  const dir = join(root, `copy-${n++}`);
  cpSync(from, dir, { recursive: true });
  return dir;
};

function files(dir: string, out: Map<string, string> = new Map(), base = dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files(full, out, base);
    else out.set(relative(base, full), readFileSync(full, 'utf8'));
  }
  return out;
}

/** `git apply` (outside any repository it works like patch(1), and checks every hunk strictly). */
function gitApply(cwd: string, diff: string): void {
  const run = spawnSync('git', ['apply', '--verbose', '-'], { cwd, input: diff, encoding: 'utf8' });
  if (run.error) throw run.error;
  assert.equal(run.status, 0, `git apply failed:\n${run.stderr}\n${diff}`);
}

const noGit = spawnSync('git', ['--version']).error ? 'git is not installed' : false;

/** Runs --fix --dry-run and --fix on two copies of `dir`; git applies the first to a third copy. */
async function assertDiffMatchesFix(dir: string, paths: string[]) {
  const preview = copyOf(dir);
  const dry = await runCli(['audit', '--fix', '--dry-run', ...paths], { cwd: preview });
  assert.notEqual(dry.stdout, '', 'the dry run shows a diff');
  assert.deepEqual(files(preview), files(dir), '--dry-run writes nothing');
  const fixed = copyOf(dir);
  await runCli(['audit', '--fix', ...paths], { cwd: fixed });
  gitApply(preview, dry.stdout);
  assert.deepEqual(files(preview), files(fixed));
}

test('git apply turns the corpus into what --fix writes, from the --dry-run diff', {
  skip: noGit,
}, async () => {
  await assertDiffMatchesFix(corpus, ['.']);
});

test('CRLF files, files without a final newline, and far-apart fixes (several hunks)', {
  skip: noGit,
}, async () => {
  const dir = mkdtempSync(join(root, 'cases-'));
  const dirty = app(GOOD_CONTAINER.replace(/lifecycle:[\s\S]*$/, '').trimEnd());
  writeFileSync(join(dir, 'crlf.yaml'), dirty.replace(/\n/g, '\r\n'));
  writeFileSync(join(dir, 'no-newline.yaml'), dirty.trimEnd());
  const filler = Array.from({ length: 20 }, (_, i) => `    note-${i}: "padding"`).join('\n');
  const twice = `${dirty.replace('metadata:\n  name: web\nspec:', `metadata:\n  name: web\n  annotations:\n${filler}\nspec:`)}---\n${dirty.replace(/\bweb\b/g, 'api')}`;
  writeFileSync(join(dir, 'two.yaml'), twice);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:22\nCMD node server.js');
  // The last line, without a line break, is context around the fix.
  writeFileSync(join(dir, 'Containerfile'), 'FROM node:22\nCMD node server.js\nEXPOSE 8080');
  await assertDiffMatchesFix(dir, [
    'crlf.yaml',
    'no-newline.yaml',
    'two.yaml',
    'Dockerfile',
    'Containerfile',
  ]);
});

test('unifiedDiff: empty for equal texts; hunk counts add up to the lines shown', () => {
  assert.equal(unifiedDiff('x', 'a\nb\n', 'a\nb\n'), '');
  // Only the final line break differs: one line removed and one added, the old one marked.
  assert.equal(
    unifiedDiff('f', 'a\nb', 'a\nb\n'),
    '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
  );
  const before = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
  const after = before.replace('line 3', 'line three').replace('line 25', 'line 25\nadded');
  const diff = unifiedDiff('f', `${before}\n`, `${after}\n`);
  const hunks = diff.split(/^@@ /m).slice(1);
  assert.equal(hunks.length, 2, diff);
  for (const hunk of hunks) {
    const [, oldCount, newCount] = /^-\d+,(\d+) \+\d+,(\d+) @@/.exec(hunk) ?? [];
    const body = hunk
      .split('\n')
      .slice(1, -1)
      .filter((l) => !l.startsWith('\\'));
    assert.equal(body.filter((l) => !l.startsWith('+')).length, Number(oldCount), hunk);
    assert.equal(body.filter((l) => !l.startsWith('-')).length, Number(newCount), hunk);
  }
});
