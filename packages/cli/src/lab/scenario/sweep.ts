import { formatDuration, parseDuration } from 'lameduck/duration';
import { usageError } from '../../core/errors.js';
import type { ScenarioResult } from '../report/result.js';
import type { PlannedScenario } from './plan.js';
import { type LabDependencies, runLab } from './run-lab.js';
import type { LabSettings } from './run-scenario.js';

/** What `--sweep` can vary. */
export const SWEEP_PARAMS = ['drain-delay', 'prestop', 'propagation'] as const;
export type SweepParam = (typeof SWEEP_PARAMS)[number];

export interface Sweep {
  readonly param: SweepParam;
  /** The values to run, in ms, ascending. */
  readonly values: readonly number[];
}

/** Points of a sweep without a step: the two ends and three between. */
const DEFAULT_POINTS = 5;
const MAX_POINTS = 20;

/** `drain-delay=0s..8s`, `prestop=0s..10s:2s`, `propagation=500ms..4s` */
export function parseSweep(text: string): Sweep {
  const fail = (detail: string): never => {
    throw usageError(
      `Invalid --sweep: expected <param>=<from>..<to>[:<step>] with param ${SWEEP_PARAMS.join(', ')}, e.g. drain-delay=0s..8s, received "${text}" (${detail})`,
    );
  };
  // The start may have a decimal point of its own (`0.5s..2s`): the first `..` ends it.
  const m = /^([a-z-]+)=(.+?)\.\.([^:]+)(?::(.+))?$/.exec(text.trim());
  if (!m) return fail('not of that form');
  const [, param = '', fromText = '', toText = '', stepText] = m;
  if (!(SWEEP_PARAMS as readonly string[]).includes(param)) fail(`unknown param "${param}"`);
  const ms = (part: string) => {
    try {
      return parseDuration(part, '--sweep');
    } catch {
      return fail(`"${part}" is not a duration`);
    }
  };
  const from = ms(fromText);
  const to = ms(toText);
  if (to <= from) fail('the end must be above the start');
  const step = stepText === undefined ? (to - from) / (DEFAULT_POINTS - 1) : ms(stepText);
  if (step <= 0) fail('the step must be above 0');
  const values: number[] = [];
  for (let v = from; v <= to + 1e-6; v += step) values.push(Math.round(v));
  if (values.length > MAX_POINTS) fail(`${values.length} points; at most ${MAX_POINTS}`);
  return { param: param as SweepParam, values };
}

/**
 * One point of a sweep: the scenario and settings with the value applied. The drain delay is the
 * runtime library's `LAMEDUCK_DRAIN_DELAY` (apps that use lameduck); the preStop becomes a `sleep`
 * of that length (none at 0); both lengthen the grace period when it would not cover them plus
 * `extraMs` (the slowest request and a margin). The propagation becomes `fixed:<value>` for every
 * proxy while the scenario keeps the delays it was planned with: where it breaks is the question.
 */
export function sweepPoint(
  sweep: Sweep,
  value: number,
  planned: PlannedScenario,
  settings: LabSettings,
  extraMs: number,
): { planned: PlannedScenario; settings: LabSettings } {
  const template = planned.spec.template;
  const withTemplate = (next: typeof template): PlannedScenario => ({
    ...planned,
    spec: { ...planned.spec, template: next },
  });
  const grace = (needed: number) =>
    Math.max(template.terminationGracePeriodMs, Math.ceil((needed + extraMs) / 1000) * 1000);
  switch (sweep.param) {
    case 'drain-delay':
      return {
        settings,
        planned: withTemplate({
          ...template,
          env: {
            ...template.env,
            LAMEDUCK_DRAIN_DELAY: `${value}ms`,
            LAMEDUCK_GRACE_PERIOD: `${grace(value)}ms`,
          },
          terminationGracePeriodMs: grace(value),
        }),
      };
    case 'prestop': {
      const { preStop: _old, ...rest } = template;
      return {
        settings,
        planned: withTemplate({
          ...rest,
          ...(value > 0 ? { preStop: { kind: 'sleep', ms: value } } : {}),
          terminationGracePeriodMs: grace(value),
        }),
      };
    }
    case 'propagation':
      return {
        planned,
        settings: {
          ...settings,
          network: { ...settings.network, propagation: { kind: 'fixed', ms: value } },
        },
      };
  }
}

/** A sweep's outcome: one scenario result per value. */
export interface SweepResult {
  readonly param: SweepParam;
  readonly scenario: string;
  readonly points: readonly { readonly value: number; readonly result: ScenarioResult }[];
}

/** The value as a user wrote it (`2.5s`). */
export function formatSweepValue(ms: number): string {
  return formatDuration(ms);
}

/**
 * Runs the scenario once per value of the sweep, one after the other, and names each result after
 * its value (`lameduck drain-delay=2s`).
 */
export async function runSweep(
  sweep: Sweep,
  planned: PlannedScenario,
  settings: LabSettings,
  extraMs: number,
  deps: LabDependencies,
): Promise<SweepResult> {
  const points: { value: number; result: ScenarioResult }[] = [];
  for (const value of sweep.values) {
    if (deps.signal.aborted) break;
    const point = sweepPoint(sweep, value, planned, settings, extraMs);
    deps.progress?.(`${planned.name}: --sweep ${sweep.param}=${formatSweepValue(value)}`);
    const [result] = await runLab([point.planned], point.settings, deps);
    if (result) {
      points.push({
        value,
        result: { ...result, name: `${planned.name} ${sweep.param}=${formatSweepValue(value)}` },
      });
    }
  }
  if (deps.signal.aborted) throw deps.signal.reason ?? new Error('aborted');
  return { param: sweep.param, scenario: planned.name, points };
}
