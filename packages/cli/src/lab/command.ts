import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from '../args/spec.js';
import { usageError } from '../core/errors.js';
import type { Io } from '../core/io.js';
import { type OutputTarget, prepareOutput, writeOutput } from '../core/output.js';
import { runLoad } from '../load/index.js';
import { LabError } from './errors.js';
import { removeStaleChains } from './network/iptables-proxy.js';
import { LAB_OPTIONS, type LabOptions, type ResolvedLab, resolveLab } from './options.js';
import { renderHtml } from './report/html.js';
import { toJson } from './report/json.js';
import type { ScenarioResult } from './report/result.js';
import { formatReport } from './report/table.js';
import { SCENARIOS, type ScenarioName } from './scenario/builtin.js';
import { type PlannedScenario, planBuiltin, planUserApp } from './scenario/plan.js';
import { runLab } from './scenario/run-lab.js';
import type { SyncCleanup } from './scenario/run-scenario.js';
import { upperBound } from './spec/distribution.js';
import { type ManifestDeployment, readDeployment } from './spec/manifest.js';
import { splitCommand } from './spec/split-command.js';

export default defineCommand({
  name: 'lab',
  summary: 'Run a real rolling update under load on this machine and count what it loses',
  description: `Starts pods as real processes on their own loopback addresses, a kubelet (probes, preStop,
SIGTERM, SIGKILL), an endpoint controller with several proxies that each learn of changes late, and a
deployment controller; sends load through the Service while it rolls out new revisions, and reports
every failed request by class. Without --cmd it runs the built-in scenarios side by side.
Needs no cluster and no root; as root on Linux each pod gets its own PID namespace, and
--proxy iptables programs real kernel NAT rules.`,
  options: LAB_OPTIONS,
  examples: [
    'lameduck lab',
    'lameduck lab --quick --scenario naive,lameduck --html lab.html',
    'lameduck lab --cmd "node server.js" --manifest deploy.yaml --rollouts 3',
    'lameduck lab --quick --scenario lameduck --json=- | jq .scenarios[0].failed',
    'sudo lameduck lab --proxy iptables --ingress builtin',
  ],
  async run({ options, given, io, signal }) {
    const privileged =
      process.platform === 'linux' &&
      typeof process.getuid === 'function' &&
      process.getuid() === 0;
    const lab = resolveLab(options, given, { privileged });
    const { planned, ignored } = planScenarios(options, lab, io.cwd);
    // Every output is checked before the first pod starts: a path that cannot be written is a usage
    // error now, not a lost run later.
    const outputs = await prepareOutputs(options, io);
    const report = outputs.claimsStdout ? io.stderr : io.stdout;
    if (lab.settings.network.proxy === 'iptables') await removeStaleChains(isAlive);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(io.env))
      if (v !== undefined && k !== 'NODE_TEST_CONTEXT') env[k] = v;
    let running: SyncCleanup | undefined;
    // The lab's own process edge: if the process exits while a scenario runs (a crash), remove it.
    const onExit = () => running?.closeSync();
    process.once('exit', onExit);
    let results: ScenarioResult[];
    try {
      results = await runLab(planned, lab.settings, {
        runLoad,
        baseEnv: env,
        cwd: io.cwd,
        pid: process.pid,
        signal,
        progress: (line) => io.stderr.write(`lab: ${line}\n`),
        onRunning: (cleanup) => {
          running = cleanup;
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
    const limitations = [...lab.limitations, ...ignored];
    report.write(formatReport(results));
    for (const note of limitations) report.write(`note: ${note}\n`);
    const meta = { settings: lab.record, limitations };
    if (outputs.json) await writeOutput(outputs.json, toJson(results, meta), io);
    if (outputs.html) await writeOutput(outputs.html, renderHtml(results, meta), io);
    return exitCode(results, options.cmd !== undefined || options.manifest !== undefined);
  },
});

/** `--json` and `--html`, prepared; at most one of them may be standard output. */
async function prepareOutputs(options: LabOptions, io: Io) {
  const json =
    options.json === undefined ? undefined : await prepareOutput('--json', options.json, io);
  const html =
    options.html === undefined ? undefined : await prepareOutput('--html', options.html, io);
  const toStdout = (t: OutputTarget | undefined) => t?.kind === 'stream' && t.fd === 1;
  if (toStdout(json) && toStdout(html)) {
    throw usageError(
      `lameduck lab: --json ${options.json} and --html ${options.html} both write to standard output; give one of them a file`,
    );
  }
  // The table then goes to standard error, so that standard output stays one valid document.
  return { json, html, claimsStdout: toStdout(json) || toStdout(html) };
}

function planScenarios(
  options: LabOptions,
  lab: ResolvedLab,
  cwd: string,
): { planned: PlannedScenario[]; ignored: readonly string[] } {
  const port = options.port;
  if (options.cmd === undefined && options.manifest === undefined) {
    const scenarios = (options.scenario.length ? options.scenario : SCENARIOS) as ScenarioName[];
    const planned = planBuiltin({
      scenarios,
      replicas: lab.replicas,
      latencyMs: options.latency,
      port,
      propagationMaxMs: upperBound(lab.settings.network.propagation),
      node: process.execPath,
      graceMs: lab.graceMs,
    });
    return { planned, ignored: [] };
  }
  if (options.scenario.length)
    throw usageError(
      'lameduck lab: --scenario picks built-in scenarios; it cannot be combined with --cmd or --manifest',
    );
  let manifest: ManifestDeployment | undefined;
  if (options.manifest !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, options.manifest), 'utf8');
    } catch (error) {
      throw new LabError(
        'ERR_LAMEDUCK_LAB_MANIFEST',
        `lameduck lab: cannot read --manifest ${options.manifest}: ${(error as Error).message}`,
      );
    }
    manifest = readDeployment(text, options.manifest);
  }
  const command = options.cmd !== undefined ? splitCommand(options.cmd) : manifest?.command;
  if (!command)
    throw usageError(
      `lameduck lab: the manifest ${options.manifest} has no container command; give one with --cmd "<command>"`,
    );
  return {
    planned: [planUserApp(command, manifest, { replicas: lab.replicas, port })],
    ignored: manifest?.ignored ?? [],
  };
}

/** 1 when the check fails: a scenario could not finish, your app lost requests, or lameduck did. */
function exitCode(results: readonly ScenarioResult[], userApp: boolean): number {
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
