// The Dockerfile snippets for lameduck-init (examples/{java,python,distroless}/Dockerfile and every
// `dockerfile` block of docs/run.md that uses it) are clean by `lameduck audit`, and each one copies
// the init into the final image and makes it the exec-form ENTRYPOINT, ending in `--`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseDockerfile } from '../../cli/src/audit/input/dockerfile-parser.ts';
import { lameduckBin } from '../../cli/test/run/fixtures/namespace.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examples = ['java', 'python', 'distroless'].map((name) => `examples/${name}/Dockerfile`);

function docsSnippets(): string[] {
  const text = readFileSync(join(root, 'docs', 'run.md'), 'utf8');
  return [...text.matchAll(/```dockerfile\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .filter((block) => block.includes('lameduck-init') && /^FROM /m.test(block));
}

function audit(text: string): { code: number | null; out: string } {
  const result = spawnSync(process.execPath, [lameduckBin, 'audit', '--format', 'json', '-'], {
    input: text,
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

function assertInitIsPid1(text: string, where: string): void {
  const dockerfile = parseDockerfile({ file: where, text, type: 'dockerfile' });
  const last = (keyword: string) =>
    dockerfile.finalStage.filter((i) => i.keyword === keyword).at(-1);
  const entrypoint = last('ENTRYPOINT');
  assert.ok(entrypoint?.exec, `${where}: ENTRYPOINT in exec form`);
  const init = entrypoint.exec[0] as string;
  assert.match(init, /\/lameduck-init$/, `${where}: the init is the entrypoint`);
  assert.equal(entrypoint.exec.at(-1), '--', `${where}: the app's command follows \`--\``);
  const copies = dockerfile.finalStage.filter((i) => i.keyword === 'COPY');
  assert.ok(
    copies.some((c) => c.args.split(/\s+/).at(-1) === init),
    `${where}: a COPY puts the binary at ${init}`,
  );
  assert.ok(last('CMD')?.exec, `${where}: CMD in exec form`);
}

for (const file of examples) {
  test(`${file} runs lameduck-init as PID 1 and is clean by lameduck audit`, () => {
    const text = readFileSync(join(root, file), 'utf8');
    assertInitIsPid1(text, file);
    const { code, out } = audit(text);
    assert.equal(code, 0, out);
    assert.deepEqual((JSON.parse(out) as { findings: unknown[] }).findings, []);
  });
}

test('every lameduck-init Dockerfile snippet in docs/run.md is clean by lameduck audit', () => {
  const snippets = docsSnippets();
  assert.ok(snippets.length >= 3, `found ${snippets.length} snippets`);
  for (const [i, text] of snippets.entries()) {
    assertInitIsPid1(text, `docs/run.md snippet ${i + 1}`);
    const { code, out } = audit(text);
    assert.equal(code, 0, out);
  }
});

test('the audit does flag the same snippet with a shell-form entrypoint (the check can fail)', () => {
  const text = readFileSync(join(root, examples[0] as string), 'utf8').replace(
    /^ENTRYPOINT \[.*\]$/m,
    'ENTRYPOINT /usr/local/bin/lameduck-init --grace 25s -- /app/start.sh',
  );
  assert.notEqual(audit(text).code, 0);
});
