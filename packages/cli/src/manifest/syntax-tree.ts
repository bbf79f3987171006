// A light syntax tree with source offsets, built from js-yaml's event stream: enough to locate any
// path of an object and to edit the text around it, at a fraction of the cost of a full Document.
import {
  COLLECTION_STYLE,
  EVENT_ID,
  type Event,
  getScalarValue,
  type MappingEvent,
  SCALAR_STYLE,
  type ScalarEvent,
  type SequenceEvent,
} from 'js-yaml';

export interface MapEntry {
  readonly key: string;
  readonly keyNode: SyntaxNode;
  readonly value: SyntaxNode;
}

interface Base {
  /** Offset where the node's text starts (for quoted scalars: the opening quote). */
  readonly start: number;
  /** Offset just after the node's last character (for collections: after their last descendant). */
  readonly end: number;
}

export type SyntaxNode =
  | (Base & { readonly kind: 'map'; readonly flow: boolean; readonly entries: readonly MapEntry[] })
  | (Base & { readonly kind: 'seq'; readonly flow: boolean; readonly items: readonly SyntaxNode[] })
  | (Base & {
      readonly kind: 'scalar';
      /** The scalar's text without quotes or block indicators; -1 when empty (`key:`). */
      readonly valueStart: number;
      readonly valueEnd: number;
      readonly quoted: 'none' | 'single' | 'double' | 'block';
      /** The parser's event: style, chomping and indentation, to decode an edited copy exactly. */
      readonly event?: ScalarEvent;
    })
  | (Base & { readonly kind: 'alias' });

const QUOTE: Readonly<Record<number, 'none' | 'single' | 'double' | 'block'>> = {
  [SCALAR_STYLE.PLAIN]: 'none',
  [SCALAR_STYLE.SINGLE_QUOTED]: 'single',
  [SCALAR_STYLE.DOUBLE_QUOTED]: 'double',
  [SCALAR_STYLE.LITERAL_BLOCK]: 'block',
  [SCALAR_STYLE.FOLDED_BLOCK]: 'block',
};

function scalar(event: ScalarEvent): SyntaxNode {
  const quoted = QUOTE[event.style] ?? 'none';
  const pad = quoted === 'single' || quoted === 'double' ? 1 : 0;
  return {
    kind: 'scalar',
    start: event.valueStart === -1 ? -1 : event.valueStart - pad,
    end: event.valueEnd === -1 ? -1 : event.valueEnd + pad,
    valueStart: event.valueStart,
    valueEnd: event.valueEnd,
    quoted,
    event,
  };
}

/** Builds the tree of the first document in `events`, or undefined for an empty document. */
export function buildTree(text: string, events: readonly Event[]): SyntaxNode | undefined {
  let i = 0;
  const atPop = () => (events[i] as Event).type === EVENT_ID.POP;
  /** A flow collection ends after its closing bracket: past spaces, line breaks, commas, comments. */
  const closing = (from: number, bracket: string): number => {
    let at = Math.max(from, 0);
    while (at < text.length && text[at] !== bracket) {
      if (text[at] === '#') {
        const eol = text.indexOf('\n', at);
        at = eol === -1 ? text.length : eol;
      } else at++;
    }
    return at < text.length ? at + 1 : from;
  };

  function mapping(event: MappingEvent): SyntaxNode {
    const entries: MapEntry[] = [];
    let end = event.start;
    while (!atPop()) {
      const keyEvent = events[i] as Event;
      const keyNode = node();
      const key = keyEvent.type === EVENT_ID.SCALAR ? getScalarValue(text, keyEvent) : '';
      let value = node();
      // An empty value (`key:`) sits right after its key.
      if (value.start === -1) value = { ...value, start: keyNode.end, end: keyNode.end };
      entries.push({ key, keyNode, value });
      end = Math.max(end, keyNode.end, value.end);
    }
    i++;
    const flow = event.style === COLLECTION_STYLE.FLOW;
    return { kind: 'map', start: event.start, end: flow ? closing(end, '}') : end, flow, entries };
  }

  function sequence(event: SequenceEvent): SyntaxNode {
    const items: SyntaxNode[] = [];
    let end = event.start;
    while (!atPop()) {
      const item = node();
      items.push(item);
      end = Math.max(end, item.end);
    }
    i++;
    const flow = event.style === COLLECTION_STYLE.FLOW;
    return { kind: 'seq', start: event.start, end: flow ? closing(end, ']') : end, flow, items };
  }

  function node(): SyntaxNode {
    const event = events[i++] as Event;
    switch (event.type) {
      case EVENT_ID.SCALAR:
        return scalar(event);
      case EVENT_ID.ALIAS:
        return { kind: 'alias', start: event.anchorStart - 1, end: event.anchorEnd };
      case EVENT_ID.MAPPING:
        return mapping(event);
      case EVENT_ID.SEQUENCE:
        return sequence(event);
      default:
        throw new Error(`unexpected YAML event ${event.type}`);
    }
  }

  while (i < events.length && (events[i] as Event).type !== EVENT_ID.DOCUMENT) i++;
  i++;
  if (i >= events.length || atPop()) return undefined;
  return node();
}

/** The child of a map (by key) or a sequence (by index), or undefined. */
export function child(
  node: SyntaxNode,
  key: string | number,
): { node: SyntaxNode; keyNode?: SyntaxNode } | undefined {
  if (node.kind === 'map' && typeof key === 'string') {
    for (let k = node.entries.length - 1; k >= 0; k--) {
      const entry = node.entries[k] as MapEntry;
      if (entry.key === key) return { node: entry.value, keyNode: entry.keyNode };
    }
  }
  if (node.kind === 'seq' && typeof key === 'number') {
    const item = node.items[key];
    return item ? { node: item } : undefined;
  }
  return undefined;
}
