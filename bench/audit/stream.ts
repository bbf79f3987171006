// Generates `helm template` output for the audit benchmark: many releases of one typical chart, the
// chart `helm create` scaffolds (helm/helm, pkg/chart/v2/util/create.go: ServiceAccount, Service,
// Deployment, HorizontalPodAutoscaler, Ingress, the `helm test` Pod) with what charts most often add
// to it (a ConfigMap holding a config file, a Secret, a PodDisruptionBudget, a NetworkPolicy). Each
// document is printed the way Helm prints it: a `# Source:` comment, the chart's five standard labels,
// quoted versions, `toYaml` output (`{}` for empty values, block sequences), hook annotations. The
// values are the chart's defaults with autoscaling and the ingress on, plus what a real release sets
// (resources, a config checksum, a config file). One release in `dirtyEvery` has the usual mistakes:
// `npm start` as the command, liveness identical to readiness, no preStop delay.

/** The labels `helm create`'s `<chart>.labels` helper prints, at the given indentation. */
function labels(release: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return [
    'helm.sh/chart: shop-0.1.0',
    'app.kubernetes.io/name: shop',
    `app.kubernetes.io/instance: ${release}`,
    'app.kubernetes.io/version: "1.16.0"',
    'app.kubernetes.io/managed-by: Helm',
  ]
    .map((l) => `${pad}${l}`)
    .join('\n');
}

/** `<chart>.selectorLabels`. */
function selector(release: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return `${pad}app.kubernetes.io/name: shop\n${pad}app.kubernetes.io/instance: ${release}`;
}

function release(i: number, dirty: boolean): string {
  const release = `r${i}`;
  const name = `${release}-shop`;
  const preStop = dirty
    ? ''
    : '\n          lifecycle:\n            preStop:\n              sleep:\n                seconds: 10';
  const command = dirty ? '["npm", "start"]' : '["node", "dist/server.js"]';
  return `---
# Source: shop/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
automountServiceAccountToken: true
---
# Source: shop/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
type: Opaque
data:
  api-token: "c2hvcC10b2tlbi0${(i % 90) + 10}"
---
# Source: shop/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
data:
  LOG_LEVEL: "info"
  config.yaml: |
    server:
      port: 8080
    cache:
      ttl: 30s
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http
      protocol: TCP
      name: http
  selector:
${selector(release, 4)}
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
spec:
  selector:
    matchLabels:
${selector(release, 6)}
  template:
    metadata:
      annotations:
        checksum/config: ${(0x9e3779b1 * (i + 1)).toString(16).padStart(12, '0').slice(-12)}
      labels:
${labels(release, 8)}
    spec:
      serviceAccountName: ${name}
      securityContext:
        {}
      containers:
        - name: shop
          securityContext:
            {}
          image: "registry.example.com/shop:1.${i % 50}.0"
          imagePullPolicy: IfNotPresent
          command: ${command}
          envFrom:
            - configMapRef:
                name: ${name}
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          livenessProbe:
            httpGet:
              path: ${dirty ? '/ready' : '/live'}
              port: http
          readinessProbe:
            httpGet:
              path: /ready
              port: http${preStop}
          resources:
            limits:
              memory: 256Mi
            requests:
              cpu: 100m
              memory: 128Mi
---
# Source: shop/templates/hpa.yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: 3
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 80
---
# Source: shop/templates/pdb.yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
${selector(release, 6)}
---
# Source: shop/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
spec:
  ingressClassName: nginx
  rules:
    - host: "${name}.example.com"
      http:
        paths:
          - path: /
            pathType: ImplementationSpecific
            backend:
              service:
                name: ${name}
                port:
                  number: 80
---
# Source: shop/templates/networkpolicy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  labels:
${labels(release, 4)}
spec:
  podSelector:
    matchLabels:
${selector(release, 6)}
  policyTypes:
    - Ingress
  ingress:
    - ports:
        - port: 8080
---
# Source: shop/templates/tests/test-connection.yaml
apiVersion: v1
kind: Pod
metadata:
  name: "${name}-test-connection"
  labels:
${labels(release, 4)}
  annotations:
    "helm.sh/hook": test
spec:
  containers:
    - name: wget
      image: busybox
      command: ['wget']
      args: ['${name}:80']
  restartPolicy: Never
`;
}

/** Objects per release. */
export const RELEASE_OBJECTS = 10;

/** `documents` objects (a multiple of 10): releases whose every `dirtyEvery`-th one has mistakes. */
export function helmStream(documents: number, dirtyEvery: number): string {
  let out = '';
  for (let i = 0; i < documents / RELEASE_OBJECTS; i++) out += release(i, i % dirtyEvery === 0);
  return out;
}

/** Whole releases up to `bytes` characters (the stream is ASCII: characters are bytes). */
export function helmStreamOfSize(bytes: number, dirtyEvery: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; ; i++) {
    const next = release(i, i % dirtyEvery === 0);
    if (length + next.length > bytes) break;
    parts.push(next);
    length += next.length;
  }
  return parts.join('');
}
