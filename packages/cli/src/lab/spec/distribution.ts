import { formatDuration, parseDuration } from 'lameduck/duration';
import { LabError } from '../errors.js';

/**
 * How long a proxy takes to learn of an endpoint change. Written as:
 * - `fixed:<d>`            always d
 * - `uniform:<min>..<max>` evenly spread between min and max
 * - `exp:<mean>[..<max>]`  exponential with that mean (a long tail), capped at max (default 10 × mean)
 */
export type Distribution =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'exp'; readonly meanMs: number; readonly maxMs: number };

const EXPECTED =
  'fixed:<duration>, uniform:<min>..<max> or exp:<mean>[..<max>], e.g. uniform:100ms..1s';

export function parseDistribution(text: string, what = '--propagation'): Distribution {
  const fail = (detail?: string): never => {
    throw new LabError(
      'ERR_LAMEDUCK_LAB_DISTRIBUTION',
      `Invalid ${what}: expected ${EXPECTED}, received "${text}"${detail ? ` (${detail})` : ''}`,
    );
  };
  const [kind, body = ''] = text.trim().split(':', 2);
  const [first = '', second] = body.split('..', 2);
  const ms = (part: string) => {
    try {
      return parseDuration(part, what);
    } catch {
      return fail(`"${part}" is not a duration`);
    }
  };
  if (kind === 'fixed' && second === undefined) return { kind: 'fixed', ms: ms(first) };
  if (kind === 'uniform' && second !== undefined) {
    const minMs = ms(first);
    const maxMs = ms(second);
    if (maxMs < minMs) fail('the maximum is below the minimum');
    return { kind: 'uniform', minMs, maxMs };
  }
  if (kind === 'exp') {
    const meanMs = ms(first);
    const maxMs = second === undefined ? meanMs * 10 : ms(second);
    if (maxMs < meanMs) fail('the cap is below the mean');
    return { kind: 'exp', meanMs, maxMs };
  }
  return fail();
}

/** Draws one delay in ms; `random` returns [0, 1) and is injected so tests can fix it. */
export function sample(distribution: Distribution, random: () => number = Math.random): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.ms;
    case 'uniform':
      return distribution.minMs + random() * (distribution.maxMs - distribution.minMs);
    case 'exp':
      return Math.min(distribution.maxMs, -Math.log(1 - random()) * distribution.meanMs);
  }
}

/** The mean in ms (an exponential's cap ignored: it only lowers the mean). */
export function mean(distribution: Distribution): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.ms;
    case 'uniform':
      return (distribution.minMs + distribution.maxMs) / 2;
    case 'exp':
      return distribution.meanMs;
  }
}

/** The upper bound of the distribution: how long until every proxy has surely caught up. */
export function upperBound(distribution: Distribution): number {
  return distribution.kind === 'fixed' ? distribution.ms : distribution.maxMs;
}

export function formatDistribution(distribution: Distribution): string {
  switch (distribution.kind) {
    case 'fixed':
      return `fixed:${formatDuration(distribution.ms)}`;
    case 'uniform':
      return `uniform:${formatDuration(distribution.minMs)}..${formatDuration(distribution.maxMs)}`;
    case 'exp':
      return `exp:${formatDuration(distribution.meanMs)}..${formatDuration(distribution.maxMs)}`;
  }
}
