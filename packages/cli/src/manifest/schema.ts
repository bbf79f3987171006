// The YAML schema every manifest is read with, and how it resolves a plain scalar (`80` → 80,
// `true` → true, `web` → "web"), through the schema's public tag definitions, for readers that do not
// go through js-yaml's constructor (block-yaml.ts).
import { CORE_SCHEMA, mergeTag, NOT_RESOLVED, type ScalarTagDefinition } from 'js-yaml';

/**
 * YAML 1.2's core schema plus merge keys (`<<: *base`), which Kubernetes' YAML reader (YAML 1.1)
 * resolves too.
 */
export const SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/** The schema's implicit scalar tags (null, bool, int, float, merge), in the order js-yaml tries them. */
const IMPLICIT = SCHEMA.tags.filter(
  (tag): tag is ScalarTagDefinition => tag.nodeKind === 'scalar' && tag.implicit,
);

/**
 * First characters some implicit tag may resolve (`''` for the empty scalar); a scalar starting with
 * any other is a string. Undefined when some tag says it may resolve anything.
 */
const MAY_RESOLVE: ReadonlySet<string> | undefined = IMPLICIT.every(
  (tag) => tag.implicitFirstChars !== null,
)
  ? new Set(IMPLICIT.flatMap((tag) => tag.implicitFirstChars ?? []))
  : undefined;

/** A plain scalar's value when an implicit tag resolves it, else `NOT_RESOLVED` (a plain string). */
function implicit(text: string): unknown {
  const first = text.charAt(0);
  if (MAY_RESOLVE !== undefined && !MAY_RESOLVE.has(first)) return NOT_RESOLVED;
  for (const tag of IMPLICIT) {
    if (tag.implicitFirstChars !== null && !tag.implicitFirstChars.includes(first)) continue;
    const value = tag.resolve(text, false, tag.tagName);
    if (value !== NOT_RESOLVED) return value;
  }
  return NOT_RESOLVED;
}

/**
 * Resolved scalars that an implicit tag might take (`80`, `true`, `name`, `TCP`), by text: manifests
 * repeat them by the thousand. Bounded; values are numbers, booleans, null or strings, never shared
 * objects that could be changed.
 */
const RESOLVED = new Map<string, unknown>();
const MAX_RESOLVED = 8192;

function cachedImplicit(text: string): unknown {
  let value = RESOLVED.get(text);
  if (value === undefined && !RESOLVED.has(text)) {
    value = implicit(text);
    if (RESOLVED.size < MAX_RESOLVED && text.length <= 64) RESOLVED.set(text, value);
  }
  return value;
}

/** The value of a plain scalar, exactly as js-yaml's constructor resolves it with `SCHEMA`. */
export function plainValue(text: string): unknown {
  if (MAY_RESOLVE !== undefined && !MAY_RESOLVE.has(text.charAt(0))) return text;
  const value = cachedImplicit(text);
  return value === NOT_RESOLVED ? text : value;
}

/** Whether a plain scalar is read as the string it is (`web`, not `80`, `true`, `null` or `<<`). */
export function isPlainString(text: string): boolean {
  if (MAY_RESOLVE !== undefined && !MAY_RESOLVE.has(text.charAt(0))) return true;
  return cachedImplicit(text) === NOT_RESOLVED;
}
