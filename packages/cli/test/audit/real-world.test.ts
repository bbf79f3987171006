// The real-world corpus (docs/audit-corpus.md): each project folder of test/audit/real-world/ is
// audited on its own, and every finding must be classified in the docs table; classified true
// positives must stay, classified false positives must not come back. The JUnit report of every
// folder must add up.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers.ts';

const root = fileURLToPath(new URL('./real-world/', import.meta.url));
const table = fileURLToPath(new URL('../../../../docs/audit-corpus.md', import.meta.url));

interface Row {
  readonly key: string;
  readonly cls: 'TP' | 'FP';
}

/** The classified findings: table rows whose second cell is a backticked finding key. */
function classified(): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(table, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const key = cells[2];
    const cls = cells[3];
    if (!key?.startsWith('`') || (cls !== 'TP' && cls !== 'FP')) continue;
    rows.push({ key: key.slice(1, -1), cls });
  }
  return rows;
}

interface JsonFinding {
  file: string;
  rule: string;
  severity: string;
  object: { kind: string; name: string };
  container: string | null;
}

const keyOf = (f: JsonFinding) =>
  `${f.file} ${f.rule} ${f.severity} ${f.object.kind}/${f.object.name}${f.container ? `[${f.container}]` : ''}`;

const projects = readdirSync(root).sort();

/** Every finding of the corpus, each project audited alone (as a user audits one repository). */
async function corpusFindings(): Promise<string[]> {
  const keys: string[] = [];
  for (const project of projects) {
    const run = await runCli(['audit', '--format', 'json', '--fail-on', 'never', project], {
      cwd: root,
    });
    assert.equal(run.code, 0, `${project}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[] };
    keys.push(...report.findings.map(keyOf));
  }
  return keys;
}

test('the corpus stands for at least 30 public projects, each fixture saying which', () => {
  assert.ok(projects.length >= 30, `${projects.length} projects`);
  for (const project of projects) {
    for (const file of readdirSync(new URL(`./real-world/${project}/`, import.meta.url))) {
      const text = readFileSync(
        new URL(`./real-world/${project}/${file}`, import.meta.url),
        'utf8',
      );
      assert.match(text, /^# Reproduces /, `${project}/${file} names what it reproduces`);
    }
  }
});

test('every finding on the corpus is classified; true positives stay, false positives do not come back', async () => {
  const found = await corpusFindings();
  const rows = classified();
  const byKey = new Map(rows.map((r) => [r.key, r.cls]));
  const unclassified = found.filter((k) => !byKey.has(k));
  assert.deepEqual(unclassified, [], 'classify these in docs/audit-corpus.md');
  const back = found.filter((k) => byKey.get(k) === 'FP');
  assert.deepEqual(back, [], 'classified false positives came back');
  const lost = rows.filter((r) => r.cls === 'TP' && !found.includes(r.key)).map((r) => r.key);
  assert.deepEqual(lost, [], 'classified true positives disappeared');
});

test('JUnit: on every corpus project, the counts add up', async () => {
  for (const project of projects) {
    const run = await runCli(['audit', '--format', 'junit', '--fail-on', 'never', project], {
      cwd: root,
    });
    const xml = run.stdout;
    const attr = (tag: string, name: string) =>
      Number(
        new RegExp(`<${tag} [^>]*\\b${name}="(\\d+)"`).exec(tag === 'testsuites' ? xml : tag)?.[1],
      );
    const cases = xml.split('<testcase ').slice(1);
    const outcome = (c: string) =>
      c.includes('<failure ')
        ? 'failures'
        : c.includes('<error ')
          ? 'errors'
          : c.includes('<skipped')
            ? 'skipped'
            : 'passed';
    const count = (list: string[], what: string) => list.filter((c) => outcome(c) === what).length;
    assert.equal(attr('testsuites', 'tests'), cases.length, project);
    for (const what of ['failures', 'errors', 'skipped'])
      assert.equal(attr('testsuites', what), count(cases, what), `${project} ${what}`);
    for (const suite of xml.split('<testsuite ').slice(1)) {
      const head = `<testsuite ${suite.slice(0, suite.indexOf('>') + 1)}`;
      const inner = suite.split('<testcase ').slice(1);
      const get = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(head)?.[1]);
      assert.equal(get('tests'), inner.length, `${project}: ${head}`);
      for (const what of ['failures', 'errors', 'skipped'])
        assert.equal(get(what), count(inner, what), `${project}: ${head} ${what}`);
    }
    // One failure per (object, rule): never more failures than test cases.
    assert.ok(attr('testsuites', 'failures') <= attr('testsuites', 'tests'), project);
  }
});
