import { readFileSync } from 'node:fs';
import { defineCommand } from '../args/spec.js';
import { usageError } from '../core/errors.js';
import { runLoad } from '../load/index.js';
import type { Cluster } from './cluster.js';
import { parseDistribution } from './distribution.js';
import { LabError } from './errors.js';
import { renderHtml } from './html.js';
import { removeStaleChains } from './iptables-proxy.js';
import { runLab } from './lab.js';
import { parseManifest } from './manifest.js';
import { LAB_OPTIONS, QUICK } from './options.js';
import { outputPath, toJson, writeAtomic } from './output.js';
import { planBuiltin, planUserApp } from './plan.js';
import { formatReport } from './report.js';
import { DEFAULT_GRACE_MS, SCENARIOS, type ScenarioName } from './scenarios.js';
import { splitCommand } from './split-command.js';

export default defineCommand({
  name: 'lab',
  summary: 'Run a real rolling update under load on this machine and count what it loses',
  description: `Starts pods as real processes on their own loopback addresses, a kubelet (probes, preStop,
SIGTERM, SIGKILL), an endpoint controller with several proxies that each learn of changes late, and a
deployment controller; sends load through the Service while it rolls out new revisions, and reports
every failed request by class. Without --cmd it runs the built-in scenarios side by side.
Needs no cluster and no root; as root on Linux each pod gets its own PID namespace, and
--proxy iptables programs real kernel DNAT rules.`,
  options: LAB_OPTIONS,
  examples: [
    'lameduck lab',
    'lameduck lab --quick --scenario naive,lameduck --html lab.html',
    'lameduck lab --cmd "node server.js" --manifest deploy.yaml --rollouts 3',
    'sudo lameduck lab --proxy iptables --ingress builtin',
  ],
  async run({ options, given, io, signal }) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const linux = process.platform === 'linux';
    if (options.proxy === 'iptables' && !(isRoot && linux)) {
      throw usageError(
        'lameduck lab: --proxy iptables needs root on Linux (it programs kernel NAT rules); received it as a non-root user. Use --proxy userspace or run as root.',
      );
    }
    if (options.pidNamespace === 'on' && !(isRoot && linux)) {
      throw usageError('lameduck lab: --pid-namespace on needs root on Linux; use auto or off.');
    }
    const quick = options.quick;
    const propagation = parseDistribution(
      given.has('propagation') || !quick ? options.propagation : QUICK.propagation,
    );
    const replicas = options.replicas ?? (quick ? QUICK.replicas : undefined);
    const rate = given.has('rate') || !quick ? options.rate : QUICK.rate;
    const planned = planScenarios(
      options,
      replicas,
      propagation,
      io.cwd,
      quick ? QUICK.graceMs : DEFAULT_GRACE_MS,
    );
    const pidNamespace =
      options.pidNamespace === 'on' || (options.pidNamespace === 'auto' && isRoot && linux);
    const limitations = pidNamespace
      ? []
      : [
          'no PID namespace (needs root on Linux): a shell as PID 1 dies on SIGTERM instead of ignoring it; the pod is SIGKILLed when its main process exits',
        ];
    if (options.proxy === 'iptables') await removeStaleChains(isAlive);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(io.env))
      if (v !== undefined && k !== 'NODE_TEST_CONTEXT') env[k] = v;
    let current: Cluster | undefined;
    // The lab's own process edge: if the process exits while a cluster runs (a crash), remove it.
    const onExit = () => current?.closeSync();
    process.once('exit', onExit);
    const settings = {
      rate,
      rollouts: options.rollouts,
      nodes: options.nodes,
      propagation,
      connections: options.connections,
      keepalive: options.keepalive === 'on',
      proxy: options.proxy,
      ingress: options.ingress,
      pidNamespace,
      rolloutTimeoutMs: options.rolloutTimeout,
      settleMs: quick ? QUICK.settleMs : 1_000,
    };
    let results: Awaited<ReturnType<typeof runLab>>;
    try {
      results = await runLab(planned, settings, {
        runLoad,
        baseEnv: env,
        cwd: io.cwd,
        pid: process.pid,
        signal,
        progress: (line) => io.stderr.write(`lab: ${line}\n`),
        onCluster: (cluster) => {
          current = cluster;
        },
      });
    } catch (error) {
      if (signal.aborted) {
        io.stderr.write(
          'lab: interrupted; every pod, socket and rule the lab created was removed\n',
        );
        return 130;
      }
      throw error;
    } finally {
      process.off('exit', onExit);
    }
    io.stdout.write(formatReport(results));
    for (const note of limitations) io.stdout.write(`note: ${note}\n`);
    const meta = {
      settings: { ...settings, propagation: options.propagation, quick },
      limitations,
    };
    if (options.json) writeAtomic(outputPath(io.cwd, options.json), toJson(results, meta));
    if (options.html) writeAtomic(outputPath(io.cwd, options.html), renderHtml(results, meta));
    return exitCode(results, options.cmd !== undefined || options.manifest !== undefined);
  },
});

function planScenarios(
  options: {
    scenario: string[];
    cmd?: string | undefined;
    manifest?: string | undefined;
    latency: number;
    port: number;
  },
  replicas: number | undefined,
  propagation: ReturnType<typeof parseDistribution>,
  cwd: string,
  graceMs: number,
) {
  if (options.cmd === undefined && options.manifest === undefined) {
    const scenarios = (options.scenario.length ? options.scenario : SCENARIOS) as ScenarioName[];
    return planBuiltin({
      scenarios,
      replicas,
      latencyMs: options.latency,
      port: options.port,
      propagation,
      node: process.execPath,
      graceMs,
    });
  }
  if (options.scenario.length)
    throw usageError(
      'lameduck lab: --scenario picks built-in scenarios; it cannot be combined with --cmd or --manifest',
    );
  let manifest: ReturnType<typeof parseManifest> | undefined;
  if (options.manifest !== undefined) {
    let text: string;
    try {
      text = readFileSync(outputPath(cwd, options.manifest), 'utf8');
    } catch (error) {
      throw new LabError(
        'ERR_LAMEDUCK_LAB_MANIFEST',
        `lameduck lab: cannot read --manifest ${options.manifest}: ${(error as Error).message}`,
      );
    }
    manifest = parseManifest(text, options.manifest);
  }
  const command = options.cmd !== undefined ? splitCommand(options.cmd) : manifest?.command;
  if (!command)
    throw usageError(
      `lameduck lab: the manifest ${options.manifest} has no container command; give one with --cmd "<command>"`,
    );
  return [planUserApp(command, manifest, { replicas, port: options.port })];
}

/** 1 when the check fails: a scenario could not finish, your app lost requests, or lameduck did. */
function exitCode(
  results: readonly { name: string; failed: number; error?: string }[],
  userApp: boolean,
): number {
  if (results.some((r) => r.error)) return 1;
  if (userApp) return results.some((r) => r.failed > 0) ? 1 : 0;
  return results.some((r) => r.name === 'lameduck' && r.failed > 0) ? 1 : 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
