// Signals a process whose pid a test read from a file, a log or /proc. Such a pid can be empty or
// half written when it is read, and process.kill(0) signals the whole process group — the test
// runner, npm and the CI script with it — while process.kill(-1) signals every process there is.
// So anything but a whole number above 1 is refused with an error that names what was read.

/**
 * Sends `signal` to the one process `pid`. Refuses 0, 1, negative and non-integer pids (an error
 * naming the value), and our own pid. With `ifRunning`, a process that is already gone is not an error.
 */
export function signalProcess(
  pid: number,
  signal: NodeJS.Signals,
  options: { readonly ifRunning?: boolean } = {},
): void {
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) {
    throw new Error(
      `refusing to send ${signal} to pid ${String(pid)}: expected the pid of one other process`,
    );
  }
  try {
    process.kill(pid, signal);
  } catch (error) {
    if (options.ifRunning && (error as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw error;
  }
}
