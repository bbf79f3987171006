// Reads the Deployment fields the lab applies from a Kubernetes manifest. A small parser of our own
// (on eemeli/yaml) until the auditor's manifest model lands on main; it reads only what the lab runs.
import { parseAllDocuments } from 'yaml';
import { LabError } from './errors.js';
import { parseIntOrPercent } from './quantity.js';
import {
  DEPLOYMENT_DEFAULTS,
  type Handler,
  PROBE_DEFAULTS,
  type Probe,
  type Strategy,
} from './template.js';

export interface ManifestDeployment {
  readonly name: string;
  readonly replicas: number;
  readonly strategy: Strategy;
  readonly minReadyMs: number;
  readonly terminationGracePeriodMs: number;
  /** command + args of the first container, when the manifest gives them. */
  readonly command?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly preStop?: Handler;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses YAML text (several documents and `kind: List` allowed) and returns its first Deployment. */
export function parseManifest(text: string, file: string): ManifestDeployment {
  const fail = (path: string, expected: string, received: unknown): never => {
    throw new LabError(
      'ERR_LAMEDUCK_LAB_MANIFEST',
      `Invalid manifest ${file}: ${path}: expected ${expected}, received ${JSON.stringify(received) ?? 'nothing'}`,
    );
  };
  const objects: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    const problem = doc.errors[0];
    if (problem)
      throw new LabError(
        'ERR_LAMEDUCK_LAB_MANIFEST',
        `Invalid manifest ${file}: ${problem.message}`,
      );
    const value: unknown = doc.toJS();
    if (isObj(value) && value.kind === 'List' && Array.isArray(value.items))
      objects.push(...value.items);
    else objects.push(value);
  }
  const deployment = objects.find((o) => isObj(o) && o.kind === 'Deployment');
  if (!isObj(deployment)) {
    const kinds = objects.map((o) => (isObj(o) ? String(o.kind) : typeof o)).join(', ');
    return fail('kind', 'a Deployment', kinds || 'an empty file');
  }
  const r = reader(fail);
  const spec = r.obj(deployment.spec, 'spec');
  const podSpec = r.obj(r.obj(spec.template, 'spec.template').spec, 'spec.template.spec');
  const containers = podSpec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    return fail('spec.template.spec.containers', 'at least one container', containers);
  }
  const c = r.obj(containers[0], 'spec.template.spec.containers[0]');
  const at = (field: string) => `spec.template.spec.containers[0].${field}`;
  const ports = Array.isArray(c.ports) ? c.ports.filter(isObj) : [];
  const named = new Map(ports.map((p) => [String(p.name), Number(p.containerPort)]));
  const port = (value: unknown, path: string): number =>
    typeof value === 'string' && named.has(value)
      ? (named.get(value) as number)
      : r.int(value, path, 1, 65_535);
  const handler = (value: unknown, path: string, lifecycle: boolean): Handler => {
    const h = r.obj(value, path);
    if (isObj(h.httpGet)) {
      const path2 = h.httpGet.path ?? '/';
      return {
        kind: 'httpGet',
        path: String(path2),
        port: port(h.httpGet.port, `${path}.httpGet.port`),
      };
    }
    if (isObj(h.tcpSocket) && !lifecycle) {
      return { kind: 'tcpSocket', port: port(h.tcpSocket.port, `${path}.tcpSocket.port`) };
    }
    if (isObj(h.exec))
      return { kind: 'exec', command: r.strings(h.exec.command, `${path}.exec.command`) };
    if (isObj(h.sleep) && lifecycle) {
      return { kind: 'sleep', ms: r.int(h.sleep.seconds, `${path}.sleep.seconds`, 0) * 1000 };
    }
    return fail(
      path,
      lifecycle ? 'exec, httpGet or sleep' : 'httpGet, tcpSocket or exec',
      Object.keys(h),
    );
  };
  const probeOf = (name: string): Probe | undefined => {
    if (c[name] === undefined) return undefined;
    const p = r.obj(c[name], at(name));
    const sec = (field: string, fallbackMs: number, min: number) =>
      p[field] === undefined ? fallbackMs : r.int(p[field], at(`${name}.${field}`), min) * 1000;
    const count = (field: string, fallback: number) =>
      p[field] === undefined ? fallback : r.int(p[field], at(`${name}.${field}`), 1);
    return {
      handler: handler(p, at(name), false),
      initialDelayMs: sec('initialDelaySeconds', PROBE_DEFAULTS.initialDelayMs, 0),
      periodMs: sec('periodSeconds', PROBE_DEFAULTS.periodMs, 1),
      timeoutMs: sec('timeoutSeconds', PROBE_DEFAULTS.timeoutMs, 1),
      successThreshold: count('successThreshold', PROBE_DEFAULTS.successThreshold),
      failureThreshold: count('failureThreshold', PROBE_DEFAULTS.failureThreshold),
    };
  };
  const strategy = ((): Strategy => {
    const s = spec.strategy === undefined ? {} : r.obj(spec.strategy, 'spec.strategy');
    if (s.type === 'Recreate') return { type: 'Recreate' };
    if (s.type !== undefined && s.type !== 'RollingUpdate') {
      return fail('spec.strategy.type', 'RollingUpdate or Recreate', s.type);
    }
    const ru =
      s.rollingUpdate === undefined ? {} : r.obj(s.rollingUpdate, 'spec.strategy.rollingUpdate');
    const d = DEPLOYMENT_DEFAULTS.strategy;
    return {
      type: 'RollingUpdate',
      maxSurge: parseIntOrPercent(
        ru.maxSurge ?? d.maxSurge,
        'spec.strategy.rollingUpdate.maxSurge',
      ),
      maxUnavailable: parseIntOrPercent(
        ru.maxUnavailable ?? d.maxUnavailable,
        'spec.strategy.rollingUpdate.maxUnavailable',
      ),
    };
  })();
  const command = [
    ...(c.command === undefined ? [] : r.strings(c.command, at('command'))),
    ...(c.args === undefined ? [] : r.strings(c.args, at('args'))),
  ];
  const env: Record<string, string> = {};
  for (const e of Array.isArray(c.env) ? c.env.filter(isObj) : []) {
    if (typeof e.name === 'string' && e.value !== undefined) env[e.name] = String(e.value);
  }
  const preStop = isObj(c.lifecycle) && c.lifecycle.preStop !== undefined;
  const firstPort = ports[0]?.containerPort;
  const grace = podSpec.terminationGracePeriodSeconds;
  const result: ManifestDeployment = {
    name: isObj(deployment.metadata) ? String(deployment.metadata.name ?? 'app') : 'app',
    replicas:
      spec.replicas === undefined
        ? DEPLOYMENT_DEFAULTS.replicas
        : r.int(spec.replicas, 'spec.replicas', 1),
    strategy,
    minReadyMs:
      spec.minReadySeconds === undefined
        ? 0
        : r.int(spec.minReadySeconds, 'spec.minReadySeconds', 0) * 1000,
    terminationGracePeriodMs:
      grace === undefined
        ? DEPLOYMENT_DEFAULTS.terminationGracePeriodMs
        : r.int(grace, 'spec.template.spec.terminationGracePeriodSeconds', 0) * 1000,
    env,
  };
  const probes = {
    startupProbe: probeOf('startupProbe'),
    readinessProbe: probeOf('readinessProbe'),
    livenessProbe: probeOf('livenessProbe'),
  };
  return Object.assign(
    result,
    command.length ? { command } : {},
    firstPort === undefined ? {} : { port: port(firstPort, at('ports[0].containerPort')) },
    ...Object.entries(probes).map(([k, v]) => (v ? { [k]: v } : {})),
    preStop && isObj(c.lifecycle)
      ? { preStop: handler(c.lifecycle.preStop, at('lifecycle.preStop'), true) }
      : {},
  );
}

function reader(fail: (path: string, expected: string, received: unknown) => never) {
  return {
    obj: (v: unknown, path: string): Obj => (isObj(v) ? v : fail(path, 'a mapping', v)),
    int: (v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number =>
      typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
        ? v
        : fail(
            path,
            `an integer ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `>= ${min}`}`,
            v,
          ),
    strings: (v: unknown, path: string): string[] =>
      Array.isArray(v) && v.every((s) => typeof s === 'string' || typeof s === 'number')
        ? v.map(String)
        : fail(path, 'a list of strings', v),
  };
}
