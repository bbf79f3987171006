import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImage, shellLessImage } from '../../../src/audit/model/image.ts';

test('image references: registry ports are not tags, digests are dropped', () => {
  assert.deepEqual(parseImage('localhost:5000/app'), { name: 'localhost:5000/app', tag: 'latest' });
  assert.deepEqual(parseImage('gcr.io/distroless/static:nonroot'), {
    name: 'gcr.io/distroless/static',
    tag: 'nonroot',
  });
  assert.deepEqual(parseImage('nginx@sha256:abc'), { name: 'nginx', tag: '' });
});

const SHELL_LESS = [
  'gcr.io/distroless/static:nonroot',
  'gcr.io/distroless/nodejs22-debian12',
  'ghcr.io/acme/api:v1-distroless',
  'cgr.dev/chainguard/static:latest',
  'cgr.dev/chainguard/node',
  'mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled',
  'scratch',
  'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
  'registry.k8s.io/coredns/coredns:v1.11.3',
  'k8s.gcr.io/kube-state-metrics/kube-state-metrics:v2.2.0',
  'gcr.io/k8s-staging-metrics-server/metrics-server:master',
];
const WITH_SHELL = [
  'node:22-slim',
  'gcr.io/distroless/base:debug',
  'cgr.dev/chainguard/node:latest-dev',
  'registry.k8s.io/ingress-nginx/controller:v1.11.2',
  'registry.k8s.io/e2e-test-images/agnhost:2.47',
  'quay.io/prometheus/node-exporter:v1.8.2',
  'nginx:1.27-alpine',
];

for (const image of SHELL_LESS)
  test(`${image} has no shell`, () => assert.ok(shellLessImage(image), image));
for (const image of WITH_SHELL)
  test(`${image} is not known to lack a shell`, () =>
    assert.equal(shellLessImage(image), undefined));
