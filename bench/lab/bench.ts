// `npm run bench -- lab`: every built-in scenario in every data path — the userspace proxy, kube-proxy's
// iptables rules, real nginx (as ingress-nginx runs it) and haproxy, and a cloud load balancer with
// and without connection draining — through consecutive rolling updates under the lab's realistic
// traffic (a long tail, POSTs, a keep-alive pool, a connection per request, HTTP/2 where the front
// speaks it). LAMEDUCK_BENCH_QUICK=1 runs a small version: 2 rolling updates at 200 rps.
// LAMEDUCK_BENCH_LAB_PATHS=userspace,nginx picks data paths.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { NetworkSettings } from '../../packages/cli/src/lab/network/data-path.ts';
import { LUA_MODULES } from '../../packages/cli/src/lab/network/nginx.ts';
import type { ScenarioResult } from '../../packages/cli/src/lab/report/result.ts';
import { formatClasses } from '../../packages/cli/src/lab/report/table.ts';
import { DEFAULT_GRACE_MS, SCENARIOS } from '../../packages/cli/src/lab/scenario/builtin.ts';
import { planBuiltin } from '../../packages/cli/src/lab/scenario/plan.ts';
import { runLab } from '../../packages/cli/src/lab/scenario/run-lab.ts';
import {
  mean,
  parseDistribution,
  upperBound,
} from '../../packages/cli/src/lab/spec/distribution.ts';
import { DEFAULT_MIX, parseMix } from '../../packages/cli/src/lab/traffic/mix.ts';
import { runLoad } from '../../packages/cli/src/load/index.ts';
import type { BenchSuite } from '../run.ts';

const quick = process.env.LAMEDUCK_BENCH_QUICK === '1';
const rate = quick ? 200 : 1_000;
const rollouts = quick ? 2 : 10;
const propagationText = 'uniform:100ms..1.5s';
const latency = { base: 'exp:20ms..500ms', slowShare: 0.01, slow: 'uniform:2.5s..3.5s' };
/** The cloud load balancer's draining in the "with draining" column (the story's 30 s, lab-sized). */
const LB_DRAIN_MS = 2_000;

const has = (command: string) =>
  spawnSync('sh', ['-c', `command -v "${command}" || test -x "/usr/sbin/${command}"`], {
    stdio: 'ignore',
  }).status === 0;

interface Column {
  readonly name: string;
  readonly network: Pick<NetworkSettings, 'proxy' | 'ingress' | 'lb' | 'lbDrainMs'>;
  /** Why it cannot run here, if it cannot. */
  readonly missing: string | false;
  /**
   * The data path itself cuts the requests in flight on a backend it removes (a load balancer
   * without connection draining: the keepalive-lb story), so no app can reach zero there.
   */
  readonly cutsInFlight?: true;
}

function columns(isRoot: boolean): Column[] {
  const proxy = isRoot && has('iptables-restore') ? 'iptables' : 'userspace';
  const all: Column[] = [
    {
      name: 'userspace',
      network: { proxy: 'userspace', ingress: 'off', lb: 'off', lbDrainMs: undefined },
      missing: false,
    },
    {
      name: 'iptables',
      network: { proxy: 'iptables', ingress: 'off', lb: 'off', lbDrainMs: undefined },
      missing: isRoot && has('iptables-restore') ? false : 'needs root and iptables',
    },
    {
      name: 'nginx',
      network: { proxy, ingress: 'nginx', lb: 'off', lbDrainMs: undefined },
      missing:
        has('nginx') && LUA_MODULES.every((m) => existsSync(m))
          ? false
          : 'needs nginx with its Lua module',
    },
    {
      name: 'haproxy',
      network: { proxy, ingress: 'haproxy', lb: 'off', lbDrainMs: undefined },
      missing: has('haproxy') ? false : 'needs haproxy',
    },
    {
      name: 'cloud LB, no draining',
      network: { proxy, ingress: 'off', lb: 'cloud', lbDrainMs: undefined },
      missing: false,
      cutsInFlight: true,
    },
    {
      name: `cloud LB, draining ${LB_DRAIN_MS / 1000} s`,
      network: { proxy, ingress: 'off', lb: 'cloud', lbDrainMs: LB_DRAIN_MS },
      missing: false,
    },
  ];
  const wanted = process.env.LAMEDUCK_BENCH_LAB_PATHS?.split(',').map((s) => s.trim());
  return wanted ? all.filter((c) => wanted.some((w) => c.name.startsWith(w))) : all;
}

const cell = (r: ScenarioResult | undefined): string => {
  if (!r) return '—';
  if (r.error) return `error: ${r.error.slice(0, 60)}`;
  const pct = ((100 * r.failed) / Math.max(1, r.requests)).toFixed(2);
  return r.failed === 0
    ? `**0** / ${r.requests}`
    : `${r.failed} / ${r.requests} (${pct} %): ${formatClasses(r.failures)}`;
};

const suite: BenchSuite = {
  title:
    'lab: every seed story in every data path, consecutive rolling updates under realistic traffic',
  async run({ log }) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const propagation = parseDistribution(propagationText);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    const meanLatencyMs =
      (1 - latency.slowShare) * mean(parseDistribution(latency.base)) +
      latency.slowShare * mean(parseDistribution(latency.slow));
    const cols = columns(isRoot);
    const results = new Map<string, ScenarioResult[]>();
    for (const column of cols) {
      if (column.missing) {
        log(`${column.name}: skipped (${column.missing})`);
        continue;
      }
      log(
        `${column.name}: ${SCENARIOS.length} scenarios × ${rollouts} rolling updates at ${rate} rps`,
      );
      results.set(
        column.name,
        await runLab(
          planBuiltin({
            scenarios: SCENARIOS,
            replicas: 3,
            latency,
            port: 8080,
            propagationMaxMs: upperBound(propagation),
            node: process.execPath,
            graceMs: DEFAULT_GRACE_MS,
          }),
          {
            traffic: {
              rate,
              mix: parseMix(DEFAULT_MIX),
              connections: 'auto',
              postBytes: 2048,
              meanLatencyMs,
            },
            network: { ...column.network, nodes: 3, propagation },
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
        ),
      );
    }
    const ran = cols.filter((c) => results.has(c.name));
    const head = `| scenario | ${ran.map((c) => c.name).join(' | ')} |\n|---|${ran.map(() => '---').join('|')}|`;
    const rows = SCENARIOS.map(
      (name) =>
        `| ${name} | ${ran.map((c) => cell(results.get(c.name)?.find((r) => r.name === name))).join(' | ')} |`,
    );
    const lameduckZero = ran
      .filter((c) => !c.cutsInFlight)
      .every((c) => {
        const r = results.get(c.name)?.find((x) => x.name === 'lameduck');
        return r !== undefined && r.failed === 0 && !r.error;
      });
    const accounting = ran.map((c) => {
      const rs = results.get(c.name) ?? [];
      const scheduled = rs.reduce((s, r) => s + r.traffic.scheduled, 0);
      const expected = rs.reduce((s, r) => s + r.traffic.expected, 0);
      const late = rs.reduce((s, r) => s + r.traffic.late, 0);
      const unsent = rs.reduce((s, r) => s + r.traffic.scheduled - r.traffic.sent, 0);
      const warned = rs.filter((r) => r.traffic.warnings.length > 0).length;
      return `| ${c.name} | ${scheduled} | ${expected} (× ${(scheduled / Math.max(1, expected)).toFixed(3)}) | ${late} (${((100 * late) / Math.max(1, scheduled)).toFixed(1)} %) | ${unsent} | ${warned} of ${rs.length} |`;
    });
    const skipped = cols.filter((c) => c.missing).map((c) => `${c.name} (${c.missing})`);
    return `${rollouts} consecutive rolling updates per scenario and data path at ${rate} requests/s, all
clients together: \`${DEFAULT_MIX}\` (HTTP/2 only where the front end speaks it, else its share goes to
the keep-alive pool), pools sized from rate × latency, POST bodies of 2 KiB. Demo app latency
\`${latency.base}\`, ${latency.slowShare * 100} % of requests \`${latency.slow}\` (longer than
\`lameduck\`'s drain delay of 2.5 s). 3 replicas, RollingUpdate 25 %/25 %, 3 nodes with propagation
\`${propagationText}\`, grace ${DEFAULT_GRACE_MS / 1000} s${isRoot ? ', one PID namespace per pod' : ', no PID namespaces (not root)'}.
Ingress and load-balancer columns run over the ${isRoot ? 'iptables' : 'userspace'} Service data path.
${skipped.length ? `Not run on this machine: ${skipped.join(', ')}.\n` : ''}
Each cell: failed / requests (share): failures by class. **\`lameduck\` at 0 in every cell where an app can be: ${lameduckZero ? 'yes' : 'NO'}** (${ran
      .filter((c) => c.cutsInFlight)
      .map((c) => `"${c.name}"`)
      .join(
        ', ',
      )} cuts what is in flight on a backend it removes, whatever the app does: the keepalive-lb story).

${head}
${rows.join('\n')}

Accounting per data path (every request scheduled is counted once as ok or failed; the lab checks
the schedule against rate × how long the load ran; "late" were sent more than 10 ms after they were
due, "never sent" timed out waiting for a free connection and count as timeouts):

| data path | scheduled | expected at the rate | late | never sent | scenarios with a client warning |
|---|---:|---:|---:|---:|---:|
${accounting.join('\n')}

Reproduce: \`npm run bench -- lab\` (quick: \`LAMEDUCK_BENCH_QUICK=1 npm run bench -- lab\`; some data
paths: \`LAMEDUCK_BENCH_LAB_PATHS=nginx,haproxy\`). One cell by hand:
\`lameduck lab --scenario graceful-no-delay --ingress nginx --rate ${rate} --rollouts ${rollouts}\`.
`;
  },
};

export default suite;
