#!/usr/bin/env node
// The process edge: the only file that reads process.argv, installs signal handlers and sets the
// exit code. Everything else receives what it needs through `main`'s options.
import { main } from './main.js';

const controller = new AbortController();
let interrupted = 0;
const onSignal = (signal: NodeJS.Signals) => {
  interrupted++;
  if (interrupted === 1) {
    controller.abort(new Error(`received ${signal}`));
    return;
  }
  process.stderr.write(`lameduck: ${signal} again, exiting now\n`);
  process.exit(130);
};

let ownSignals = true;
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await main({
  argv: process.argv.slice(2),
  io: {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  },
  signal: controller.signal,
  onCommand(command) {
    if (command.handlesSignals && ownSignals) {
      ownSignals = false;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
}).catch((error: unknown) => {
  process.stderr.write(
    `lameduck: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 70;
});

process.exitCode = code;
// A command must release everything it opened; if something still holds the event loop, say so and
// exit anyway rather than hang a CI job.
setTimeout(() => {
  process.stderr.write(
    'lameduck: open handles kept the process alive after the command finished; exiting\n',
  );
  process.exit(code);
}, 3000).unref();
