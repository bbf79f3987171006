import { parseDuration } from './duration.js';
import { InvalidOptionError, LameduckError } from './errors.js';
import type { LameduckOptions } from './options.js';
import { SOURCES, type Source } from './sources.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment variables `lameduck/auto` reads, with the option each one sets. Documented in
 * docs/runtime.md; a test checks that list against this one.
 */
export const ENVIRONMENT_VARIABLES = [
  'LAMEDUCK_DRAIN_DELAY',
  'LAMEDUCK_GRACE_PERIOD',
  'LAMEDUCK_DEADLINE_MARGIN',
  'LAMEDUCK_ADMIN_PORT',
  'LAMEDUCK_ADMIN_HOST',
  'LAMEDUCK_SIGNALS',
  'LAMEDUCK_APP_PROBES',
  'LAMEDUCK_DRAIN_ON_CRASH',
  'LAMEDUCK_LOG',
] as const;

/**
 * Reads LAMEDUCK_* variables into options. Unset or empty variables leave the option at its
 * default. A bad value throws InvalidOptionError naming the variable.
 */
export function optionsFromEnv(env: Env): LameduckOptions {
  const options: LameduckOptions = {};
  const sources: Record<string, Source> = {};
  const set = <K extends keyof LameduckOptions>(
    option: K,
    value: LameduckOptions[K],
    variable: string,
  ) => {
    options[option] = value;
    sources[option] = { variable, text: env[variable] ?? '', value };
  };
  const drainDelay = durationVar(env, 'LAMEDUCK_DRAIN_DELAY');
  if (drainDelay !== undefined) set('drainDelay', drainDelay, 'LAMEDUCK_DRAIN_DELAY');
  const gracePeriod = durationVar(env, 'LAMEDUCK_GRACE_PERIOD');
  if (gracePeriod !== undefined) set('gracePeriod', gracePeriod, 'LAMEDUCK_GRACE_PERIOD');
  const margin = durationVar(env, 'LAMEDUCK_DEADLINE_MARGIN');
  if (margin !== undefined) set('deadlineMargin', margin, 'LAMEDUCK_DEADLINE_MARGIN');

  const port = value(env, 'LAMEDUCK_ADMIN_PORT');
  const host = value(env, 'LAMEDUCK_ADMIN_HOST');
  if (port?.toLowerCase() === 'off') {
    options.admin = false;
  } else if (port !== undefined || host !== undefined) {
    const admin: { port?: number; host?: string } = {};
    if (port !== undefined) {
      const n = Number(port);
      if (!/^\d+$/.test(port) || n > 65_535) {
        throw new InvalidOptionError('LAMEDUCK_ADMIN_PORT', 'a port from 0 to 65535, or off', port);
      }
      admin.port = n;
    }
    if (host !== undefined) admin.host = host;
    options.admin = admin;
  }

  const signals = value(env, 'LAMEDUCK_SIGNALS');
  if (signals !== undefined) {
    const names = signals
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean)
      .map((s) => (s.startsWith('SIG') ? s : `SIG${s}`)) as NodeJS.Signals[];
    set('signals', names, 'LAMEDUCK_SIGNALS');
  }
  const probes = onOff(env, 'LAMEDUCK_APP_PROBES');
  if (probes !== undefined) options.appProbes = probes;
  const crash = onOff(env, 'LAMEDUCK_DRAIN_ON_CRASH');
  if (crash !== undefined) set('drainOnCrash', crash, 'LAMEDUCK_DRAIN_ON_CRASH');
  const log = value(env, 'LAMEDUCK_LOG')?.toLowerCase();
  if (log !== undefined) {
    if (log !== 'json' && log !== 'off') {
      throw new InvalidOptionError('LAMEDUCK_LOG', 'json or off', env.LAMEDUCK_LOG);
    }
    if (log === 'off') options.logger = false;
  }
  if (Object.keys(sources).length > 0) {
    (options as { [SOURCES]?: Record<string, Source> })[SOURCES] = sources;
  }
  return options;
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function durationVar(env: Env, name: string): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  try {
    return parseDuration(raw, name);
  } catch (error) {
    if (error instanceof LameduckError) {
      throw new InvalidOptionError(name, 'a duration such as 500ms, 5s or 1m (0 for none)', raw);
    }
    throw error;
  }
}

function onOff(env: Env, name: string): boolean | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const lower = raw.toLowerCase();
  if (lower === 'on' || lower === 'true' || lower === '1') return true;
  if (lower === 'off' || lower === 'false' || lower === '0') return false;
  throw new InvalidOptionError(name, 'on or off', raw);
}
