import { LabError } from '../errors.js';

/** A Kubernetes IntOrString quantity such as `maxSurge: 1` or `maxSurge: 25%`. */
export type IntOrPercent = number | `${number}%`;

/** What a quantity may be, for error messages. */
export const QUANTITY_EXPECTED = 'a non-negative integer or a percentage such as 25%';

/** Reads `1`, `"1"` or `"25%"`; undefined for anything else. */
export function readIntOrPercent(value: unknown): IntOrPercent | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+$/.test(text)) return Number(text);
    if (/^\d+%$/.test(text)) return text as `${number}%`;
  }
  return undefined;
}

/** Reads `1`, `"1"` or `"25%"`; anything else names the field, the expectation and the value. */
export function parseIntOrPercent(value: unknown, what: string): IntOrPercent {
  const quantity = readIntOrPercent(value);
  if (quantity !== undefined) return quantity;
  throw new LabError(
    'ERR_LAMEDUCK_LAB_QUANTITY',
    `Invalid ${what}: expected ${QUANTITY_EXPECTED}, received ${JSON.stringify(value)}`,
  );
}

/**
 * Scales a quantity against a total with Kubernetes' `intstr.GetScaledValueFromIntOrPercent`:
 * percentages are rounded up or down as the caller says.
 */
export function scaleQuantity(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const exact = (Number(value.slice(0, -1)) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface Fenceposts {
  readonly maxSurge: number;
  readonly maxUnavailable: number;
}

/**
 * Kubernetes' `deploymentutil.ResolveFenceposts`: maxSurge rounds up, maxUnavailable rounds down, and
 * when both come out as 0 maxUnavailable becomes 1 so that the rollout can make progress.
 */
export function resolveFenceposts(
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
  replicas: number,
): Fenceposts {
  const surge = scaleQuantity(maxSurge, replicas, true);
  const unavailable = scaleQuantity(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) return { maxSurge: 0, maxUnavailable: 1 };
  return { maxSurge: surge, maxUnavailable: unavailable };
}
