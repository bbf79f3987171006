import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LabError } from '../../../src/lab/errors.ts';
import { planUserApp } from '../../../src/lab/scenario/plan.ts';
import { readDeployment } from '../../../src/lab/spec/manifest.ts';

test('the example manifest of the runtime library is read field by field', () => {
  const text = readFileSync(
    new URL('../../../../../examples/kubernetes/deployment.yaml', import.meta.url),
    'utf8',
  );
  const m = readDeployment(text, 'deployment.yaml');
  assert.equal(m.name, 'api');
  assert.equal(m.replicas, 3);
  assert.deepEqual(m.strategy, { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 });
  assert.equal(m.terminationGracePeriodMs, 30_000);
  assert.deepEqual(m.command, ['node', '--import', 'lameduck/auto', 'server.js']);
  assert.equal(m.port, 3000);
  assert.deepEqual(
    m.preStop,
    { kind: 'httpGet', path: '/prestop', port: 9000 },
    'named port resolved',
  );
  assert.equal(m.readinessProbe?.periodMs, 2_000);
  assert.equal(m.readinessProbe?.failureThreshold, 1);
  assert.equal(m.readinessProbe?.timeoutMs, 1_000, 'Kubernetes default');
  assert.equal(m.startupProbe?.failureThreshold, 30);
  assert.equal(m.env.LAMEDUCK_DRAIN_DELAY, '5s');
  assert.equal(m.env.LAMEDUCK_ADMIN_HOST, undefined, 'the example leaves the admin host unset');
  assert.deepEqual(m.ignored, []);
});

// `kubectl get deployments -o json` for several objects: a `kind: List` of objects as the API server
// stores them, with every default filled in (strategy, grace, probe fields, port protocol) and
// server-only fields (status, creationTimestamp, uid) the lab must ignore.
const KUBECTL_GET_JSON = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'web' } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'default',
        creationTimestamp: '2024-05-01T10:00:00Z',
        generation: 3,
        uid: '6f1c3a7e-0000-4000-8000-000000000000',
      },
      spec: {
        progressDeadlineSeconds: 600,
        replicas: 4,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: 'web' } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
        },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'registry.example/web:2',
                imagePullPolicy: 'IfNotPresent',
                ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
                readinessProbe: {
                  failureThreshold: 3,
                  httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' },
                  periodSeconds: 5,
                  successThreshold: 1,
                  timeoutSeconds: 1,
                },
                resources: {},
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'File',
              },
            ],
            dnsPolicy: 'ClusterFirst',
            restartPolicy: 'Always',
            schedulerName: 'default-scheduler',
            securityContext: {},
            terminationGracePeriodSeconds: 45,
          },
        },
      },
      status: { availableReplicas: 4, observedGeneration: 3, readyReplicas: 4, replicas: 4 },
    },
  ],
  metadata: { resourceVersion: '' },
});

test('a JSON List as kubectl get -o json writes it: the Deployment inside, server fields ignored', () => {
  const m = readDeployment(KUBECTL_GET_JSON, 'deploy.json');
  assert.equal(m.name, 'web');
  assert.equal(m.replicas, 4);
  assert.deepEqual(m.strategy, { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' });
  assert.equal(m.terminationGracePeriodMs, 45_000);
  assert.equal(m.port, 8080);
  assert.deepEqual(m.readinessProbe?.handler, { kind: 'httpGet', path: '/ready', port: 8080 });
  assert.equal(m.readinessProbe?.periodMs, 5_000);
  assert.equal(m.command, undefined, 'no command: the image entrypoint, so --cmd is needed');
});

test('a YAML kind: List (kubectl get -o yaml), with a Service first and Kubernetes defaults', () => {
  const m = readDeployment(
    `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec: {selector: {app: web}, ports: [{port: 80}]}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    strategy: {type: Recreate}
    template:
      spec:
        containers:
        - name: web
          lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}
metadata:
  resourceVersion: ""
`,
    'list.yaml',
  );
  assert.equal(m.name, 'web');
  assert.equal(m.replicas, 1);
  assert.equal(m.terminationGracePeriodMs, 30_000);
  assert.deepEqual(m.strategy, { type: 'Recreate' });
  assert.deepEqual(m.preStop, { kind: 'exec', command: ['sleep', '5'] });
  const planned = planUserApp(['node', 'app.js'], m, { replicas: 5, port: 8080 });
  assert.equal(planned.spec.replicas, 5, '--replicas wins');
  assert.deepEqual(planned.spec.template.command, ['node', 'app.js'], '--cmd wins');
  assert.equal(planned.spec.template.port, 8080);
});

test('a multi-document stream with a Service (and a comment-only document) before the Deployment', () => {
  const m = readDeployment(
    `# app.yaml: everything kubectl apply -f needs
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports:
    - port: 80
      targetPort: http
---
# the workload
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          command: [node]
          args: [server.js, --port, 3000]
          ports: [{name: http, containerPort: 3000}]
`,
    'app.yaml',
  );
  assert.equal(m.name, 'api');
  assert.equal(m.replicas, 2);
  assert.deepEqual(m.command, ['node', 'server.js', '--port', '3000']);
  assert.equal(m.port, 3000);
});

// `kubectl create deployment web --image=nginx --dry-run=client -o yaml` writes unset fields as
// `null` and empty objects (`strategy: {}`, `resources: {}`, `status: {}`), e.g. in
// rawwar/Coding-Playground kubernetes/certification-prep/CKA/workloads/deployment.md.
test('kubectl --dry-run output: null and empty fields mean unset', () => {
  const m = readDeployment(
    `apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels: {app: web}
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: null
      containers:
      - image: nginx
        name: nginx
        resources: {}
        args: null
status: {}
`,
    'dry-run.yaml',
  );
  assert.deepEqual(m.strategy, { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' });
  assert.equal(m.terminationGracePeriodMs, 30_000);
  assert.equal(m.command, undefined);
});

test('merge keys and anchors resolve as kubectl resolves them (one probe shared by two)', () => {
  const m = readDeployment(
    `kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: app
          ports: [{name: admin, containerPort: 9000}]
          readinessProbe: &probe
            httpGet: {path: /readyz, port: admin}
            periodSeconds: 2
          livenessProbe:
            <<: *probe
            httpGet: {path: /livez, port: admin}
            failureThreshold: 5
`,
    'anchors.yaml',
  );
  assert.deepEqual(m.readinessProbe?.handler, { kind: 'httpGet', path: '/readyz', port: 9000 });
  assert.deepEqual(m.livenessProbe?.handler, { kind: 'httpGet', path: '/livez', port: 9000 });
  assert.equal(m.livenessProbe?.periodMs, 2_000, 'merged from the anchor');
  assert.equal(m.livenessProbe?.failureThreshold, 5, 'the local key wins');
});

// The downward API as ingress-nginx and the Kubernetes docs ("Expose Pod Information to Containers
// Through Environment Variables") use it; Secrets and ConfigMaps do not exist in the lab.
test('env: values in order, downward-API fields kept for the kubelet, other sources reported as ignored', () => {
  const m = readDeployment(
    `kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
            - {name: POD_NAME, valueFrom: {fieldRef: {apiVersion: v1, fieldPath: metadata.name}}}
            - {name: LAMEDUCK_ADMIN_HOST, value: $(POD_IP)}
            - {name: EMPTY}
            - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
            - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
          envFrom:
            - configMapRef: {name: settings}
`,
    'env.yaml',
  );
  assert.deepEqual(m.env, {
    POD_IP: { fieldRef: 'status.podIP' },
    POD_NAME: { fieldRef: 'metadata.name' },
    LAMEDUCK_ADMIN_HOST: '$(POD_IP)',
    EMPTY: '',
  });
  assert.deepEqual(m.ignored, [
    'env DB_PASSWORD (valueFrom secretKeyRef) is not resolved in the lab: left unset',
    'env NODE (valueFrom fieldRef spec.nodeName) is not resolved in the lab: left unset',
    'envFrom (ConfigMaps, Secrets) is not resolved in the lab: left unset',
  ]);
});

test('errors name the file, the line and column, the field path, the expectation and the value', () => {
  const cases: [string, RegExp][] = [
    [
      'kind: Service\n',
      /^Invalid manifest m\.yaml: kind: expected a Deployment, received "Service"$/,
    ],
    ['# nothing here\n', /kind: expected a Deployment, received no Kubernetes object/],
    [
      'kind: Deployment\nspec: {template: {spec: {containers: []}}}\n',
      /^Invalid manifest m\.yaml:2:\d+: spec\.template\.spec\.containers: expected at least one container, received \[\]$/,
    ],
    [
      'kind: Deployment\nspec: {template: {spec: {containers: [{}]}}, replicas: -1}\n',
      /^Invalid manifest m\.yaml:2:46: spec\.replicas: expected an integer >= 1, received -1$/,
    ],
    [
      'kind: Deployment\nspec:\n  strategy: {type: Blue}\n  template: {spec: {containers: [{}]}}\n',
      /^Invalid manifest m\.yaml:3:14: spec\.strategy\.type: expected RollingUpdate or Recreate, received "Blue"$/,
    ],
    [
      'kind: Deployment\nspec: {template: {spec: {containers: [{readinessProbe: {grpc: {port: 1}}}]}}}\n',
      /containers\[0\]\.readinessProbe: expected httpGet, tcpSocket or exec, received \["grpc"\]/,
    ],
    [
      'kind: Deployment\nspec: {template: {spec: {containers: [{ports: [{containerPort: 99999}]}]}}}\n',
      /ports\[0\]\.containerPort: expected an integer from 1 to 65535, received 99999/,
    ],
    [
      '{"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"command": "node app.js"}]}}}}',
      /^Invalid manifest m\.yaml:1:\d+: spec\.template\.spec\.containers\[0\]\.command: expected a list of strings, received "node app\.js"$/,
    ],
    ['kind: [\n', /^Invalid manifest m\.yaml:\d+:\d+: Flow sequence/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => readDeployment(text, 'm.yaml'),
      (error: unknown) =>
        error instanceof LabError &&
        error.code === 'ERR_LAMEDUCK_LAB_MANIFEST' &&
        error.exitCode === 2 &&
        message.test(error.message),
      text,
    );
  }
});

test('a bad maxSurge is a quantity error located in the file', () => {
  assert.throws(
    () =>
      readDeployment(
        'kind: Deployment\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: lots\n  template: {spec: {containers: [{}]}}\n',
        'q.yaml',
      ),
    (error: unknown) =>
      error instanceof LabError &&
      error.code === 'ERR_LAMEDUCK_LAB_QUANTITY' &&
      error.message ===
        'Invalid manifest q.yaml:5:7: spec.strategy.rollingUpdate.maxSurge: expected a non-negative integer or a percentage such as 25%, received "lots"',
  );
});
