// `lameduck load`: the command's edge. It reads the parsed flags, picks the system clock, prepares
// the output files, starts the command after `--`, runs the load and reports; the rest of load/
// receives what it needs as arguments. `lameduck load merge …` is handled in cli/merge-command.ts.
import type { Writable } from 'node:stream';
import { defineCommand } from '../args/spec.js';
import { anySignal } from '../core/abort.js';
import { type Clock, sleep, systemClock } from '../core/clock.js';
import { LOAD_FLAGS, type LoadContext } from './cli/flags.js';
import { runMerge } from './cli/merge-command.js';
import { loadOptionsFromFlags, thresholdsFromFlags } from './cli/options-from-flags.js';
import { prepareReports, stdoutTaken, writeReports } from './cli/reports.js';
import {
  checkThresholds,
  type RunProgress,
  type Thresholds,
  verdictSettled,
} from './cli/thresholds.js';
import { verdictOf } from './cli/verdict.js';
import { commandSucceeded, startWatchedCommand } from './cli/watched-command.js';
import { constantArrivals, rampArrivals } from './engine/arrivals.js';
import type { LoadOptions } from './options.js';
import { type CommandOutcome, type LoadReport, REPORT_VERSION } from './report/json.js';
import { Progress } from './report/progress.js';
import type { LoadResult, RequestRecord } from './result.js';
import { runLoad } from './run-load.js';

/** The signal lameduck received (`received SIGINT`), to pass on to the command. */
function receivedSignal(signal: AbortSignal): NodeJS.Signals {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
  return (/\b(SIG[A-Z]+)\b/.exec(reason)?.[1] as NodeJS.Signals | undefined) ?? 'SIGTERM';
}

/** How many requests the whole run schedules, when that is known in advance. */
function expectedRequests(options: LoadOptions): number | null {
  if (options.durationMs === undefined || options.closedLoop) return null;
  const arrivals = options.ramp
    ? rampArrivals(options.ramp)
    : constantArrivals(options.rate as number);
  return arrivals.countBefore(options.durationMs) * 1;
}

interface Supervision {
  readonly end: AbortController;
  readonly clock: Clock;
  readonly output: Writable;
  /** When the load started, on the clock. */
  readonly loadStart: number;
  /** The whole run's bound (an explicit --duration), or undefined. */
  readonly durationMs: number | undefined;
  /** Whether `--abort-on-fail` ended the run (the command is then stopped, not timed out). */
  readonly abortedOnFail: () => boolean;
}

/**
 * Runs the command after `--`: after `--before` of load, until it exits (not until its output pipes
 * close), then `--tail` more of load. An explicit `--duration` bounds it all: a command still running
 * then gets SIGTERM, and SIGKILL `--kill-after` later (`timed-out`). Ctrl-C or SIGTERM to lameduck
 * is passed on to it.
 */
async function superviseCommand(context: LoadContext, s: Supervision): Promise<CommandOutcome> {
  const { options, io, signal } = context;
  const { end, clock, loadStart } = s;
  const since = (t: number) => Math.round(t - loadStart);
  const deadline = new AbortController();
  const cancelDeadline =
    s.durationMs === undefined
      ? () => {}
      : clock.setTimer(
          () => deadline.abort(),
          Math.max(0, s.durationMs - (clock.now() - loadStart)),
          true,
        );
  const stop = anySignal(signal, end.signal, deadline.signal);
  try {
    await sleep(clock, options.before, stop);
    if (stop.aborted) {
      // interrupted (or over) during the baseline: the command never started
      const now = since(clock.now());
      return {
        argv: [...context.rest],
        exitCode: null,
        signal: null,
        error: 'the run ended during --before, before it started',
        durationMs: 0,
        timedOut: false,
        startedAtMs: now,
        endedAtMs: now,
      };
    }
    const command = startWatchedCommand(
      context.rest,
      io,
      { stdout: s.output, stderr: io.stderr },
      clock,
    );
    const stopped = new Promise<'stopped'>((resolve) => {
      if (stop.aborted) resolve('stopped');
      else stop.addEventListener('abort', () => resolve('stopped'), { once: true });
    });
    const first = await Promise.race([command.done, stopped]);
    let outcome: CommandOutcome;
    if (first !== 'stopped') {
      outcome = first;
      if (outcome.error === null) await sleep(clock, options.tail, stop);
    } else if (signal.aborted) {
      outcome = await command.terminate(receivedSignal(signal), options.killAfter, false);
    } else {
      // --duration ended (timed out), or --abort-on-fail stopped the run
      outcome = await command.terminate('SIGTERM', options.killAfter, !s.abortedOnFail());
    }
    await command.detach();
    return {
      ...outcome,
      startedAtMs: since(outcome.startedAtMs),
      endedAtMs: since(outcome.endedAtMs),
    };
  } finally {
    cancelDeadline();
    end.abort();
  }
}

/** `--abort-on-fail`: ends the run as soon as a threshold can no longer pass. */
function abortOnFail(
  thresholds: Thresholds,
  expected: number | null,
  end: AbortController,
): { onRequest: (r: RequestRecord) => void; reason: () => string | null } {
  const progress: RunProgress = { failed: 0, failures: {}, slow: 0 };
  let reason: string | null = null;
  return {
    onRequest(record) {
      if (record.outcome === 'ok') {
        if (thresholds.maxP99Ms !== null && record.latencyMs > thresholds.maxP99Ms) progress.slow++;
      } else {
        progress.failed++;
        progress.failures[record.outcome] = (progress.failures[record.outcome] ?? 0) + 1;
      }
      if (reason !== null) return;
      reason = verdictSettled(progress, thresholds, expected);
      if (reason !== null) end.abort();
    },
    reason: () => reason,
  };
}

async function run(context: LoadContext): Promise<number> {
  if (context.positionals[0] === 'merge') return runMerge(context);
  const { options, io } = context;
  const clock = systemClock;
  // every check that can fail happens here, before the command starts or a request is sent
  const loadOptions = await loadOptionsFromFlags(context);
  const thresholds = thresholdsFromFlags(context);
  const reports = await prepareReports(context);
  // standard output carries a report: the text and the command's output go to stderr
  const text = stdoutTaken(reports) ? io.stderr : io.stdout;
  const withCommand = context.rest.length > 0;
  const live = !options.quiet && !withCommand && io.stderr.isTTY === true && !io.env.CI;
  const progress = live ? new Progress((t) => io.stderr.write(t)) : undefined;
  const end = new AbortController();
  const watch = options.abortOnFail
    ? abortOnFail(thresholds, expectedRequests(loadOptions), end)
    : undefined;
  const loadStart = clock.now();
  const commandDone = withCommand
    ? superviseCommand(context, {
        end,
        clock,
        output: text,
        loadStart,
        durationMs: context.given.has('duration') ? options.duration : undefined,
        abortedOnFail: () => (watch?.reason() ?? null) !== null,
      })
    : undefined;
  let result: LoadResult;
  try {
    result = await runLoad(
      {
        ...loadOptions,
        signal: context.signal,
        endSignal: end.signal,
        ...(watch ? { onRequest: watch.onRequest } : {}),
        ...(progress ? { onSecond: (s) => progress.second(s) } : {}),
      },
      { clock },
    );
  } finally {
    end.abort();
    progress?.clear();
  }
  const command = await commandDone;
  const checks = checkThresholds(result, thresholds);
  const abortedOnFail = watch?.reason() ?? null;
  const verdict = verdictOf({
    result,
    checks,
    command,
    interrupted: context.signal.aborted,
    abortedOnFail,
  });
  const json: LoadReport = {
    version: REPORT_VERSION,
    ...result,
    ...(command ? { command } : {}),
    passed: verdict.passed,
    thresholds: checks,
    abortedOnFail,
  };
  await writeReports(
    reports,
    {
      result,
      checks,
      verdict,
      json,
      command,
      commandSucceeded: command === undefined || commandSucceeded(command),
    },
    context,
    'lameduck load',
  );
  return verdict.exitCode;
}

const load = defineCommand({
  name: 'load',
  summary: 'Send requests at a fixed rate and count every failure, by class, per second',
  description:
    'Sends requests at a fixed rate (open model) and counts every failed request by class\n' +
    '(refused, reset, closed-before-response, timeout, dns, tls, http-502, http-503, http-504,\n' +
    'http-5xx, goaway-<code>, …) on a per-second timeline. Latency counts from the scheduled send.\n' +
    'With `-- <command>`, the load starts --before the command, runs while it runs, plus --tail.\n' +
    '`--json -` writes the JSON result to standard output (the text report then goes to stderr).\n' +
    '`lameduck load merge a.json b.json … [--html f] [--json f]` combines the reports of several runs.\n' +
    'Exit codes: 0 when every threshold holds (by default: no request failed), 1 when one does not\n' +
    'or the command failed, 2 for usage errors (found before any request is sent), 130 when\n' +
    'interrupted.',
  positionals: [
    {
      name: 'url',
      description: 'http:// or https:// URL to load (or: merge <report.json>...)',
      variadic: true,
    },
  ],
  rest: 'Run this command (e.g. a rollout) and load the URL for as long as it runs',
  options: LOAD_FLAGS,
  examples: [
    'lameduck load http://127.0.0.1:8080/health --rate 500 --duration 30s',
    'lameduck load https://api.example.test/health --json result.json -- kubectl rollout restart deploy/api',
    'lameduck load http://localhost:3000/ --keepalive off --max-failure-rate 0.1 --junit load.xml',
    'lameduck load --targets targets.json --ramp 100..2000/1m --max-p99 250ms --abort-on-fail',
    'lameduck load http://127.0.0.1:8080/ --duration 5s --quiet --json - | jq .totals',
    'lameduck load merge pod-0.json pod-1.json pod-2.json --html report.html',
  ],
  run,
});

export default load;
