import type { CommandContext, OptionSpecs, ParsedOptions } from '../../args/spec.js';
import { LOAD_DEFAULTS } from '../options.js';

/** The flags of `lameduck load`; docs/load.md documents each with its default. */
export const LOAD_FLAGS = {
  rate: {
    kind: 'number',
    description: 'Requests per second, sent on schedule whatever the server does',
    default: LOAD_DEFAULTS.rate,
    min: 0.01,
    valueName: '<n>',
  },
  duration: {
    kind: 'duration',
    description: 'How long to send (without a command); with one, an upper bound',
    default: 10_000,
    min: 1,
    valueName: '<d>',
  },
  tail: {
    kind: 'duration',
    description: 'Keep loading this long after the command exits',
    default: 5000,
    valueName: '<d>',
  },
  connections: {
    kind: 'integer',
    description: 'Upper bound of the keep-alive pool (HTTP/2: sessions)',
    default: LOAD_DEFAULTS.connections,
    min: 1,
    valueName: '<n>',
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
