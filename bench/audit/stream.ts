// Generates `helm template`-shaped streams for the audit benchmark: each release renders ten objects
// (ServiceAccount, ConfigMap, Secret, Service, Deployment, HPA, PDB, Ingress, Role, RoleBinding) with
// `# Source:` comments, the way Helm prints them. One release in three has the usual mistakes.

function release(i: number, dirty: boolean): string {
  const name = `shop-${i}`;
  const labels = `app.kubernetes.io/name: ${name}\n    app.kubernetes.io/instance: rel-${i}`;
  const preStop = dirty
    ? ''
    : `\n          lifecycle:\n            preStop:\n              sleep:\n                seconds: 10`;
  const command = dirty ? '["npm", "start"]' : '["node", "dist/server.js"]';
  return `---
# Source: shop/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  labels:
    ${labels}
---
# Source: shop/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "checkout,search"
---
# Source: shop/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: ${name}
type: Opaque
data:
  token: c2VjcmV0LXRva2VuLSR7aX0=
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    ${labels}
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http
      protocol: TCP
      name: http
  selector:
    ${labels}
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    ${labels}
spec:
  replicas: 3
  selector:
    matchLabels:
      ${labels.replace('\n    ', '\n      ')}
  template:
    metadata:
      labels:
        ${labels.replace('\n    ', '\n        ')}
    spec:
      serviceAccountName: ${name}
      terminationGracePeriodSeconds: 30
      containers:
        - name: shop
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
            requests: {cpu: 100m, memory: 128Mi}
---
# Source: shop/templates/hpa.yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  minReplicas: 3
  maxReplicas: 10
---
# Source: shop/templates/pdb.yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      ${labels.replace('\n    ', '\n      ')}
---
# Source: shop/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
spec:
  ingressClassName: nginx
  rules:
    - host: ${name}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${name}
                port:
                  number: 80
---
# Source: shop/templates/role.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${name}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list", "watch"]
---
# Source: shop/templates/rolebinding.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${name}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ${name}}
subjects:
  - kind: ServiceAccount
    name: ${name}
`;
}

/** `documents` objects (a multiple of 10): releases whose every `dirtyEvery`-th one has mistakes. */
export function helmStream(documents: number, dirtyEvery: number): string {
  let out = '';
  for (let i = 0; i < documents / 10; i++) out += release(i, i % dirtyEvery === 0);
  return out;
}
