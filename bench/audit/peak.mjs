// Runs the built `lameduck` command with the arguments given, and on exit prints its peak resident
// memory (the kernel's maxrss, in KiB) to stderr as `lameduck-bench-maxrss <KiB>`, so that the
// benchmark can report memory without another tool.
process.on('exit', () => {
  process.stderr.write(`\nlameduck-bench-maxrss ${process.resourceUsage().maxRSS}\n`);
});
const bin = new URL('../../packages/cli/dist/bin.js', import.meta.url);
process.argv.splice(1, 1, bin.pathname);
await import(bin.href);
