import { usageError } from '../../core/errors.js';

/** A Kubernetes minor release, as `--kube-version` names it. */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
}

/** `1.30`, `v1.30`, `1.30.2` → { major: 1, minor: 30 }; anything else is a usage error naming the flag. */
export function parseKubeVersion(text: string): KubeVersion {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  // Kubernetes has only had major version 1; minors count up from 0 (1.0 in 2015).
  if (!match || Number(match[1]) !== 1 || Number(match[2]) > 99) {
    throw usageError(
      `lameduck audit: --kube-version expects a Kubernetes version such as 1.30 (1.x), got "${text}"`,
    );
  }
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** `1.30` */
export const versionText = (v: KubeVersion): string => `${v.major}.${v.minor}`;

/**
 * Whether the kubelet runs the native preStop `sleep` action: beta and on by default from 1.30
 * (PodLifecycleSleepAction); older kubelets drop the field, so the hook does nothing.
 */
export const nativeSleep = (v: KubeVersion): boolean =>
  v.major > 1 || (v.major === 1 && v.minor >= 30);
