import { ingressNginxShutdown, localTrafficPolicy, sidecarTermination } from './data-path.js';
import { type DockerfileRule, dockerfileNpmStart, dockerfileShellForm } from './dockerfile.js';
import { lbDrainOff, publishNotReady } from './lb-drain.js';
import { graceBudget, preStopMissing, preStopTooShort } from './prestop.js';
import {
  livenessStricter,
  probesIdentical,
  readinessMissing,
  startupProbeMissing,
} from './probes.js';
import { rolloutZeroCapacity } from './rollout.js';
import type { ManifestRule, RuleMeta } from './rule.js';
import { signalLostShell } from './signals.js';

export const MANIFEST_RULES: readonly ManifestRule[] = [
  readinessMissing,
  preStopMissing,
  graceBudget,
  preStopTooShort,
  probesIdentical,
  livenessStricter,
  startupProbeMissing,
  signalLostShell,
  rolloutZeroCapacity,
  lbDrainOff,
  publishNotReady,
  localTrafficPolicy,
  ingressNginxShutdown,
  sidecarTermination,
];

export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  dockerfileShellForm,
  dockerfileNpmStart,
];

/** Every rule, in documentation order. */
export const RULES: readonly RuleMeta[] = [...MANIFEST_RULES, ...DOCKERFILE_RULES];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

export function ruleById(id: string): RuleMeta | undefined {
  return RULES.find((r) => r.id === id);
}
