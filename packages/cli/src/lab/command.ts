import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from '../args/spec.js';
import { usageError } from '../core/errors.js';
import type { Io } from '../core/io.js';
import { type OutputTarget, prepareOutput, writeOutput } from '../core/output.js';
import { runLoad } from '../load/index.js';
import { LabError } from './errors.js';
import { removeStaleChains } from './network/iptables-proxy.js';
import { removeStaleServerDirs } from './network/server-process.js';
import { LAB_OPTIONS, type LabOptions, type ResolvedLab, resolveLab } from './options.js';
import { renderHtml } from './report/html.js';
import { toJson } from './report/json.js';
import type { ScenarioResult } from './report/result.js';
import { formatReport, formatSweep } from './report/table.js';
import { SCENARIOS, type ScenarioName } from './scenario/builtin.js';
import { type PlannedScenario, planBuiltin, planUserApp } from './scenario/plan.js';
import { runLab } from './scenario/run-lab.js';
import type { SyncCleanup } from './scenario/run-scenario.js';
import { parseSweep, runSweep, type SweepResult } from './scenario/sweep.js';
import { parseDistribution, upperBound } from './spec/distribution.js';
import { type ManifestDeployment, readDeployment } from './spec/manifest.js';
import { splitCommand } from './spec/split-command.js';

export default defineCommand({
  name: 'lab',
  summary: 'Run a real rolling update under load on this machine and count what it loses',
  description: `Starts pods as real processes on their own loopback addresses, a kubelet (probes, preStop,
SIGTERM, SIGKILL), an endpoint controller with several proxies that each learn of changes late, and a
deployment controller; sends load through the Service while it rolls out new revisions, and reports
every failed request by class. Without --cmd it runs the built-in scenarios side by side.
Needs no cluster and no root; as root on Linux each pod gets its own PID namespace and the
Service is real kernel NAT rules (iptables). --ingress nginx and --ingress haproxy run the real
servers; --lb cloud puts a cloud load balancer with --lb-drain in front of the pods.`,
  options: LAB_OPTIONS,
  examples: [
    'lameduck lab',
    'lameduck lab --quick --scenario naive,lameduck --html lab.html',
    'lameduck lab --cmd "node server.js" --manifest deploy.yaml --rollouts 3',
    'lameduck lab --quick --scenario lameduck --json=- | jq .scenarios[0].failed',
    'sudo lameduck lab --ingress nginx --scenario graceful-no-delay,lameduck',
    'lameduck lab --scenario lameduck --sweep drain-delay=0s..4s',
  ],
  async run({ options, given, io, signal }) {
    const privileged =
      process.platform === 'linux' &&
      typeof process.getuid === 'function' &&
      process.getuid() === 0;
    const userApp = options.cmd !== undefined || options.manifest !== undefined;
    const lab = resolveLab(options, given, { privileged, has: hasCommand }, userApp);
    const { planned, ignored } = planScenarios(options, given, lab, io.cwd);
    const sweep = options.sweep === undefined ? undefined : parseSweep(options.sweep);
    if (sweep && planned.length !== 1) {
      throw usageError(
        `lameduck lab: --sweep runs one scenario across a range; pick one with --scenario (received ${planned.length})`,
      );
    }
    // Every output is checked before the first pod starts: a path that cannot be written is a usage
    // error now, not a lost run later.
    const outputs = await prepareOutputs(options, io);
    const report = outputs.claimsStdout ? io.stderr : io.stdout;
    for (const notice of lab.notices) io.stderr.write(`lab: ${notice}\n`);
    if (lab.settings.network.proxy === 'iptables') await removeStaleChains(isAlive);
    removeStaleServerDirs(isAlive);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(io.env))
      if (v !== undefined && k !== 'NODE_TEST_CONTEXT') env[k] = v;
    let running: SyncCleanup | undefined;
    // The lab's own process edge: if the process exits while a scenario runs (a crash), remove it.
    const onExit = () => running?.closeSync();
    process.once('exit', onExit);
    const deps = {
      runLoad,
      baseEnv: env,
      cwd: io.cwd,
      pid: process.pid,
      signal,
      progress: (line: string) => io.stderr.write(`lab: ${line}\n`),
      onRunning: (cleanup: SyncCleanup | undefined) => {
        running = cleanup;
      },
    };
    let results: ScenarioResult[];
    let swept: SweepResult | undefined;
    try {
      if (sweep) {
        const [only] = planned as [PlannedScenario];
        const slowMs = userApp ? 0 : upperBound(parseDistribution(lab.latency.slow));
        swept = await runSweep(sweep, only, lab.settings, slowMs + 2_000, deps);
        results = swept.points.map((p) => p.result);
      } else {
        results = await runLab(planned, lab.settings, { ...deps, parallel: options.parallel });
      }
    } catch (error) {
      if (signal.aborted) {
        io.stderr.write(
          'lab: interrupted; every pod, socket, rule and server the lab created was removed\n',
        );
        return 130;
      }
      throw error;
    } finally {
      process.off('exit', onExit);
    }
    const limitations = [...lab.limitations, ...ignored];
    report.write(formatReport(results));
    if (swept) report.write(formatSweep(swept));
    for (const note of limitations) report.write(`note: ${note}\n`);
    const meta = { settings: lab.record, limitations };
    if (outputs.json) await writeOutput(outputs.json, toJson(results, meta, swept), io);
    if (outputs.html) await writeOutput(outputs.html, renderHtml(results, meta, swept), io);
    return exitCode(results, userApp, swept !== undefined);
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
  given: ReadonlySet<string>,
  lab: ResolvedLab,
  cwd: string,
): { planned: PlannedScenario[]; ignored: readonly string[] } {
  if (options.cmd === undefined && options.manifest === undefined) {
    const scenarios = (
      options.scenario.length ? options.scenario : options.sweep ? ['lameduck'] : SCENARIOS
    ) as ScenarioName[];
    const planned = planBuiltin({
      scenarios,
      replicas: lab.replicas,
      latency: lab.latency,
      port: options.port,
      propagationMaxMs: upperBound(lab.settings.network.propagation),
      node: process.execPath,
      graceMs: lab.graceMs,
      lbDrainMs: lab.lbDrainMs,
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
    planned: [
      planUserApp(command, manifest, {
        replicas: lab.replicas,
        port: given.has('port') ? options.port : undefined,
      }),
    ],
    ignored: manifest?.ignored ?? [],
  };
}

/**
 * 1 when the check fails: a scenario could not finish, your app lost requests, or lameduck did. A
 * sweep looks for where failures start: only a run that could not finish fails it.
 */
function exitCode(results: readonly ScenarioResult[], userApp: boolean, sweep: boolean): number {
  if (results.some((r) => r.error)) return 1;
  if (sweep) return 0;
  if (userApp) return results.some((r) => r.failed > 0) ? 1 : 0;
  return results.some((r) => r.name === 'lameduck' && r.failed > 0) ? 1 : 0;
}

/** A command on PATH (or in /usr/sbin), or a file given by its absolute path. */
function hasCommand(command: string): boolean {
  if (command.startsWith('/')) return existsSync(command);
  return (
    spawnSync('sh', ['-c', `command -v "${command}" || test -x "/usr/sbin/${command}"`], {
      stdio: 'ignore',
    }).status === 0
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
