import { usageError } from '../core/errors.js';
import type { KubeVersion } from './rules/rule.js';

/** `1.30`, `v1.30`, `1.30.2` → { major: 1, minor: 30 }; anything else is a usage error naming the flag. */
export function parseKubeVersion(text: string): KubeVersion {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!match) {
    throw usageError(
      `lameduck audit: --kube-version expects a Kubernetes version such as 1.30, got "${text}"`,
    );
  }
  return { major: Number(match[1]), minor: Number(match[2]) };
}
