// What the rules report and every output format prints: one finding, with the text edits `--fix`
// may apply. Manifest shapes (objects, sources, positions) come from the shared model, `../manifest/`.
import type { Position } from '../manifest/types.js';

/** How bad a finding is. `error` breaks zero-downtime rollouts outright; `info` is advice. */
export type Severity = 'error' | 'warning' | 'info';

/** A text replacement in one source: `[start, end)` offsets in the original text. */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The object a finding is about: a Kubernetes object, or a Dockerfile stage. */
export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** The path as given (relative to the working directory), or `-` for stdin. */
  readonly file: string;
  readonly position: Position;
  /**
   * The chart template the object was rendered from (Helm's `# Source:` comment), when known, and the
   * line in it where the finding's key is, when the template is on disk and the key is there once.
   */
  readonly template?: { readonly file: string; readonly line?: number };
  readonly subject: Subject;
  readonly container?: string;
  /** What is wrong here, with this object's values. */
  readonly message: string;
  /** How to fix it here. */
  readonly fix: string;
  /** Text edits `--fix` applies; absent when the fix cannot be made safely. */
  readonly edits?: readonly Edit[];
}
