// Exact parse errors for the documents js-yaml rejects: the `yaml` package's message and position,
// which read better than js-yaml's and point where an editor should jump.
import type { Document } from 'yaml';
import type { Chunk, LineIndex } from './line-index.js';
import type { InputError, Position, Source } from './types.js';
import { yamlPackage } from './yaml-package.js';

export const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false, merge: true } as const;

/** The first error the `yaml` parser finds in a document, located in the whole stream. */
export function exactError(source: Source, chunk: Chunk, lines: LineIndex): InputError | undefined {
  const doc = yamlPackage().parseDocument(chunk.text, YAML_OPTIONS);
  const at = (offset: number): Position => lines.position(chunk.start + offset);
  const [error] = doc.errors;
  if (error)
    return { file: source.file, position: at(error.pos[0]), message: firstLine(error.message) };
  try {
    doc.toJS({ maxAliasCount: 1000 });
    return undefined;
  } catch (thrown) {
    // An alias before its anchor, or an alias bomb.
    const offset = badAliasOffset(doc) ?? doc.contents?.range?.[0] ?? 0;
    return {
      file: source.file,
      position: at(offset),
      message: firstLine(thrown instanceof Error ? thrown.message : String(thrown)),
    };
  }
}

/** Where the first alias that does not resolve to an anchor is. */
function badAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  const { visit } = yamlPackage();
  visit(doc, {
    Alias(_key, alias) {
      if (alias.resolve(doc) === undefined) {
        offset = alias.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
