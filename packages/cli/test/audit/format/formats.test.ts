import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import { audit } from '../../../src/audit/audit.ts';
import { formatJson } from '../../../src/audit/format/json.ts';
import { formatJunit } from '../../../src/audit/format/junit.ts';
import type { Report } from '../../../src/audit/format/report.ts';
import { formatSarif } from '../../../src/audit/format/sarif.ts';
import { formatText } from '../../../src/audit/format/text.ts';
import { RULES } from '../../../src/audit/rules/registry.ts';
import { app, defaults, GOOD_CONTAINER } from '../helpers.ts';

// The SARIF 2.1.0 schema (draft-04), vendored from the MIT-licensed @microsoft/jest-sarif package.
const schema = JSON.parse(
  readFileSync(new URL('./fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
);
const ajv = new AjvDraft04.default({
  strict: false,
  allErrors: true,
  // The schema's language pattern is not valid as a unicode regular expression.
  unicodeRegExp: false,
  formats: { uri: (s: string) => URL.canParse(s), 'uri-reference': true, 'date-time': true },
});
const validateSarif = ajv.compile(schema);

const dirty = app(
  GOOD_CONTAINER.replace(/lifecycle:[\s\S]*$/, '')
    .replace('command: ["node", "server.js"]', 'command: ["sh", "-c", "node server.js"]')
    .trimEnd(),
);
const report = (): Report => ({
  result: audit(
    [
      { file: 'k8s/web app.yaml', text: dirty, type: 'yaml' },
      { file: 'bad.yaml', text: 'kind: Service\nmetadata: {name: x\n', type: 'yaml' },
      {
        file: 'Dockerfile',
        text: 'FROM node:20\nCMD node <server>.js & "x"\n',
        type: 'dockerfile',
      },
    ],
    defaults,
  ),
  toolVersion: '0.1.0',
  fixing: false,
});

test('SARIF output validates against the SARIF 2.1.0 schema', () => {
  const log = JSON.parse(formatSarif(report()));
  const valid = validateSarif(structuredClone(log));
  assert.ok(valid, JSON.stringify(validateSarif.errors, null, 2));
  const run = log.runs[0];
  assert.equal(run.tool.driver.rules.length, RULES.length);
  assert.ok(run.results.length >= 3);
  for (const result of run.results) {
    assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
    const { artifactLocation, region } = result.locations[0].physicalLocation;
    assert.ok(region.startLine >= 1 && region.startColumn >= 1);
    assert.doesNotMatch(artifactLocation.uri, / /, 'URIs are percent-encoded');
  }
  assert.equal(run.invocations[0].executionSuccessful, false);
  assert.equal(run.invocations[0].toolExecutionNotifications.length, 1);
});

test('SARIF of rendered Helm output locates findings at chart templates and still validates', () => {
  const stream = `---\n# Source: web/templates/service.yaml\n${dirty.split('---\n')[1]}---\n# Source: web/templates/deployment.yaml\n${dirty.split('---\n')[0]}`;
  const log = JSON.parse(
    formatSarif({
      result: audit([{ file: '-', text: stream, type: 'yaml', stdin: true }], defaults),
      toolVersion: '0.1.0',
      fixing: false,
      skipped: [
        { file: 'chart/templates/x.yaml', reason: 'template', detail: 'a Helm/Go template' },
      ],
    }),
  );
  assert.ok(validateSarif(structuredClone(log)), JSON.stringify(validateSarif.errors, null, 2));
  const uris = log.runs[0].results.map(
    (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
      r.locations[0]?.physicalLocation.artifactLocation.uri,
  );
  assert.ok(uris.length > 0);
  for (const uri of uris) assert.equal(uri, 'web/templates/deployment.yaml');
  assert.equal(log.runs[0].invocations[0].toolExecutionNotifications.length, 1);
});

test('the schema check is real: a broken log fails validation', () => {
  const log = JSON.parse(formatSarif(report()));
  log.runs[0].results[0].level = 'fatal';
  assert.equal(validateSarif(log), false);
});

test('JUnit XML has a suite per file, a case per (object, rule) and one failure per failed pair', () => {
  const xml = formatJunit(report());
  const r = report().result;
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  const pairs = new Set(
    r.findings.map((f) => `${f.file} ${f.subject.kind} ${f.subject.name} ${f.rule}`),
  );
  assert.equal((xml.match(/<failure /g) ?? []).length, pairs.size);
  assert.equal((xml.match(/<error /g) ?? []).length, 1);
  assert.match(
    xml,
    /<testsuite name="k8s\/web app\.yaml" tests="\d+" failures="\d+" errors="0" skipped="0">/,
  );
  const total = Number(/<testsuites [^>]*tests="(\d+)"/.exec(xml)?.[1]);
  assert.equal(total, (xml.match(/<testcase /g) ?? []).length);
  assert.ok(total > pairs.size, 'passed pairs are listed too');
  assert.match(xml, /CMD node &lt;server&gt;\.js &amp; &quot;x&quot;/);
  // Balanced tags: every testcase and testsuite is closed.
  assert.equal(
    (xml.match(/<testcase /g) ?? []).length,
    (xml.match(/<\/testcase>|<testcase [^>]*\/>/g) ?? []).length,
  );
  assert.equal(
    (xml.match(/<testsuite /g) ?? []).length,
    (xml.match(/<\/testsuite>/g) ?? []).length,
  );
});

test('JSON output has the documented stable shape', () => {
  const json = JSON.parse(formatJson(report()));
  assert.equal(json.version, 1);
  assert.deepEqual(Object.keys(json), [
    'version',
    'tool',
    'summary',
    'findings',
    'skipped',
    'variants',
    'errors',
  ]);
  assert.deepEqual(Object.keys(json.findings[0]).sort(), [
    'column',
    'container',
    'file',
    'fix',
    'fixable',
    'line',
    'message',
    'object',
    'rule',
    'severity',
    'why',
  ]);
  assert.equal(json.summary.parseErrors, 1);
  assert.equal(json.errors[0].file, 'bad.yaml');
});

test('text output groups by file and object and starts each finding with file:line:column', () => {
  const text = formatText(report(), { color: false });
  assert.match(text, /^bad\.yaml:\d+:\d+: parse error: Flow map/m);
  assert.match(
    text,
    /^k8s\/web app\.yaml\n {2}Deployment default\/web\n {4}k8s\/web app\.yaml:\d+:\d+ (error|warning) /m,
  );
  assert.match(
    text,
    /^Dockerfile\n {2}Dockerfile\n {4}Dockerfile:2:1 warning dockerfile-shell-form: /m,
  );
  assert.ok(!text.includes('\u001b['), 'no colour codes without colour');
  assert.ok(formatText(report(), { color: true }).includes('\u001b[31merror\u001b[0m'));
});
