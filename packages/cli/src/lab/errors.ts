import { CliError } from '../errors.js';

/** Stable codes of the lab's own errors (documented in docs/lab.md). */
export type LabErrorCode =
  | 'E_LAB_MANIFEST'
  | 'E_LAB_DISTRIBUTION'
  | 'E_LAB_QUANTITY'
  | 'E_LAB_ADDRESS'
  | 'E_LAB_IPTABLES'
  | 'E_LAB_ROLLOUT';

/**
 * An error of `lameduck lab`. Bad input (manifest, flags) exits 2; a failure of the lab's own machinery
 * (addresses, iptables) exits 1 after cleanup.
 */
export class LabError extends CliError {
  override name = 'LabError';

  constructor(code: LabErrorCode, message: string, exitCode = 2, options?: ErrorOptions) {
    super(code, message, exitCode, options);
  }
}
