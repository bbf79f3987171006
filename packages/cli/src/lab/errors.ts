import { LameduckError } from '../core/errors.js';

/** Stable codes of the lab's own errors (documented in docs/lab.md). */
export type LabErrorCode =
  | 'ERR_LAMEDUCK_LAB_MANIFEST'
  | 'ERR_LAMEDUCK_LAB_DISTRIBUTION'
  | 'ERR_LAMEDUCK_LAB_QUANTITY'
  | 'ERR_LAMEDUCK_LAB_ADDRESS'
  | 'ERR_LAMEDUCK_LAB_IPTABLES'
  | 'ERR_LAMEDUCK_LAB_ROLLOUT';

/**
 * An error of `lameduck lab`. Bad input (manifest, flags) exits 2; a failure of the lab's own machinery
 * (addresses, iptables) exits 1 after cleanup.
 */
export class LabError extends LameduckError {
  override name = 'LabError';
  declare readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, exitCode = 2, options?: ErrorOptions) {
    super(code, message, { ...options, exitCode });
  }
}
