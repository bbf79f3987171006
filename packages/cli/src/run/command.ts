import { defineCommand } from '../args/spec.js';
import { systemClock } from '../core/clock.js';
import { usageError } from '../core/errors.js';
import { parseRemap } from './exit-code.js';
import { loadReaper } from './native.js';
import { readProcessTable } from './proc.js';
import { prepareReadyFile } from './ready-file.js';
import { type SignalSource, systemKill } from './signals.js';
import { startChild } from './spawn.js';
import { supervise } from './supervisor.js';

/**
 * The process edge of `lameduck run`: real signal handlers. A SIGINT or SIGTERM that reached the CLI
 * before this command took the signals over (it aborted `early`) is delivered first, not lost.
 */
function processSignals(early: AbortSignal): SignalSource {
  return (signals, handler) => {
    for (const signal of signals) process.on(signal, handler);
    const reason = early.aborted ? String((early.reason as Error | undefined)?.message) : '';
    const missed = /\bSIG(INT|TERM)\b/.exec(reason)?.[0] as NodeJS.Signals | undefined;
    if (missed) handler(missed);
    return () => {
      for (const signal of signals) process.off(signal, handler);
    };
  };
}

export default defineCommand({
  name: 'run',
  summary: 'Run an app as PID 1: pass signals on, wait for all of it to drain, reap zombies',
  description: `Runs <command> in its own process group and stays until every process of the app has exited, so
a drain is not cut short by an npm or shell entrypoint. Passes SIGTERM, SIGINT, SIGHUP, SIGQUIT,
SIGUSR1, SIGUSR2 and SIGWINCH on to the whole group, then exits with the main child's exit code
(128 + signal number when a signal ended it). Errors: 127 command not found, 126 not executable.`,
  rest: 'The app to run, with its arguments',
  handlesSignals: true,
  options: {
    grace: {
      kind: 'duration',
      default: 25_000,
      min: 0,
      description:
        'Deadline from the first SIGTERM/SIGINT/SIGQUIT: SIGKILL for everything left (0 = none; keep it below terminationGracePeriodSeconds)',
    },
    drainDelay: {
      kind: 'duration',
      default: 0,
      min: 0,
      description: 'On SIGTERM, report not ready and wait this long before passing SIGTERM on',
    },
    readyFile: {
      kind: 'string',
      valueName: '<path>',
      description:
        'Write this file as the app starts; remove it the moment SIGTERM arrives (links are followed)',
    },
    readyPort: {
      kind: 'integer',
      min: 0,
      max: 65535,
      description: 'Serve readiness over HTTP on this port: 200, then 503 from SIGTERM on',
    },
    readyHost: {
      kind: 'string',
      valueName: '<address>',
      description: 'Address for --ready-port (default: all interfaces)',
    },
    signalChildOnly: {
      kind: 'boolean',
      description: 'Pass signals to the main child only, not to its whole process group',
    },
    remapExit: {
      kind: 'list',
      valueName: '<from:to>',
      description: "Exit with <to> when the app's exit code is <from>, e.g. 143:0 (repeatable)",
    },
    verbose: {
      kind: 'boolean',
      description: 'Say on stderr what happens: signals, delays, exits, reaped zombies',
    },
  },
  examples: [
    'lameduck run -- npm start',
    'lameduck run --grace 25s --drain-delay 5s --ready-port 8081 -- node server.js',
    'lameduck run --remap-exit 143:0 -- ./start.sh',
  ],
  async run({ options, rest, io, signal }) {
    const [command, ...args] = rest;
    if (command === undefined) {
      throw usageError(
        'lameduck run: missing the command to run: lameduck run [options] -- <command> [args...]',
      );
    }
    const remap = parseRemap(options.remapExit);
    // Checked before anything starts: a ready file that cannot be written is a usage error (exit 2).
    const readyFile =
      options.readyFile === undefined ? undefined : await prepareReadyFile(options.readyFile, io);
    const write = (message: string) => io.stderr.write(`lameduck run: ${message}\n`);
    const reaper = loadReaper(io.env);
    if (options.verbose) {
      write(reaper.available ? `native reaper loaded` : `no native reaper: ${reaper.reason}`);
    }
    if (reaper.available && process.pid !== 1 && !reaper.reaper.setChildSubreaper()) {
      write(
        'could not become a child subreaper; orphans that leave the process group are not waited for',
      );
    }
    return supervise(
      {
        command,
        args,
        grace: options.grace,
        drainDelay: options.drainDelay,
        signalChildOnly: options.signalChildOnly,
        remap,
        readiness: { file: readyFile, port: options.readyPort, host: options.readyHost },
      },
      {
        pid: process.pid,
        env: io.env,
        cwd: io.cwd,
        startChild,
        kill: systemKill,
        processes: readProcessTable,
        signals: processSignals(signal),
        reaper,
        clock: systemClock,
        warn: write,
        debug: options.verbose ? write : () => undefined,
        onReady: (readiness) => {
          const address = readiness.address;
          if (options.verbose && address) write(`readiness endpoint on port ${address.port}`);
        },
      },
    );
  },
});
