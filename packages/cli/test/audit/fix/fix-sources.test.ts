import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit } from '../../../src/audit/audit.ts';
import { fixSources } from '../../../src/audit/fix/fix-sources.ts';
import type { Source } from '../../../src/manifest/types.ts';
import { defaults, findingsOf, rulesOf } from '../helpers.ts';

/** A chart-style manifest with comments, mixed quoting and flow mappings that a fix must not disturb. */
const ORIGINAL = `# Rendered by hand, the way charts render it.
apiVersion: v1
kind: Service
metadata:
  name: "api"   # quoted on purpose
spec:
  selector: {app: api}
  ports:
    - {port: 80, targetPort: 3000}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    note: 'single quoted'   # comment kept
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      # the grace period is left at its default on purpose
      containers:
        - name: api
          image: ghcr.io/acme/api:2.0   # pinned
          command:
            - /bin/sh
            - -c
            - |
              echo "starting api"
              node dist/server.js
          ports: [{containerPort: 3000}]
          readinessProbe:
            httpGet: {path: /ready, port: 3000}
          livenessProbe:
            httpGet: {path: /live, port: 3000}
            failureThreshold: 6
        - name: sidecar   # not serving: no ports
          image: envoyproxy/envoy:v1.31
`;

const source = (text: string, file = 'api.yaml'): Source => ({ file, text, type: 'yaml' });

function isSubsequence(small: readonly string[], big: readonly string[]): boolean {
  let i = 0;
  for (const line of big) if (line === small[i]) i++;
  return i === small.length;
}

test('fix round trip: fixed output re-audits clean and every untouched line is byte-identical', () => {
  assert.deepEqual(rulesOf(findingsOf(ORIGINAL)), ['prestop-missing', 'signal-lost-shell']);
  const { changed, fixed } = fixSources([source(ORIGINAL)], defaults);
  assert.equal(fixed, 2);
  const after = changed.get('api.yaml')?.after ?? '';
  assert.deepEqual(audit([source(after)], defaults).findings, []);
  const before = ORIGINAL.split('\n');
  const lines = after.split('\n');
  // One line changed in place (`exec` added), everything else is kept and in order.
  const kept = before.filter((l) => l !== '              node dist/server.js');
  assert.ok(isSubsequence(kept, lines), after);
  assert.ok(lines.includes('              exec node dist/server.js'));
  assert.equal(
    lines.length,
    before.length + 4,
    'four lines inserted: lifecycle, preStop, sleep, seconds',
  );
  assert.match(after, / {10}ports: \[\{containerPort: 3000\}\]/);
  assert.match(
    after,
    /failureThreshold: 6\n {10}lifecycle:\n {12}preStop:\n {14}sleep:\n {16}seconds: 5\n {8}- name: sidecar/,
  );
});

test('fixes that enable each other run in rounds: a longer preStop then a longer grace period', () => {
  const text = ORIGINAL.replace(
    '  name: "api"   # quoted on purpose\n',
    '  name: "api"   # quoted on purpose\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n',
  );
  const { changed } = fixSources([source(text)], defaults);
  const after = changed.get('api.yaml')?.after ?? '';
  assert.match(after, /seconds: 30\n/);
  assert.match(after, /\n {6}terminationGracePeriodSeconds: 45\n/);
  assert.deepEqual(audit([source(after)], defaults).findings, []);
});

test('prestop-too-short and grace-budget edit values in place', () => {
  const text = ORIGINAL.replace(
    '            failureThreshold: 6\n',
    '            failureThreshold: 6\n          lifecycle:\n            preStop:\n              exec:\n                command: ["sleep", "2"]   # too short\n',
  ).replace(
    '    spec:\n      # the grace',
    '    spec:\n      terminationGracePeriodSeconds: 10\n      # the grace',
  );
  assert.deepEqual(rulesOf(findingsOf(text)), [
    'grace-budget',
    'prestop-too-short',
    'signal-lost-shell',
  ]);
  const after = fixSources([source(text)], defaults).changed.get('api.yaml')?.after ?? '';
  assert.match(after, /command: \["sleep", "5"\] {3}# too short\n/);
  assert.match(after, /terminationGracePeriodSeconds: 20\n/);
  assert.deepEqual(audit([source(after)], defaults).findings, []);
});

test('--kube-version below 1.30 writes an exec sleep, never into a shell-less image', () => {
  const config = { ...defaults, kubeVersion: { major: 1, minor: 29 } };
  const after = fixSources([source(ORIGINAL)], config).changed.get('api.yaml')?.after ?? '';
  assert.match(after, /preStop:\n {14}exec:\n {16}command: \["sleep", "5"\]/);
  const text = ORIGINAL.replace('ghcr.io/acme/api:2.0', 'gcr.io/distroless/nodejs20-debian12');
  const [finding] = audit([source(text)], config).findings.filter(
    (f) => f.rule === 'prestop-missing',
  );
  assert.equal(finding?.edits, undefined);
  assert.match(
    finding?.fix ?? '',
    /no shell and no sleep binary.*Options: \(1\) on Kubernetes >= 1\.30/,
  );
  assert.match(finding?.fix ?? '', /httpGet preStop hook/);
  const fixed = fixSources([source(text)], config).changed.get('api.yaml')?.after ?? text;
  assert.doesNotMatch(fixed, /sleep/);
});

test('an exec sleep preStop in a shell-less image fails: reported, and from 1.30 made native', () => {
  const text = ORIGINAL.replace(
    'ghcr.io/acme/api:2.0',
    'gcr.io/distroless/nodejs20-debian12',
  ).replace(
    '            failureThreshold: 6\n',
    '            failureThreshold: 6\n          lifecycle:\n            preStop:\n              exec:\n                command: ["sleep", "10"]\n',
  );
  const [finding] = audit([source(text)], defaults).findings.filter(
    (f) => f.rule === 'prestop-missing',
  );
  assert.match(finding?.message ?? '', /runs sleep, which image .* does not have.*the hook fails/);
  const after = fixSources([source(text)], defaults).changed.get('api.yaml')?.after ?? '';
  assert.match(after, /preStop:\n {14}sleep:\n {16}seconds: 10\n/);
  assert.deepEqual(audit([source(after)], defaults).findings, []);
});

test('a native sleep hook on a cluster before 1.30 is reported and rewritten as an exec sleep', () => {
  const config = { ...defaults, kubeVersion: { major: 1, minor: 28 } };
  const text = ORIGINAL.replace(
    '            failureThreshold: 6\n',
    '            failureThreshold: 6\n          lifecycle:\n            preStop:\n              sleep:   # native\n                seconds: 8\n',
  );
  const [finding] = audit([source(text)], config).findings.filter(
    (f) => f.rule === 'prestop-missing',
  );
  assert.match(finding?.message ?? '', /needs Kubernetes >= 1\.30, so on 1\.28 there is no delay/);
  const after = fixSources([source(text)], config).changed.get('api.yaml')?.after ?? '';
  assert.match(after, /preStop:\n {14}exec:\n {16}command: \["sleep", "8"\]\n {8}- name: sidecar/);
  assert.deepEqual(audit([source(after)], config).findings, []);
  // The same manifest is fine for a 1.30 cluster.
  assert.deepEqual(rulesOf(audit([source(text)], defaults).findings), ['signal-lost-shell']);
});

test('an existing lifecycle block gets preStop added beside postStart', () => {
  const text = ORIGINAL.replace(
    '            failureThreshold: 6\n',
    '            failureThreshold: 6\n          lifecycle:\n            postStart:\n              exec: {command: ["touch", "/tmp/started"]}\n',
  );
  const after = fixSources([source(text)], defaults).changed.get('api.yaml')?.after ?? '';
  assert.match(
    after,
    /postStart:\n {14}exec: \{command: \["touch", "\/tmp\/started"\]\}\n {12}preStop:\n {14}sleep:\n {16}seconds: 5\n/,
  );
});

test('flow-style containers and JSON are reported, never rewritten', () => {
  const flow = ORIGINAL.replace(
    / {8}- name: api[\s\S]*$/,
    '        - {name: api, image: x, ports: [{containerPort: 3000}], readinessProbe: {httpGet: {path: /r, port: 3000}}}\n',
  );
  const findings = findingsOf(flow);
  assert.deepEqual(rulesOf(findings), ['prestop-missing']);
  assert.equal(findings[0]?.edits, undefined);
  assert.equal(fixSources([source(flow)], defaults).changed.size, 0);
});

test('a script in args (command: [sh, -c]) gets its exec in args', () => {
  const text = ORIGINAL.replace(
    '          command:\n            - /bin/sh\n            - -c\n            - |\n              echo "starting api"\n              node dist/server.js\n',
    "          command: [/bin/sh, -c]\n          args: ['cd /app; node dist/server.js']\n",
  );
  assert.ok(text !== ORIGINAL);
  const after = fixSources([source(text)], defaults).changed.get('api.yaml')?.after ?? '';
  assert.match(after, /args: \['cd \/app; exec node dist\/server\.js'\]/);
  assert.deepEqual(audit([source(after)], defaults).findings, []);
});

test('CRLF files keep their line endings', () => {
  const crlf = ORIGINAL.replace(/\n/g, '\r\n');
  const after = fixSources([source(crlf)], defaults).changed.get('api.yaml')?.after ?? '';
  assert.doesNotMatch(after.replace(/\r\n/g, ''), /\n/);
  assert.deepEqual(audit([source(after)], defaults).findings, []);
});

test('dockerfile-npm-start names the script from package.json and runs node directly when it can', () => {
  const scripts = { start: 'node dist/server.js --port 3000', web: 'next start' };
  const npm: Source = {
    file: 'Dockerfile',
    text: 'FROM node:22\nCMD ["npm", "start"]\n',
    type: 'dockerfile',
    scripts,
  };
  const [finding] = audit([npm], defaults).findings;
  assert.match(
    finding?.fix ?? '',
    /CMD \["node", "dist\/server\.js", "--port", "3000"\] \(package\.json: "node dist\/server\.js --port 3000"\)/,
  );
  assert.equal(
    fixSources([npm], defaults).changed.get('Dockerfile')?.after,
    'FROM node:22\nCMD ["node", "dist/server.js", "--port", "3000"]\n',
  );
  // `next start` needs node_modules/.bin on PATH, which npm provides: advice only, no edit.
  const next: Source = { ...npm, text: 'FROM node:22\nCMD ["npm", "run", "web"]\n' };
  const [advice] = audit([next], defaults).findings;
  assert.match(advice?.fix ?? '', /CMD \["next", "start"\]/);
  assert.equal(advice?.edits, undefined);
  // ENTRYPOINT ["npm"] + CMD ["start"]: replacing one of them alone would break the other.
  const split: Source = { ...npm, text: 'FROM node:22\nENTRYPOINT ["npm"]\nCMD ["start"]\n' };
  assert.equal(audit([split], defaults).findings[0]?.edits, undefined);
});

test('Dockerfile shell form: the exec form when every word is plain, else exec before the app', () => {
  const docker: Source = {
    file: 'Dockerfile',
    text: 'FROM node:20\n# run it\nCMD node server.js --port 8080\n',
    type: 'dockerfile',
  };
  const after = fixSources([docker], defaults).changed.get('Dockerfile')?.after;
  assert.equal(after, 'FROM node:20\n# run it\nCMD ["node", "server.js", "--port", "8080"]\n');
  const shelly: Source = {
    file: 'Dockerfile',
    text: 'FROM node:20\nCMD node server.js > /var/log/app.log\n',
    type: 'dockerfile',
  };
  // Not plain (a redirection): the shell stays, and exec goes before the app.
  assert.equal(
    fixSources([shelly], defaults).changed.get('Dockerfile')?.after,
    'FROM node:20\nCMD exec node server.js > /var/log/app.log\n',
  );
  const compound: Source = { ...shelly, text: 'FROM node:20\nCMD node a.js | tee log\n' };
  assert.equal(fixSources([compound], defaults).changed.size, 0);
});
