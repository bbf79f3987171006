import { LameduckError } from '../core/errors.js';

/** Stable codes of the lab's own errors, each documented in docs/lab.md (a test checks it). */
export const LAB_ERROR_CODES = [
  'ERR_LAMEDUCK_LAB_MANIFEST',
  'ERR_LAMEDUCK_LAB_DISTRIBUTION',
  'ERR_LAMEDUCK_LAB_QUANTITY',
  'ERR_LAMEDUCK_LAB_ADDRESS',
  'ERR_LAMEDUCK_LAB_IPTABLES',
  'ERR_LAMEDUCK_LAB_INGRESS',
] as const;
export type LabErrorCode = (typeof LAB_ERROR_CODES)[number];

/**
 * An error of `lameduck lab`. Bad input (manifest, flags) exits 2; a failure of the lab's own machinery
 * (addresses, iptables) exits 1 after cleanup. A rollout that stalls is not an error: the scenario's
 * result reports it.
 */
export class LabError extends LameduckError {
  override name = 'LabError';
  declare readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, exitCode = 2, options?: ErrorOptions) {
    super(code, message, { ...options, exitCode });
  }
}
