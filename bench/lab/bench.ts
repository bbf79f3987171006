// `npm run bench -- lab`: consecutive rolling updates under keep-alive load, every built-in scenario
// side by side. LAMEDUCK_BENCH_QUICK=1 runs a small version (CI): 2 rolling updates at 200 rps.

import { formatClasses } from '../../packages/cli/src/lab/report/table.ts';
import { DEFAULT_GRACE_MS, SCENARIOS } from '../../packages/cli/src/lab/scenario/builtin.ts';
import { planBuiltin } from '../../packages/cli/src/lab/scenario/plan.ts';
import { runLab } from '../../packages/cli/src/lab/scenario/run-lab.ts';
import { parseDistribution, upperBound } from '../../packages/cli/src/lab/spec/distribution.ts';
import { runLoad } from '../../packages/cli/src/load/index.ts';
import type { BenchSuite } from '../run.ts';

const quick = process.env.LAMEDUCK_BENCH_QUICK === '1';
const rate = quick ? 200 : 1_000;
const rollouts = quick ? 2 : 10;
const propagationText = 'uniform:100ms..1.5s';

const suite: BenchSuite = {
  title: 'lab: consecutive rolling updates under keep-alive load',
  async run({ log }) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const propagation = parseDistribution(propagationText);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    const results = await runLab(
      planBuiltin({
        scenarios: SCENARIOS,
        replicas: 3,
        latencyMs: 50,
        port: 8080,
        propagationMaxMs: upperBound(propagation),
        node: process.execPath,
        graceMs: DEFAULT_GRACE_MS,
      }),
      {
        traffic: { rate, connections: 64, keepalive: true },
        network: { proxy: 'userspace', ingress: 'off', nodes: 3, propagation },
        kubelet: { pidNamespace: isRoot && process.platform === 'linux' },
        rollout: { rollouts, rolloutTimeoutMs: 120_000, settleMs: 1_000 },
      },
      {
        runLoad,
        baseEnv: env,
        cwd: process.cwd(),
        pid: process.pid,
        signal: new AbortController().signal,
        progress: log,
      },
    );
    const fastest = Math.min(...results.filter((r) => r.rolloutMs > 0).map((r) => r.rolloutMs));
    const best = results.reduce((a, b) =>
      b.failed / Math.max(1, b.requests) < a.failed / Math.max(1, a.requests) ? b : a,
    );
    const rows = results.map((r) => {
      const rolloutRatio = r.rolloutMs > 0 ? (r.rolloutMs / fastest).toFixed(2) : '—';
      const extra = r.failed - best.failed;
      return `| ${r.name} | ${r.requests} | ${r.failed} (${((100 * r.failed) / Math.max(1, r.requests)).toFixed(2)} %) | ${extra === 0 ? 'best' : `+${extra}`} | ${formatClasses(r.failures)} | ${(r.rolloutMs / 1000).toFixed(1)} s (× ${rolloutRatio}) | ${(r.longestTerminationMs / 1000).toFixed(1)} s |${r.error ? ` ${r.error}` : ''}`;
    });
    return `${rollouts} consecutive rolling updates per scenario at ${rate} requests/s (open model, keep-alive,
64 connections), 3 replicas, RollingUpdate 25 %/25 %, userspace proxy on 3 nodes with propagation
\`${propagationText}\`, demo app latency 50 ms, grace ${DEFAULT_GRACE_MS / 1000} s${isRoot ? ', one PID namespace per pod' : ', no PID namespaces (not root)'}.
Failures are compared with the best scenario of the same run ("vs best": extra failed requests);
rollout time as a ratio to the fastest scenario.

| scenario | requests | failed | vs best | failures by class | ${rollouts} rollouts | longest termination |
|---|---:|---:|---:|---|---:|---:|
${rows.join('\n')}

Reproduce: \`npm run bench -- lab\` (quick CI version: \`LAMEDUCK_BENCH_QUICK=1 npm run bench -- lab\`;
one scenario by hand: \`lameduck lab --scenario naive --rate ${rate} --rollouts ${rollouts} --connections 64\`).
`;
  },
};

export default suite;
