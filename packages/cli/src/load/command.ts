import { defineCommand } from '../args/spec.js';
import { LOAD_FLAGS } from './flags.js';
import { runLoadCommand } from './run-command.js';

const load = defineCommand({
  name: 'load',
  summary: 'Send requests at a fixed rate and count every failure, by class, per second',
  description:
    'Sends requests at a fixed rate (open model) and counts every failed request by class\n' +
    '(refused, reset, closed-before-response, timeout, dns, tls, http-502, http-503, http-504,\n' +
    'http-5xx, other) on a per-second timeline. Latency counts from the scheduled send time.\n' +
    'With `-- <command>`, the load runs while the command runs (e.g. a rollout), plus --tail.\n' +
    'Exit codes: 0 when at most --max-failures requests failed, 1 when more failed or the command\n' +
    'failed, 2 for usage errors.',
  positionals: [{ name: 'url', description: 'http:// or https:// URL to load', required: true }],
  rest: 'Run this command (e.g. a rollout) and load the URL for as long as it runs',
  options: LOAD_FLAGS,
  examples: [
    'lameduck load http://127.0.0.1:8080/health --rate 500 --duration 30s',
    'lameduck load https://api.example.test/health --json result.json -- kubectl rollout restart deploy/api',
    'lameduck load http://localhost:3000/ --keepalive off --max-failures 5 --html report.html',
  ],
  run: runLoadCommand,
});

export default load;
