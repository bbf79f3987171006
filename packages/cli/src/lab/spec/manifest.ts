// Reads the Deployment fields the lab applies, through the one manifest model of the CLI
// (src/manifest: YAML or JSON streams, several documents, `kind: List`, merge keys), so the lab
// accepts every manifest the auditor reads. Field errors name the file, the line and column, the
// field path, what was expected and what was received.
import { locate } from '../../manifest/locate.js';
import { parseManifests } from '../../manifest/parse.js';
import type { K8sObject } from '../../manifest/types.js';
import { get, isRecord, type Json, type Path, workloadOf } from '../../manifest/workload.js';
import { LabError, type LabErrorCode } from '../errors.js';
import { QUANTITY_EXPECTED, readIntOrPercent } from './quantity.js';
import {
  DEPLOYMENT_DEFAULTS,
  DOWNWARD_FIELDS,
  type DownwardField,
  type EnvValue,
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
  readonly env: Readonly<Record<string, EnvValue>>;
  readonly port?: number;
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly preStop?: Handler;
  /** What the manifest asks for that the lab does not apply (shown with the report's limitations). */
  readonly ignored: readonly string[];
}

/** `['spec', 'containers', 0, 'ports']` → `spec.containers[0].ports` */
export function formatPath(path: Path): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
    .join('');
}

/** Absent in the API's sense: not given, or `null` (as `kubectl … -o yaml` writes unset fields). */
const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

/**
 * Parses a YAML or JSON stream and reads its first Deployment. Kubernetes' defaults apply to every
 * field the manifest leaves out.
 *
 * @throws {LabError} `ERR_LAMEDUCK_LAB_MANIFEST` when the text is not YAML, has no Deployment, or a
 * field the lab reads has the wrong type.
 */
export function readDeployment(text: string, file: string): ManifestDeployment {
  const { objects, errors } = parseManifests({ file, text, type: 'yaml' });
  const problem = errors[0];
  if (problem) {
    const { line, column } = problem.position;
    throw new LabError(
      'ERR_LAMEDUCK_LAB_MANIFEST',
      `Invalid manifest ${file}:${line}:${column}: ${problem.message}`,
    );
  }
  const deployment = objects.find((o) => o.kind === 'Deployment');
  if (!deployment) {
    const kinds = objects.map((o) => o.kind).join(', ');
    throw new LabError(
      'ERR_LAMEDUCK_LAB_MANIFEST',
      `Invalid manifest ${file}: kind: expected a Deployment, received ${kinds ? JSON.stringify(kinds) : 'no Kubernetes object'}`,
    );
  }
  return new DeploymentReader(deployment, file).read();
}

/** Reads one Deployment object field by field; every failure points at the field in the file. */
class DeploymentReader {
  readonly #object: K8sObject;
  readonly #file: string;
  readonly #ignored: string[] = [];

  constructor(object: K8sObject, file: string) {
    this.#object = object;
    this.#file = file;
  }

  read(): ManifestDeployment {
    const value = this.#object.value;
    const spec = this.#record(['spec']);
    this.#record(['spec', 'template']);
    this.#record(['spec', 'template', 'spec']);
    const workload = workloadOf(this.#object);
    const containers = get(value, ['spec', 'template', 'spec', 'containers']);
    if (!workload || !Array.isArray(containers) || containers.length === 0) {
      return this.#fail(
        ['spec', 'template', 'spec', 'containers'],
        'at least one container',
        containers,
      );
    }
    const at = ['spec', 'template', 'spec', 'containers', 0] as const;
    const container = this.#record(at);
    const ports = Array.isArray(container.ports) ? container.ports.filter(isRecord) : [];
    const named = new Map(ports.map((p) => [String(p.name), p.containerPort]));
    const command = [
      ...(absent(container.command) ? [] : this.#strings([...at, 'command'])),
      ...(absent(container.args) ? [] : this.#strings([...at, 'args'])),
    ];
    const firstPort = ports[0]?.containerPort;
    const grace = get(value, ['spec', 'template', 'spec', 'terminationGracePeriodSeconds']);
    const probes = {
      startupProbe: this.#probe([...at, 'startupProbe'], named),
      readinessProbe: this.#probe([...at, 'readinessProbe'], named),
      livenessProbe: this.#probe([...at, 'livenessProbe'], named),
    };
    const preStopPath = [...at, 'lifecycle', 'preStop'];
    const preStop = absent(get(value, preStopPath))
      ? undefined
      : this.#handler(preStopPath, named, true);
    const result: ManifestDeployment = {
      name: this.#object.name === '(unnamed)' ? 'app' : this.#object.name,
      replicas: absent(spec.replicas)
        ? DEPLOYMENT_DEFAULTS.replicas
        : this.#int(['spec', 'replicas'], 1),
      strategy: this.#strategy(),
      minReadyMs: absent(spec.minReadySeconds)
        ? DEPLOYMENT_DEFAULTS.minReadyMs
        : this.#int(['spec', 'minReadySeconds'], 0) * 1000,
      terminationGracePeriodMs: absent(grace)
        ? DEPLOYMENT_DEFAULTS.terminationGracePeriodMs
        : this.#int(['spec', 'template', 'spec', 'terminationGracePeriodSeconds'], 0) * 1000,
      env: this.#env([...at, 'env']),
      ignored: this.#ignored,
    };
    return Object.assign(
      result,
      command.length ? { command } : {},
      absent(firstPort) ? {} : { port: this.#port([...at, 'ports', 0, 'containerPort'], named) },
      ...Object.entries(probes).map(([k, v]) => (v ? { [k]: v } : {})),
      preStop ? { preStop } : {},
    );
  }

  #strategy(): Strategy {
    const s = absent(get(this.#object.value, ['spec', 'strategy']))
      ? {}
      : this.#record(['spec', 'strategy']);
    if (s.type === 'Recreate') return { type: 'Recreate' };
    if (!absent(s.type) && s.type !== 'RollingUpdate') {
      return this.#fail(['spec', 'strategy', 'type'], 'RollingUpdate or Recreate', s.type);
    }
    const path = ['spec', 'strategy', 'rollingUpdate'];
    const ru = absent(s.rollingUpdate) ? {} : this.#record(path);
    const d = DEPLOYMENT_DEFAULTS.strategy;
    const quantity = (field: 'maxSurge' | 'maxUnavailable') => {
      const given = ru[field];
      if (absent(given)) return d[field];
      return (
        readIntOrPercent(given) ??
        this.#fail([...path, field], QUANTITY_EXPECTED, given, 'ERR_LAMEDUCK_LAB_QUANTITY')
      );
    };
    return {
      type: 'RollingUpdate',
      maxSurge: quantity('maxSurge'),
      maxUnavailable: quantity('maxUnavailable'),
    };
  }

  /**
   * The container's `env` in order: literal values (`value`, "" when left out) and the downward-API
   * fields the kubelet fills in. Other sources (Secrets, ConfigMaps, resource fields) are not
   * resolved: the variable stays unset and the report says so.
   */
  #env(path: Path): Record<string, EnvValue> {
    const env: Record<string, EnvValue> = {};
    const list = get(this.#object.value, path);
    if (absent(list)) return env;
    if (!Array.isArray(list)) return this.#fail(path, 'a list of {name, value}', list);
    list.forEach((_, i) => {
      const entryPath = [...path, i];
      const e = this.#record(entryPath);
      if (typeof e.name !== 'string' || e.name === '') {
        this.#fail([...entryPath, 'name'], 'a variable name', e.name);
      }
      const name = e.name as string;
      if (absent(e.valueFrom)) {
        env[name] = absent(e.value) ? '' : String(e.value);
        return;
      }
      const field = get(e.valueFrom, ['fieldRef', 'fieldPath']);
      if (typeof field === 'string' && (DOWNWARD_FIELDS as readonly string[]).includes(field)) {
        env[name] = { fieldRef: field as DownwardField };
        return;
      }
      const source = isRecord(e.valueFrom) ? Object.keys(e.valueFrom).join(', ') : 'valueFrom';
      this.#ignored.push(
        `env ${name} (valueFrom ${source}${typeof field === 'string' ? ` ${field}` : ''}) is not resolved in the lab: left unset`,
      );
    });
    const envFrom = get(this.#object.value, [...path.slice(0, -1), 'envFrom']);
    if (Array.isArray(envFrom) && envFrom.length > 0) {
      this.#ignored.push('envFrom (ConfigMaps, Secrets) is not resolved in the lab: left unset');
    }
    return env;
  }

  #probe(path: Path, named: ReadonlyMap<string, unknown>): Probe | undefined {
    if (absent(get(this.#object.value, path))) return undefined;
    const p = this.#record(path);
    const seconds = (field: string, fallbackMs: number, min: number) =>
      absent(p[field]) ? fallbackMs : this.#int([...path, field], min) * 1000;
    const count = (field: string, fallback: number) =>
      absent(p[field]) ? fallback : this.#int([...path, field], 1);
    return {
      handler: this.#handler(path, named, false),
      initialDelayMs: seconds('initialDelaySeconds', PROBE_DEFAULTS.initialDelayMs, 0),
      periodMs: seconds('periodSeconds', PROBE_DEFAULTS.periodMs, 1),
      timeoutMs: seconds('timeoutSeconds', PROBE_DEFAULTS.timeoutMs, 1),
      successThreshold: count('successThreshold', PROBE_DEFAULTS.successThreshold),
      failureThreshold: count('failureThreshold', PROBE_DEFAULTS.failureThreshold),
    };
  }

  /** A probe's or lifecycle hook's handler (lifecycle hooks have `sleep`, probes `tcpSocket`). */
  #handler(path: Path, named: ReadonlyMap<string, unknown>, lifecycle: boolean): Handler {
    const h = this.#record(path);
    if (isRecord(h.httpGet)) {
      return {
        kind: 'httpGet',
        path: absent(h.httpGet.path) ? '/' : String(h.httpGet.path),
        port: this.#port([...path, 'httpGet', 'port'], named),
      };
    }
    if (isRecord(h.tcpSocket) && !lifecycle) {
      return { kind: 'tcpSocket', port: this.#port([...path, 'tcpSocket', 'port'], named) };
    }
    if (isRecord(h.exec)) {
      return { kind: 'exec', command: this.#strings([...path, 'exec', 'command']) };
    }
    if (isRecord(h.sleep) && lifecycle) {
      return { kind: 'sleep', ms: this.#int([...path, 'sleep', 'seconds'], 0) * 1000 };
    }
    return this.#fail(
      path,
      lifecycle ? 'exec, httpGet or sleep' : 'httpGet, tcpSocket or exec',
      Object.keys(h),
    );
  }

  /** A port number, or the name of one of the container's ports. */
  #port(path: Path, named: ReadonlyMap<string, unknown>): number {
    const value = get(this.#object.value, path);
    if (typeof value === 'string' && named.has(value)) {
      const port = named.get(value);
      if (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65_535)
        return port;
    }
    return this.#int(path, 1, 65_535);
  }

  #record(path: Path): Json {
    const value = get(this.#object.value, path);
    return isRecord(value) ? value : this.#fail(path, 'a mapping', value);
  }

  #int(path: Path, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = get(this.#object.value, path);
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    return this.#fail(
      path,
      `an integer ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `>= ${min}`}`,
      v,
    );
  }

  #strings(path: Path): string[] {
    const v = get(this.#object.value, path);
    return Array.isArray(v) && v.every((s) => typeof s === 'string' || typeof s === 'number')
      ? v.map(String)
      : this.#fail(path, 'a list of strings', v);
  }

  /** `Invalid manifest deploy.yaml:12:7: ` — where an editor should jump. */
  #where(path: Path): string {
    const { line, column } = locate(this.#object, path);
    return `Invalid manifest ${this.#file}:${line}:${column}: `;
  }

  #fail(
    path: Path,
    expected: string,
    received: unknown,
    code: LabErrorCode = 'ERR_LAMEDUCK_LAB_MANIFEST',
  ): never {
    throw new LabError(
      code,
      `${this.#where(path)}${formatPath(path)}: expected ${expected}, received ${JSON.stringify(received) ?? 'nothing'}`,
    );
  }
}
