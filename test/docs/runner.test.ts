// The docs runner itself: what it reads as runnable, and that a drifting block fails it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fencedBlocks, markdownLinks, runnableBlocks } from '../support/markdown.ts';
import { runBlock } from '../support/run-block.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lameduck-docs-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function blocksOf(markdown: string) {
  const file = join(dir, `page-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(file, markdown);
  return runnableBlocks(file, 'page.md');
}

const fence = '```';

test('only blocks marked runnable are read, with their attributes and last command', () => {
  const blocks = blocksOf(
    [
      `${fence}sh`,
      'not marked',
      fence,
      `${fence}sh runnable exit=1 timeout=5`,
      'true',
      'false   # the last command',
      '# a closing comment',
      '',
      fence,
      `\`\`\`\`md`,
      `${fence}sh runnable`,
      'inside a longer fence: text, not a block',
      fence,
      '````',
    ].join('\n'),
  );
  assert.equal(blocks.length, 1);
  assert.deepEqual(
    {
      line: blocks[0]?.line,
      exit: blocks[0]?.exit,
      timeout: blocks[0]?.timeoutMs,
      last: blocks[0]?.lastCommandLine,
    },
    { line: 4, exit: 1, timeout: 5000, last: 2 },
  );
  assert.throws(() => blocksOf(`${fence}js runnable\n1\n${fence}\n`), /must be sh or bash/);
  assert.throws(
    () => blocksOf(`${fence}sh runnable retries=3\ntrue\n${fence}\n`),
    /unknown attribute/,
  );
});

test('links inside code are text; links in prose are found', () => {
  const markdown = [
    '[a](one.md) `[b](two.md)`',
    fence,
    '[c](three.md)',
    fence,
    '[d]: four.md',
  ].join('\n');
  assert.deepEqual(
    markdownLinks(markdown).map((l) => l.target),
    ['one.md', 'four.md'],
  );
  assert.equal(fencedBlocks(markdown).length, 1);
});

const run = (code: string, extra = '') => {
  const [block] = blocksOf(`${fence}sh runnable ${extra}\n${code}\n${fence}\n`);
  assert.ok(block);
  return runBlock(block, root).then((result) => ({ block, result }));
};

test('a block passes only with the status its marker names, from its last command', async () => {
  const ok = await run('npx lameduck --version');
  assert.equal(ok.result.status, 0, ok.result.output);
  assert.match(ok.result.output, /^\d+\.\d+\.\d+/m);

  const drifted = await run('npx lameduck --no-such-flag');
  assert.equal(drifted.result.status, 2);
  assert.equal(drifted.result.failedAt, 1);

  // With exit=1, an earlier command that fails is caught: it is not the last command.
  const early = await run('false\ntrue\nfalse', 'exit=1');
  assert.equal(early.result.status, 1);
  assert.equal(early.result.failedAt, 1);
  assert.notEqual(early.result.failedAt, early.block.lastCommandLine);
  const last = await run('true\nfalse  # only this one fails', 'exit=1');
  assert.equal(last.result.failedAt, last.block.lastCommandLine);
  // pipefail: a failure inside a pipeline counts.
  assert.equal((await run('false | cat')).result.status, 1);
});

test('a block that runs too long is stopped; what it started in the background does not outlive it', async () => {
  const slow = await run('sleep 30', 'timeout=1');
  assert.equal(slow.result.timedOut, true);
  const leftover = join(dir, 'leftover');
  await run(`(sleep 1; touch ${leftover}) &\necho started`);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(existsSync(leftover), false, 'the background process ended with the block');
});
