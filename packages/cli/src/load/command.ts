// `lameduck load`: the command's edge. It reads the parsed flags, picks the system clock, prepares
// the output files, starts the command after `--`, runs the load and reports; the rest of load/
// receives what it needs as arguments.
import type { Writable } from 'node:stream';
import { defineCommand } from '../args/spec.js';
import { type Clock, sleep, systemClock } from '../core/clock.js';
import { usageError } from '../core/errors.js';
import { useColor } from '../core/io.js';
import { type OutputTarget, prepareOutput, writeOutput } from '../core/output.js';
import { LOAD_FLAGS, type LoadContext } from './cli/flags.js';
import { loadOptionsFromFlags } from './cli/options-from-flags.js';
import { verdictOf } from './cli/verdict.js';
import { startWatchedCommand } from './cli/watched-command.js';
import { htmlReport } from './report/html.js';
import { type CommandOutcome, jsonReport, type LoadReport } from './report/json.js';
import { Progress } from './report/progress.js';
import { ansi, plain, textReport } from './report/text.js';
import type { LoadResult } from './result.js';
import { runLoad } from './run-load.js';

const writesToStdout = (target: OutputTarget | undefined) =>
  target?.kind === 'stream' && target.fd === 1;

/** Checks before the run that every report can be written where asked; undefined when not asked. */
async function prepareReports(context: LoadContext) {
  const { options, io } = context;
  const json =
    options.json === undefined ? undefined : await prepareOutput('--json', options.json, io);
  const html =
    options.html === undefined ? undefined : await prepareOutput('--html', options.html, io);
  if (writesToStdout(json) && writesToStdout(html)) {
    throw usageError('lameduck load: --json and --html cannot both write to standard output');
  }
  return { json, html };
}

/** Runs the command after `--` while the load runs; ends the load --tail after it exits. */
async function watchCommand(
  context: LoadContext,
  end: AbortController,
  stdout: Writable,
  clock: Clock,
): Promise<CommandOutcome> {
  const { io, signal } = context;
  const command = startWatchedCommand(context.rest, io, { stdout, stderr: io.stderr }, clock);
  const onAbort = () => command.kill('SIGTERM');
  signal.addEventListener('abort', onAbort, { once: true });
  const outcome = await command.done;
  signal.removeEventListener('abort', onAbort);
  if (outcome.error === null) await sleep(clock, context.options.tail, signal);
  end.abort();
  return outcome;
}

async function run(context: LoadContext): Promise<number> {
  const { options, io } = context;
  const clock = systemClock;
  // every check that can fail happens here, before the command starts or a request is sent
  const loadOptions = await loadOptionsFromFlags(context);
  const reports = await prepareReports(context);
  // standard output carries the JSON (or HTML) report: the text and the command's output go to stderr
  const stdoutTaken = writesToStdout(reports.json) || writesToStdout(reports.html);
  const text = stdoutTaken ? io.stderr : io.stdout;
  const live =
    !options.quiet && context.rest.length === 0 && io.stderr.isTTY === true && !io.env.CI;
  const progress = live ? new Progress((t) => io.stderr.write(t)) : undefined;
  const end = new AbortController();
  const commandDone = context.rest.length > 0 ? watchCommand(context, end, text, clock) : undefined;
  let result: LoadResult;
  try {
    result = await runLoad(
      {
        ...loadOptions,
        signal: context.signal,
        endSignal: end.signal,
        ...(progress ? { onSecond: (s) => progress.second(s) } : {}),
      },
      { clock },
    );
  } finally {
    end.abort();
    progress?.clear();
  }
  const command = await commandDone;
  const verdict = verdictOf(result, options.maxFailures, command);
  if (reports.json) {
    const report: LoadReport = {
      ...result,
      ...(command ? { command } : {}),
      passed: verdict.passed,
    };
    await writeOutput(reports.json, jsonReport(report), io);
  }
  if (reports.html) {
    const page = htmlReport({ result, passed: verdict.passed, verdict: verdict.text, command });
    await writeOutput(reports.html, page, io);
  }
  const paint = useColor(io, stdoutTaken ? 'stderr' : 'stdout') ? ansi : plain;
  if (!options.quiet) {
    const line = verdict.passed ? paint.ok(verdict.text) : paint.bad(verdict.text);
    text.write(`${textReport(result, paint)}${line}\n`);
  } else if (!verdict.passed) io.stderr.write(`lameduck load: ${verdict.text}\n`);
  return verdict.exitCode;
}

const load = defineCommand({
  name: 'load',
  summary: 'Send requests at a fixed rate and count every failure, by class, per second',
  description:
    'Sends requests at a fixed rate (open model) and counts every failed request by class\n' +
    '(refused, reset, closed-before-response, timeout, dns, tls, http-502, http-503, http-504,\n' +
    'http-5xx, other) on a per-second timeline. Latency counts from the scheduled send time.\n' +
    'With `-- <command>`, the load runs while the command runs (e.g. a rollout), plus --tail.\n' +
    '`--json -` writes the JSON result to standard output (the text report then goes to stderr).\n' +
    'Exit codes: 0 when at most --max-failures requests failed, 1 when more failed or the command\n' +
    'failed, 2 for usage errors (found before any request is sent), 130 when interrupted.',
  positionals: [{ name: 'url', description: 'http:// or https:// URL to load', required: true }],
  rest: 'Run this command (e.g. a rollout) and load the URL for as long as it runs',
  options: LOAD_FLAGS,
  examples: [
    'lameduck load http://127.0.0.1:8080/health --rate 500 --duration 30s',
    'lameduck load https://api.example.test/health --json result.json -- kubectl rollout restart deploy/api',
    'lameduck load http://localhost:3000/ --keepalive off --max-failures 5 --html report.html',
    'lameduck load http://127.0.0.1:8080/ --duration 5s --quiet --json - | jq .totals',
  ],
  run,
});

export default load;
