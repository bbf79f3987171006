// Runs every block of README.md and docs/*.md whose info string says `runnable` (README.md,
// "Development"), against the built tree, so a doc that drifts from the code fails here.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunnableBlock, runnableBlocks } from '../support/markdown.ts';
import { runBlock } from '../support/run-block.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const blocks: RunnableBlock[] = pages.flatMap((page) => runnableBlocks(join(root, page), page));

test('the docs have runnable blocks, in README.md and in docs/', () => {
  assert.ok(blocks.filter((b) => b.file === 'README.md').length >= 5);
  assert.ok(blocks.some((b) => b.file.startsWith('docs/')));
});

describe('runnable docs blocks', { concurrency: 1 }, () => {
  for (const block of blocks) {
    test(`${block.file}:${block.line}`, { timeout: block.timeoutMs + 30_000 }, async () => {
      const result = await runBlock(block, root);
      const context = `\n--- ${block.file}:${block.line} (isolation: ${result.isolation})\n${block.code}\n--- output\n${result.output.slice(-4000)}`;
      assert.equal(result.timedOut, false, `timed out after ${block.timeoutMs} ms${context}`);
      assert.equal(result.status, block.exit, `exit status${context}`);
      if (block.exit !== 0) {
        assert.equal(
          result.failedAt,
          block.lastCommandLine,
          `only the last command may exit with ${block.exit}${context}`,
        );
      }
    });
  }
});
