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

/** The implicit tag that resolves a plain scalar and its value, or undefined for a plain string. */
function implicit(text: string): { value: unknown } | undefined {
  const first = text.charAt(0);
  if (MAY_RESOLVE !== undefined && !MAY_RESOLVE.has(first)) return undefined;
  for (const tag of IMPLICIT) {
    if (tag.implicitFirstChars !== null && !tag.implicitFirstChars.includes(first)) continue;
    const value = tag.resolve(text, false, tag.tagName);
    if (value !== NOT_RESOLVED) return { value };
  }
  return undefined;
}

/** The value of a plain scalar, exactly as js-yaml's constructor resolves it with `SCHEMA`. */
export function plainValue(text: string): unknown {
  const resolved = implicit(text);
  return resolved === undefined ? text : resolved.value;
}

/** Whether a plain scalar is read as the string it is (`web`, not `80`, `true`, `null` or `<<`). */
export const isPlainString = (text: string): boolean => implicit(text) === undefined;
