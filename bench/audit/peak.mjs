// Runs the built `lameduck` command with the arguments given, and on exit prints its peak resident
// memory (the kernel's maxrss, in KiB) and the CPU time it used (user and system, in microseconds)
// to stderr as `lameduck-bench-usage <KiB> <user> <system>`, so that the benchmark can report memory
// and CPU time without another tool. The parse-only peers print the same line (bench.ts).
process.on('exit', () => {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stderr.write(`\nlameduck-bench-usage ${maxRSS} ${userCPUTime} ${systemCPUTime}\n`);
});
const bin = new URL('../../packages/cli/dist/bin.js', import.meta.url);
process.argv.splice(1, 1, bin.pathname);
await import(bin.href);
