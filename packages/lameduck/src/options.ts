import type { IncomingMessage } from 'node:http';
import { constants } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Clock } from './clock.js';
import { formatDuration, parseDuration } from './duration.js';
import { InvalidOptionError, LameduckError } from './errors.js';
import type { Logger } from './logger.js';
import type { ProcessLike } from './process.js';
import { labelFor, SOURCES, type Sources } from './sources.js';

export type Readiness = 'auto' | 'manual';

export interface AdminOptions {
  /** Port of the admin server (probes, /prestop, /metrics). 0 picks a free port. @default 9000 */
  port?: number;
  /** Interface to bind. @default all interfaces in Kubernetes, 127.0.0.1 elsewhere */
  host?: string;
}

export interface ProbePaths {
  liveness?: string;
  readiness?: string;
  startup?: string;
}

export interface ExitCodes {
  /** Every server drained and every hook succeeded. @default 0 */
  clean?: number;
  /** Servers drained but a hook failed or timed out. @default 1 */
  failed?: number;
  /** The deadline (or a second signal) cut the drain short. @default 124 */
  forced?: number;
  /** drainOnCrash: the shutdown followed an uncaught exception or unhandled rejection. @default 70 */
  crashed?: number;
}

/** Called for every upgraded (e.g. WebSocket) socket when closing begins, before anything is destroyed. */
export type CloseUpgraded = (socket: Duplex, request: IncomingMessage) => void | Promise<void>;

export interface LameduckOptions {
  /** How long to keep serving after the drain starts, with readiness failing. @default 5s in Kubernetes, 0 elsewhere */
  drainDelay?: number | string;
  /** Time from the first trigger to SIGKILL (terminationGracePeriodSeconds). @default 30s */
  gracePeriod?: number | string;
  /** The deadline is gracePeriod minus this margin. @default 1s */
  deadlineMargin?: number | string;
  /** Signals that start the shutdown. @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly NodeJS.Signals[];
  /** A second signal during the shutdown forces it to end at once. @default true */
  forceOnSecondSignal?: boolean;
  /** `auto`: ready once every registered server listens; `manual`: ready when `ready()` is called. @default 'auto' */
  readiness?: Readiness;
  /** The admin server, or false for none. @default { port: 9000 } */
  admin?: AdminOptions | false;
  /** Serve liveness/readiness/startup on the app's own servers too (true: /livez, /readyz, /startupz). @default false */
  appProbes?: ProbePaths | boolean;
  /** Timeout of each cleanup hook (each is also bounded by the deadline). @default 5s */
  hookTimeout?: number | string;
  /** During closing, how long a connection that has not sent a request yet may take to send one. @default 1s */
  firstRequestGrace?: number | string;
  /** Exit the process when the shutdown ends. @default true */
  exit?: boolean;
  exitCodes?: ExitCodes;
  /**
   * On an uncaught exception or unhandled rejection: log it, drain, run the hooks, then exit with
   * `exitCodes.crashed`. Off: Node's own behaviour (print and exit 1 at once). @default false
   */
  drainOnCrash?: boolean;
  /** How upgraded sockets are told to go away. @default WebSocket close 1001 for WebSockets, FIN otherwise */
  closeUpgraded?: CloseUpgraded;
  /** Where events go; false for nothing. @default JSON lines on stderr */
  logger?: Logger | false;
  /** Injected for tests. @default the real process */
  process?: ProcessLike;
  /** Injected for tests. @default the system clock */
  clock?: Clock;
}

export interface ResolvedOptions {
  drainDelay: number;
  gracePeriod: number;
  deadlineMargin: number;
  signals: NodeJS.Signals[];
  forceOnSecondSignal: boolean;
  readiness: Readiness;
  admin: { port: number; host: string | undefined } | false;
  appProbes: Required<ProbePaths> | false;
  hookTimeout: number;
  firstRequestGrace: number;
  exit: boolean;
  exitCodes: Required<ExitCodes>;
  drainOnCrash: boolean;
  closeUpgraded: CloseUpgraded | undefined;
  logger: Logger | false | undefined;
}

export const DEFAULT_PROBE_PATHS: Required<ProbePaths> = {
  liveness: '/livez',
  readiness: '/readyz',
  startup: '/startupz',
};

/** Every option `createLameduck` accepts. */
export const OPTION_NAMES = [
  'drainDelay',
  'gracePeriod',
  'deadlineMargin',
  'signals',
  'forceOnSecondSignal',
  'readiness',
  'admin',
  'appProbes',
  'hookTimeout',
  'firstRequestGrace',
  'exit',
  'exitCodes',
  'drainOnCrash',
  'closeUpgraded',
  'logger',
  'process',
  'clock',
] as const;

const KNOWN: ReadonlySet<string> = new Set(OPTION_NAMES);

/** True where Kubernetes injected its service environment into the container. */
export function inKubernetes(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST);
}

/** Applies defaults and validates; every problem names the option, the expectation and the value. */
export function resolveOptions(
  options: LameduckOptions,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'an object', options);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new InvalidOptionError(key, `one of ${[...KNOWN].join(', ')}`, key);
  }
  const sources = (options as { [SOURCES]?: Sources })[SOURCES];
  const label = (option: keyof LameduckOptions) => labelFor(sources, option, options[option]);
  const k8s = inKubernetes(env);
  const gracePeriod = duration(label('gracePeriod'), options.gracePeriod, 30_000);
  const deadlineMargin = duration(label('deadlineMargin'), options.deadlineMargin, 1000);
  const drainDelay = duration(label('drainDelay'), options.drainDelay, k8s ? 5000 : 0);
  if (gracePeriod === 0) {
    const { name, received } = label('gracePeriod');
    throw new InvalidOptionError(name, 'a duration greater than 0', received);
  }
  if (deadlineMargin >= gracePeriod) {
    const margin = label('deadlineMargin');
    const grace = label('gracePeriod');
    throw new InvalidOptionError(
      margin.name,
      `less than ${grace.name} (${formatDuration(gracePeriod)}${options.gracePeriod === undefined ? ', the default' : ''})`,
      options.deadlineMargin === undefined
        ? `${formatDuration(deadlineMargin)} (the default)`
        : margin.received,
    );
  }
  if (drainDelay >= gracePeriod - deadlineMargin) {
    const delay = label('drainDelay');
    const grace = label('gracePeriod');
    const margin = label('deadlineMargin');
    const left = `${grace.name} minus ${margin.name} (${formatDuration(gracePeriod)} − ${formatDuration(deadlineMargin)} = ${formatDuration(gracePeriod - deadlineMargin)})`;
    if (options.drainDelay === undefined) {
      // The user never set the delay: say so, and which value of theirs leaves too little time.
      throw new InvalidOptionError(
        grace.name,
        `more than the drain delay plus ${margin.name}: the drain delay is ${formatDuration(drainDelay)} by default${k8s ? ' in Kubernetes' : ''} (set ${sources ? 'LAMEDUCK_DRAIN_DELAY' : 'drainDelay'} to change it), and ${left} leaves no time after it`,
        grace.received ?? `${formatDuration(gracePeriod)} (the default)`,
      );
    }
    throw new InvalidOptionError(
      delay.name,
      `less than ${left}, so that the drain has time after the delay`,
      delay.received,
    );
  }
  const hookTimeout = duration(label('hookTimeout'), options.hookTimeout, 5000);
  if (hookTimeout === 0) {
    const { name, received } = label('hookTimeout');
    throw new InvalidOptionError(name, 'a duration greater than 0', received);
  }
  return {
    drainDelay,
    gracePeriod,
    deadlineMargin,
    signals: signals(label('signals'), options.signals),
    forceOnSecondSignal: bool('forceOnSecondSignal', options.forceOnSecondSignal, true),
    readiness: oneOf('readiness', options.readiness, ['auto', 'manual'] as const, 'auto'),
    admin: admin(options.admin, k8s),
    appProbes: probePaths(options.appProbes),
    hookTimeout,
    firstRequestGrace: duration(label('firstRequestGrace'), options.firstRequestGrace, 1000),
    exit: bool('exit', options.exit, true),
    exitCodes: exitCodes(options.exitCodes),
    drainOnCrash: bool(label('drainOnCrash').name, options.drainOnCrash, false),
    closeUpgraded: fn('closeUpgraded', options.closeUpgraded),
    logger: logger(options.logger),
  };
}

function duration(
  { name, received }: { name: string; received: unknown },
  value: number | string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new InvalidOptionError(name, 'a duration in ms or a string such as "5s"', received);
  }
  try {
    return parseDuration(value, name);
  } catch (error) {
    if (error instanceof LameduckError) {
      throw new InvalidOptionError(
        name,
        'a duration in ms (>= 0) or a string such as "500ms", "5s", "1m"',
        received,
      );
    }
    throw error;
  }
}

function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(name, 'true or false', value);
  return value;
}

function oneOf<T extends string>(
  name: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    throw new InvalidOptionError(name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  }
  return value as T;
}

function fn<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(name, 'a function', value);
  }
  return value;
}

function signals(
  { name, received }: { name: string; received: unknown },
  value: unknown,
): NodeJS.Signals[] {
  if (value === undefined) return ['SIGTERM', 'SIGINT'];
  if (!Array.isArray(value))
    throw new InvalidOptionError(name, 'an array of signal names', received);
  if (value.length === 0) {
    // An empty list would silently leave the app with no drain at all.
    throw new InvalidOptionError(name, 'at least one signal, such as SIGTERM', received);
  }
  for (const signal of value) {
    if (typeof signal !== 'string' || !(signal in constants.signals)) {
      throw new InvalidOptionError(
        name,
        'signal names such as SIGTERM or SIGINT',
        name === 'signals' ? signal : received,
      );
    }
    if (signal === 'SIGKILL' || signal === 'SIGSTOP') {
      throw new InvalidOptionError(
        name,
        'signals a process can catch (not SIGKILL or SIGSTOP)',
        name === 'signals' ? signal : received,
      );
    }
  }
  return [...new Set(value as NodeJS.Signals[])];
}

function admin(value: unknown, k8s: boolean): ResolvedOptions['admin'] {
  if (value === false) return false;
  if (value === undefined) return { port: 9000, host: k8s ? undefined : '127.0.0.1' };
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError('admin', 'an object { port, host } or false', value);
  }
  const { port = 9000, host, ...rest } = value as AdminOptions;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined)
    throw new InvalidOptionError(`admin.${extra}`, 'port or host only', extra);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidOptionError('admin.port', 'an integer from 0 to 65535', port);
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new InvalidOptionError('admin.host', 'a host name or address', host);
  }
  return { port, host: host ?? (k8s ? undefined : '127.0.0.1') };
}

function probePaths(value: unknown): Required<ProbePaths> | false {
  if (value === undefined || value === false) return false;
  if (value === true) return { ...DEFAULT_PROBE_PATHS };
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError(
      'appProbes',
      'true, false or { liveness, readiness, startup }',
      value,
    );
  }
  const paths = { ...DEFAULT_PROBE_PATHS, ...(value as ProbePaths) };
  for (const [key, path] of Object.entries(paths)) {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new InvalidOptionError(`appProbes.${key}`, 'a path starting with /', path);
    }
  }
  return paths;
}

function exitCodes(value: unknown): Required<ExitCodes> {
  const codes = { clean: 0, failed: 1, forced: 124, crashed: 70 };
  if (value === undefined) return codes;
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError('exitCodes', 'an object { clean, failed, forced }', value);
  }
  for (const [key, code] of Object.entries(value)) {
    if (!(key in codes))
      throw new InvalidOptionError(`exitCodes.${key}`, 'clean, failed, forced or crashed', key);
    if (!Number.isInteger(code) || code < 0 || code > 255) {
      throw new InvalidOptionError(`exitCodes.${key}`, 'an integer from 0 to 255', code);
    }
  }
  return { ...codes, ...(value as ExitCodes) };
}

function logger(value: unknown): Logger | false | undefined {
  if (value === undefined || value === false) return value;
  const candidate = value as Partial<Logger> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.info !== 'function' ||
    typeof candidate.warn !== 'function' ||
    typeof candidate.error !== 'function'
  ) {
    throw new InvalidOptionError(
      'logger',
      'an object with info, warn and error methods (pino-compatible), or false',
      value,
    );
  }
  return value as Logger;
}
