import { usageError } from '../../core/errors.js';

/**
 * The kinds of client the lab's traffic mixes, each one `lameduck load` run:
 * - `keepalive`: GETs over a keep-alive connection pool (a service calling another, a browser);
 * - `post`: POSTs with a body over a keep-alive pool (never retried by a proxy: not idempotent);
 * - `close`: a new connection per request (`Connection: close`: scripts, health checkers, PHP);
 * - `h2`: HTTP/2 streams over a few multiplexed connections (browsers and gRPC through an ingress).
 */
export const CLIENT_KINDS = ['keepalive', 'post', 'close', 'h2'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** Share of the rate per client kind; the shares add up to 1. */
export type ClientMix = Readonly<Partial<Record<ClientKind, number>>>;

/** The default mix of `--clients`. */
export const DEFAULT_MIX = 'keepalive:50,post:20,close:15,h2:15';

const EXPECTED = `kind:weight pairs of ${CLIENT_KINDS.join(', ')}, e.g. ${DEFAULT_MIX}`;

/** `keepalive:50,post:20` → shares that add up to 1 (weights are relative). */
export function parseMix(text: string, flag = '--clients'): ClientMix {
  const fail = (detail: string): never => {
    throw usageError(`Invalid ${flag}: expected ${EXPECTED}, received "${text}" (${detail})`);
  };
  const weights: Partial<Record<ClientKind, number>> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [kind = '', weightText = '1'] = part.split(':', 2);
    if (!(CLIENT_KINDS as readonly string[]).includes(kind)) fail(`unknown client kind "${kind}"`);
    const weight = Number(weightText);
    if (!Number.isFinite(weight) || weight < 0) fail(`"${weightText}" is not a weight >= 0`);
    if ((kind as ClientKind) in weights) fail(`"${kind}" is given twice`);
    weights[kind as ClientKind] = weight;
  }
  const total = Object.values(weights).reduce((sum, w) => sum + (w ?? 0), 0);
  if (total <= 0) fail('no client kind has a weight above 0');
  const mix: Partial<Record<ClientKind, number>> = {};
  for (const kind of CLIENT_KINDS) {
    const w = weights[kind] ?? 0;
    if (w > 0) mix[kind] = w / total;
  }
  return mix;
}

/**
 * The mix a data path can carry: HTTP/2 needs a front end that speaks it in clear text (an ingress
 * with h2c prior knowledge); without one its share goes to the keep-alive pool.
 */
export function carriedMix(mix: ClientMix, http2: boolean): ClientMix {
  if (http2 || !mix.h2) return mix;
  const { h2, ...rest } = mix;
  return { ...rest, keepalive: (rest.keepalive ?? 0) + h2 };
}

export function formatMix(mix: ClientMix): string {
  return CLIENT_KINDS.filter((k) => (mix[k] ?? 0) > 0)
    .map((k) => `${k}:${Math.round((mix[k] ?? 0) * 100)}`)
    .join(',');
}
