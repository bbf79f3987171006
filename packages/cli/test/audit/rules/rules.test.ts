import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit } from '../../../src/audit/audit.ts';
import { RULE_IDS } from '../../../src/audit/rules/registry.ts';
import { app, defaults, findingsOf, GOOD_CONTAINER } from '../helpers.ts';

const swap = (from: string, to: string) => GOOD_CONTAINER.replace(from, to);
const withoutPreStop = GOOD_CONTAINER.replace(/lifecycle:[\s\S]*$/, '').trimEnd();

interface Case {
  readonly rule: string;
  readonly bad: string;
  readonly good: string;
  readonly severity?: string;
}

const SERVICE_NLB_IP = `metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`;

/** An ingress-nginx controller as its chart renders it, with a ConfigMap setting worker-shutdown-timeout. */
const NGINX = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
data:
  worker-shutdown-timeout: 60s
---
apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
spec:
  type: LoadBalancer
  selector: {app.kubernetes.io/name: ingress-nginx}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: ingress-nginx}
  template:
    metadata:
      labels: {app.kubernetes.io/name: ingress-nginx}
    spec:
      terminationGracePeriodSeconds: GRACE
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.11.2
          args:
            - /nginx-ingress-controller
            - --configmap=$(POD_NAMESPACE)/ingress-nginx-controller
            - --shutdown-grace-period=SHUTDOWN
          lifecycle:
            preStop:
              exec:
                command: [/wait-shutdown]
          ports: [{name: http, containerPort: 80}]
          readinessProbe:
            httpGet: {path: /healthz, port: 10254}
`;

const cases: Case[] = [
  {
    rule: 'readiness-missing',
    bad: app(GOOD_CONTAINER.replace(/readinessProbe:\n.*\n.*\n/, '')),
    good: app(GOOD_CONTAINER),
  },
  { rule: 'prestop-missing', bad: app(withoutPreStop), good: app(GOOD_CONTAINER) },
  {
    rule: 'grace-budget',
    bad: app(swap('seconds: 5', 'seconds: 30')),
    good: app(swap('seconds: 5', 'seconds: 30'), { pod: 'terminationGracePeriodSeconds: 45' }),
    severity: 'error',
  },
  {
    rule: 'grace-budget',
    bad: app(swap('seconds: 5', 'seconds: 20')),
    good: app(swap('seconds: 5', 'seconds: 15')),
    severity: 'warning',
  },
  {
    rule: 'grace-budget',
    bad: app(GOOD_CONTAINER).replace(
      'kind: Deployment\nmetadata:\n  name: web\n',
      'kind: Deployment\nmetadata:\n  name: web\n  annotations:\n    lameduck.dev/app-drain: 30s\n',
    ),
    good: app(GOOD_CONTAINER, { pod: 'terminationGracePeriodSeconds: 40' }).replace(
      'kind: Deployment\nmetadata:\n  name: web\n',
      'kind: Deployment\nmetadata:\n  name: web\n  annotations:\n    lameduck.dev/app-drain: 30s\n',
    ),
    severity: 'warning',
  },
  {
    rule: 'grace-budget',
    bad: NGINX.replace('GRACE', '30').replace('SHUTDOWN', '5'),
    good: NGINX.replace('GRACE', '300').replace('SHUTDOWN', '5'),
    severity: 'warning',
  },
  {
    rule: 'prestop-too-short',
    bad: app(swap('seconds: 5', 'seconds: 2')),
    good: app(swap('seconds: 5', 'seconds: 5')),
  },
  {
    rule: 'prestop-too-short',
    bad: app(GOOD_CONTAINER, {
      service: SERVICE_NLB_IP.replace('metadata:\n  name: web\n', ''),
    }).replace('kind: Service\nmetadata:\n  name: web\n', `kind: Service\n${SERVICE_NLB_IP}\n`),
    good: app(swap('seconds: 5', 'seconds: 30'), {
      pod: 'terminationGracePeriodSeconds: 60',
    }).replace('kind: Service\nmetadata:\n  name: web\n', `kind: Service\n${SERVICE_NLB_IP}\n`),
  },
  {
    rule: 'probes-identical',
    bad: app(
      swap(
        'httpGet: {path: /live, port: 8080}\n  periodSeconds: 10\n  failureThreshold: 6',
        'httpGet: {path: /ready, port: 8080}\n  periodSeconds: 5',
      ),
    ),
    // the same endpoint with a more tolerant liveness is fine
    good: app(swap('httpGet: {path: /live, port: 8080}', 'httpGet: {path: /ready, port: 8080}')),
  },
  {
    rule: 'liveness-stricter-than-readiness',
    bad: app(swap('failureThreshold: 6', 'failureThreshold: 1')),
    good: app(GOOD_CONTAINER),
  },
  {
    rule: 'startup-probe-missing',
    bad: app(swap('failureThreshold: 6', 'failureThreshold: 6\n  initialDelaySeconds: 90')),
    good: app(
      swap('failureThreshold: 6', 'failureThreshold: 6\n  initialDelaySeconds: 90').replace(
        'lifecycle:',
        'startupProbe:\n  httpGet: {path: /live, port: 8080}\n  failureThreshold: 30\nlifecycle:',
      ),
    ),
  },
  {
    rule: 'signal-lost-shell',
    bad: app(
      swap('command: ["node", "server.js"]', 'command: ["/bin/sh", "-c", "node server.js"]'),
    ),
    good: app(
      swap('command: ["node", "server.js"]', 'command: ["/bin/sh", "-c", "exec node server.js"]'),
    ),
  },
  {
    rule: 'signal-lost-shell',
    bad: app(swap('command: ["node", "server.js"]', 'command: ["npm", "start"]')),
    good: app(
      swap('command: ["node", "server.js"]', 'command: ["tini", "--", "node", "server.js"]'),
    ),
  },
  {
    rule: 'signal-lost-shell',
    bad: app(swap('command: ["node", "server.js"]', 'command: ["tini", "--", "yarn", "start"]')),
    good: app(
      swap(
        'command: ["node", "server.js"]',
        'command: ["bash", "-c", "echo starting; node server.js"]',
      ),
    ),
  },
  {
    rule: 'rollout-zero-capacity',
    bad: app(GOOD_CONTAINER, { spec: 'strategy:\n  type: Recreate' }),
    good: app(GOOD_CONTAINER, { spec: 'strategy:\n  type: RollingUpdate' }),
  },
  {
    rule: 'rollout-zero-capacity',
    bad: app(GOOD_CONTAINER, {
      spec: 'strategy:\n  rollingUpdate:\n    maxUnavailable: 100%',
    }).replace('replicas: 3', 'replicas: 2'),
    good: app(GOOD_CONTAINER, {
      spec: 'strategy:\n  rollingUpdate:\n    maxUnavailable: 50%',
    }).replace('replicas: 3', 'replicas: 2'),
  },
  {
    rule: 'rollout-zero-capacity',
    bad: app(GOOD_CONTAINER, {
      spec: 'strategy:\n  rollingUpdate:\n    maxSurge: 0\n    maxUnavailable: 1',
    }).replace('replicas: 3', 'replicas: 1'),
    // defaults for 1 replica: surge 25% rounds up to 1, unavailable 25% rounds down to 0
    good: app(GOOD_CONTAINER).replace('replicas: 3', 'replicas: 1'),
  },
  {
    rule: 'lb-drain-off',
    bad: app(GOOD_CONTAINER)
      .replace(
        'spec:\n  selector:\n    app: web',
        'spec:\n  type: LoadBalancer\n  selector:\n    app: web',
      )
      .replace(
        'kind: Service\nmetadata:\n  name: web\n',
        'kind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "60"\n',
      ),
    good: app(GOOD_CONTAINER)
      .replace(
        'spec:\n  selector:\n    app: web',
        'spec:\n  type: LoadBalancer\n  selector:\n    app: web',
      )
      .replace(
        'kind: Service\nmetadata:\n  name: web\n',
        'kind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-connection-draining-enabled: "true"\n',
      ),
  },
  {
    rule: 'lb-drain-off',
    bad: `${app(GOOD_CONTAINER)}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-slb\n  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: slb.s1.small\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n`,
    good: `${app(GOOD_CONTAINER)}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-slb\n  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-connection-drain: "on"\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n`,
  },
  {
    rule: 'lb-drain-off',
    bad: `${app(GOOD_CONTAINER, { service: '' }).replace('  name: web\nspec:\n  selector', '  name: web\n  annotations:\n    cloud.google.com/backend-config: \'{"default": "web"}\'\nspec:\n  selector')}---\napiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: web\nspec:\n  timeoutSec: 40\n`,
    good: `${app(GOOD_CONTAINER, { service: '' }).replace('  name: web\nspec:\n  selector', '  name: web\n  annotations:\n    cloud.google.com/backend-config: \'{"default": "web"}\'\nspec:\n  selector')}---\napiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: web\nspec:\n  connectionDraining:\n    drainingTimeoutSec: 60\n`,
  },
  {
    rule: 'lb-drain-off',
    bad: `${app(GOOD_CONTAINER)}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    kubernetes.io/ingress.class: azure/application-gateway\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: {service: {name: web, port: {number: 80}}}\n`.replace(
      'seconds: 5',
      'seconds: 10',
    ),
    good: `${app(GOOD_CONTAINER)}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    kubernetes.io/ingress.class: azure/application-gateway\n    appgw.ingress.kubernetes.io/connection-draining: "true"\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: {service: {name: web, port: {number: 80}}}\n`.replace(
      'seconds: 5',
      'seconds: 10',
    ),
  },
  {
    rule: 'lb-drain-off',
    bad: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n---\n${app(swap('seconds: 5', 'seconds: 30'), { pod: 'terminationGracePeriodSeconds: 60' }).replace('kind: Service\nmetadata:\n  name: web\n', `kind: Service\n${SERVICE_NLB_IP}\n`)}`,
    good: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels:\n    elbv2.k8s.aws/pod-readiness-gate-inject: enabled\n---\n${app(swap('seconds: 5', 'seconds: 30'), { pod: 'terminationGracePeriodSeconds: 60' }).replace('kind: Service\nmetadata:\n  name: web\n', `kind: Service\n${SERVICE_NLB_IP}\n`)}`,
  },
  {
    rule: 'lb-drain-off',
    bad: `${app(GOOD_CONTAINER).replace('seconds: 5', 'seconds: 10')}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    kubernetes.io/ingress.class: gce\nspec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n`,
    good: `${app(GOOD_CONTAINER).replace('seconds: 5', 'seconds: 10')}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    kubernetes.io/ingress.class: nginx\nspec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n`,
  },
  {
    rule: 'publish-not-ready',
    bad: app(GOOD_CONTAINER).replace(
      'spec:\n  selector:\n    app: web',
      'spec:\n  publishNotReadyAddresses: true\n  selector:\n    app: web',
    ),
    good: app(GOOD_CONTAINER)
      .replace('kind: Deployment', 'kind: StatefulSet')
      .replace(
        'spec:\n  selector:\n    app: web',
        'spec:\n  clusterIP: None\n  publishNotReadyAddresses: true\n  selector:\n    app: web',
      ),
  },
  {
    rule: 'local-traffic-policy',
    bad: app(GOOD_CONTAINER)
      .replace('replicas: 3', 'replicas: 1')
      .replace(
        'spec:\n  selector:\n    app: web',
        'spec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector:\n    app: web',
      ),
    good: app(GOOD_CONTAINER).replace(
      'spec:\n  selector:\n    app: web',
      'spec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector:\n    app: web',
    ),
  },
  {
    rule: 'local-traffic-policy',
    bad: app(GOOD_CONTAINER)
      .replace('kind: Deployment', 'kind: DaemonSet')
      .replace('  replicas: 3\n', '')
      .replace(
        'spec:\n  selector:\n    app: web',
        'spec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector:\n    app: web',
      ),
    good: app(GOOD_CONTAINER, {
      spec: 'updateStrategy:\n  rollingUpdate: {maxSurge: 1, maxUnavailable: 0}',
    })
      .replace('kind: Deployment', 'kind: DaemonSet')
      .replace('  replicas: 3\n', '')
      .replace(
        'spec:\n  selector:\n    app: web',
        'spec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector:\n    app: web',
      ),
  },
  {
    rule: 'ingress-nginx-shutdown',
    bad: NGINX.replace('GRACE', '300').replace(
      '            - --shutdown-grace-period=SHUTDOWN\n',
      '',
    ),
    good: NGINX.replace('GRACE', '300').replace('SHUTDOWN', '5'),
  },
  {
    rule: 'sidecar-termination-order',
    bad: app(
      `${GOOD_CONTAINER}\n- name: cloud-sql-proxy\nimage: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1\nargs: ["project:region:db"]`.replace(
        /\n- name/,
        '\n- name',
      ),
    ).replace('\n          - name: cloud-sql-proxy', '\n        - name: cloud-sql-proxy'),
    good: app(
      `${GOOD_CONTAINER}\n- name: cloud-sql-proxy\nimage: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1\nargs: ["--max-sigterm-delay=30s", "project:region:db"]`,
    ).replace('\n          - name: cloud-sql-proxy', '\n        - name: cloud-sql-proxy'),
  },
  {
    rule: 'sidecar-termination-order',
    bad: app(
      'image: registry.example/web:1.2.3\ncommand: ["node", "server.js"]\nreadinessProbe:\n  httpGet: {path: /ready, port: 8080}',
      {
        pod: 'initContainers:\n  - name: proxy\n    image: envoyproxy/envoy:v1.31.2\n    restartPolicy: Always\n    ports: [{containerPort: 8080}]\n    readinessProbe: {tcpSocket: {port: 8080}}\n    lifecycle: {preStop: {sleep: {seconds: 5}}}',
      },
    ),
    good: app(
      'image: registry.example/web:1.2.3\ncommand: ["node", "server.js"]\nreadinessProbe:\n  httpGet: {path: /ready, port: 8080}\nlifecycle:\n  preStop:\n    sleep: {seconds: 5}',
      {
        pod: 'initContainers:\n  - name: proxy\n    image: envoyproxy/envoy:v1.31.2\n    restartPolicy: Always\n    ports: [{containerPort: 8080}]\n    readinessProbe: {tcpSocket: {port: 8080}}\n    lifecycle: {preStop: {sleep: {seconds: 5}}}',
      },
    ),
  },
];

for (const [i, c] of cases.entries()) {
  test(`${c.rule} #${i}: fires on the failing manifest, not on the passing one`, () => {
    const bad = findingsOf(c.bad).filter((f) => f.rule === c.rule);
    assert.ok(bad.length > 0, `${c.rule} did not fire on:\n${c.bad}`);
    if (c.severity) assert.equal(bad[0]?.severity, c.severity);
    if (c.bad.includes('app-drain: 30s'))
      assert.match(bad[0]?.message ?? '', /drain 30s \(annotation lameduck\.dev\/app-drain\)/);
    if (c.rule === 'grace-budget' && c.bad.includes('ingress-nginx'))
      assert.match(bad[0]?.message ?? '', /drain 65s \(ingress-nginx worker-shutdown-timeout/);
    for (const f of bad) {
      assert.ok(f.position.line >= 1 && f.position.column >= 1);
      assert.ok(f.message.length > 0 && f.fix.length > 0);
    }
    const good = findingsOf(c.good);
    assert.deepEqual(
      good.map((f) => `${f.rule}: ${f.message}`),
      [],
      `the passing manifest should be clean:\n${c.good}`,
    );
  });
}

const dockerCases: Case[] = [
  {
    rule: 'dockerfile-shell-form',
    bad: 'FROM node:22\nCMD node server.js\n',
    good: 'FROM node:22\nCMD ["node", "server.js"]\n',
  },
  {
    rule: 'dockerfile-shell-form',
    bad: "FROM node:22\nENTRYPOINT ['node', 'server.js']\n",
    good: 'FROM node:22\nENTRYPOINT exec node server.js\n',
  },
  {
    rule: 'dockerfile-shell-form',
    bad: 'FROM node:22 AS build\nCMD ["x"]\nFROM node:22-slim\nCMD node \\\n  server.js\n',
    good: 'FROM node:22 AS build\nCMD npm run build\nFROM node:22-slim\nCMD ["node", "server.js"]\n',
  },
  {
    rule: 'dockerfile-npm-start',
    bad: 'FROM node:22\nCMD ["npm", "start"]\n',
    good: 'FROM node:22\nCMD ["node", "dist/main.js"]\n',
  },
  {
    rule: 'dockerfile-npm-start',
    bad: 'FROM node:22\nENTRYPOINT ["tini", "--"]\nCMD ["yarn", "start"]\n',
    good: 'FROM node:22\nENTRYPOINT ["tini", "--"]\nCMD ["node", "server.js"]\n',
  },
  {
    rule: 'dockerfile-npm-start',
    bad: 'FROM node:22\nENTRYPOINT ["pnpm"]\nCMD ["run", "serve"]\n',
    good: 'FROM node:22\n# lameduck.dev/ignore: dockerfile-npm-start\nENTRYPOINT ["pnpm"]\nCMD ["run", "serve"]\n',
  },
];

for (const [i, c] of dockerCases.entries()) {
  test(`${c.rule} #${i}: fires on the failing Dockerfile, not on the passing one`, () => {
    const run = (text: string) =>
      audit([{ file: 'Dockerfile', text, type: 'dockerfile' }], defaults).findings;
    const bad = run(c.bad).filter((f) => f.rule === c.rule);
    assert.ok(bad.length > 0, `${c.rule} did not fire on:\n${c.bad}`);
    assert.deepEqual(
      run(c.good).map((f) => `${f.rule}: ${f.message}`),
      [],
    );
  });
}

test('every rule has a table case', () => {
  const covered = new Set([...cases, ...dockerCases].map((c) => c.rule));
  for (const id of RULE_IDS) assert.ok(covered.has(id), id);
});
