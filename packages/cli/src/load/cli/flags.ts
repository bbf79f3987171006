import type { CommandContext, OptionSpecs, ParsedOptions } from '../../args/spec.js';
import { LOAD_DEFAULTS } from '../options.js';

/** The flags of `lameduck load`; docs/load.md documents each with its default. */
export const LOAD_FLAGS = {
  url: {
    kind: 'list',
    description: 'Another URL to load (repeatable); requests are spread evenly',
    valueName: '<url>',
  },
  targets: {
    kind: 'string',
    description: 'A JSON file of targets: url, method, headers, body and weight of each',
    valueName: '<file>',
  },
  rate: {
    kind: 'number',
    description: 'Requests per second, sent on schedule whatever the server does',
    default: LOAD_DEFAULTS.rate,
    min: 0.01,
    valueName: '<n>',
  },
  ramp: {
    kind: 'string',
    description: 'Change the rate linearly, e.g. 100..1000/30s (replaces --rate)',
    valueName: '<from>..<to>/<d>',
  },
  duration: {
    kind: 'duration',
    description: 'How long to send (without a command); with one, a bound on the whole run',
    default: 10_000,
    min: 1,
    valueName: '<d>',
  },
  before: {
    kind: 'duration',
    description: 'With a command: load this long before starting it (a baseline)',
    default: 1000,
    valueName: '<d>',
  },
  tail: {
    kind: 'duration',
    description: 'Keep loading this long after the command exits',
    default: 5000,
    valueName: '<d>',
  },
  killAfter: {
    kind: 'duration',
    description: 'After --duration (or Ctrl-C): SIGKILL the command this long after SIGTERM',
    default: 5000,
    valueName: '<d>',
  },
  connections: {
    kind: 'string',
    description: 'Upper bound of the pool per origin (HTTP/2: sessions); auto: rate × latency',
    default: LOAD_DEFAULTS.connections,
    valueName: '<n|auto>',
  },
  keepalive: {
    kind: 'enum',
    description: 'Reuse connections between requests',
    default: 'on',
    choices: ['on', 'off'],
  },
  maxRequestsPerConnection: {
    kind: 'integer',
    description: 'Close a connection after this many responses (0: no limit)',
    default: LOAD_DEFAULTS.maxRequestsPerConnection,
    min: 0,
    valueName: '<n>',
  },
  timeout: {
    kind: 'duration',
    description: 'Per request, counted from its scheduled send time',
    default: LOAD_DEFAULTS.timeoutMs,
    min: 1,
    valueName: '<d>',
  },
  method: {
    kind: 'string',
    description: 'HTTP method',
    default: LOAD_DEFAULTS.method,
    valueName: '<method>',
  },
  header: {
    kind: 'list',
    description: 'Request header "Name: value" (repeatable)',
    short: 'H',
    valueName: '<header>',
  },
  body: { kind: 'string', description: 'Request body', valueName: '<text>' },
  bodyFile: {
    kind: 'string',
    description: 'Read the request body from a file',
    valueName: '<file>',
  },
  http2: { kind: 'boolean', description: 'Use HTTP/2 (h2 over TLS, h2c over http://)' },
  insecure: { kind: 'boolean', description: 'Accept self-signed or invalid TLS certificates' },
  failOn: {
    kind: 'enum',
    description: 'Lowest status class that counts as a failure',
    default: '5xx',
    choices: ['5xx', '4xx'],
  },
  maxFailures: {
    kind: 'integer',
    description: 'Exit 1 when more requests than this failed',
    default: 0,
    min: 0,
    valueName: '<n>',
  },
  maxFailureRate: {
    kind: 'number',
    description: 'Exit 1 when more than this percentage of the requests failed',
    min: 0,
    max: 100,
    valueName: '<percent>',
  },
  maxFailuresPerClass: {
    kind: 'string',
    description: 'Failure budgets per class, e.g. refused=5,http-503=0 (other classes: 0)',
    valueName: '<class=n,…>',
  },
  maxP99: {
    kind: 'duration',
    description: 'Exit 1 when the p99 latency of successful requests is above this',
    valueName: '<d>',
  },
  abortOnFail: {
    kind: 'boolean',
    description: 'Stop as soon as a threshold can no longer pass',
  },
  junit: {
    kind: 'string',
    description: 'Write the verdict as JUnit XML to this file (- for standard output)',
    valueName: '<file>',
  },
  json: {
    kind: 'string',
    description: 'Write the full result as JSON to this file (- for standard output)',
    valueName: '<file>',
  },
  html: {
    kind: 'string',
    description: 'Write a self-contained HTML report to this file (- for standard output)',
    valueName: '<file>',
  },
  quiet: { kind: 'boolean', description: 'Print nothing but the verdict of a failed run' },
  closedLoop: {
    kind: 'boolean',
    description: 'Closed loop at full speed (ignores --rate): for measuring the client only',
  },
} as const satisfies OptionSpecs;

export type LoadFlags = ParsedOptions<typeof LOAD_FLAGS>;
export type LoadContext = CommandContext<typeof LOAD_FLAGS>;
