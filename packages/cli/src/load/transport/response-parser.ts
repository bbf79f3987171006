/**
 * An incremental HTTP/1.1 response parser, just enough for a load generator: status, framing
 * (Content-Length, chunked, until close) and whether the connection stays open. Bodies are counted,
 * never kept.
 */

import { LameduckError } from '../../core/errors.js';

const CR = 13;
const LF = 10;
/** Response heads larger than this are a protocol error. */
const MAX_HEAD = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close';

export type ParseResult =
  /** More bytes are needed. */
  | { done: false }
  /** A complete response; `extra` bytes followed it in the same chunk. */
  | { done: true; status: number; keepAlive: boolean; extra: number };

/** The trimmed value of the first header named by `marker` (`\r\nname:`), in a lower-cased head. */
function headerValue(head: string, marker: string): string | undefined {
  const at = head.indexOf(marker);
  if (at === -1) return undefined;
  const start = at + marker.length;
  const end = head.indexOf('\r\n', start);
  return head.slice(start, end === -1 ? undefined : end).trim();
}

/**
 * A response that is not HTTP/1.1 as the parser knows it. It never leaves a run: the request fails as
 * `other` and the message (code first) is kept in the failure samples.
 */
export class ParseError extends LameduckError {
  override name = 'ParseError';

  constructor(message: string) {
    super('ERR_LAMEDUCK_LOAD_HTTP_PARSE', message, { exitCode: 1 });
  }
}

const MORE: ParseResult = { done: false };

export class ResponseParser {
  #state: State = 'head';
  #pending: Buffer | undefined;
  #started = false;
  #remaining = 0;
  #line = '';
  #status = 0;
  #keepAlive = true;
  #noBody = false;

  /** Set before each request: HEAD responses have no body. */
  reset(isHead: boolean): void {
    this.#state = 'head';
    this.#pending = undefined;
    this.#started = false;
    this.#remaining = 0;
    this.#line = '';
    this.#status = 0;
    this.#keepAlive = true;
    this.#noBody = isHead;
  }

  /** True once any byte of the current response has arrived. */
  get started(): boolean {
    return this.#started;
  }

  /** Whether the response is complete when the connection closes now (read-until-close bodies). */
  get completeOnClose(): boolean {
    return this.#state === 'close';
  }

  get status(): number {
    return this.#status;
  }

  feed(chunk: Buffer): ParseResult {
    if (chunk.length > 0) this.#started = true;
    let i = 0;
    while (i < chunk.length) {
      switch (this.#state) {
        case 'head': {
          const r = this.#feedHead(chunk, i);
          if (r < 0) return MORE;
          i = r;
          if (this.#state === 'head') continue; // a 1xx response was skipped
          if (this.#remainingDone()) return this.#complete(chunk.length - i);
          break;
        }
        case 'length': {
          const take = Math.min(this.#remaining, chunk.length - i);
          this.#remaining -= take;
          i += take;
          if (this.#remaining === 0) return this.#complete(chunk.length - i);
          break;
        }
        case 'close':
          return MORE;
        default: {
          const r = this.#feedChunked(chunk, i);
          if (r < 0) return this.#complete(chunk.length + r + 1);
          i = r;
        }
      }
    }
    return this.#state === 'head' || !this.#remainingDone() ? MORE : this.#complete(0);
  }

  #complete(extra: number): ParseResult {
    this.#state = 'head';
    return { done: true, status: this.#status, keepAlive: this.#keepAlive, extra };
  }

  #remainingDone(): boolean {
    return this.#state === 'length' && this.#remaining === 0;
  }

  /** Returns the index after the head, or -1 when the head is not complete yet. */
  #feedHead(chunk: Buffer, from: number): number {
    const previous = this.#pending;
    const buffer = previous ? Buffer.concat([previous, chunk.subarray(from)]) : chunk;
    const start = previous ? 0 : from;
    const end = buffer.indexOf(HEAD_END, start);
    if (end === -1) {
      this.#pending = buffer.subarray(start);
      if (this.#pending.length > MAX_HEAD) throw new ParseError('response head larger than 64 KiB');
      return -1;
    }
    this.#pending = undefined;
    this.#parseHead(buffer.toString('latin1', start, end));
    return previous ? end + 4 - previous.length + from : end + 4;
  }

  #parseHead(text: string): void {
    const match = /^HTTP\/1\.([01]) (\d{3})/.exec(text);
    if (!match)
      throw new ParseError(`invalid status line "${text.split('\r\n')[0]?.slice(0, 80)}"`);
    const status = Number(match[2]);
    // one lower-cased copy of the (small) head, then direct lookups of the three fields we need
    const head = text.toLowerCase();
    const length = headerValue(head, '\r\ncontent-length:');
    const encoding = headerValue(head, '\r\ntransfer-encoding:');
    const connection = headerValue(head, '\r\nconnection:');
    const chunked = encoding !== undefined && /(^|,)\s*chunked$/.test(encoding);
    let keepAlive = match[1] === '1';
    if (connection?.includes('close')) keepAlive = false;
    else if (connection?.includes('keep-alive')) keepAlive = true;
    if (status >= 100 && status < 200 && status !== 101) return; // informational: the real one follows
    this.#status = status;
    this.#keepAlive = keepAlive;
    if (this.#noBody || status === 204 || status === 304) {
      this.#state = 'length';
      this.#remaining = 0;
    } else if (chunked) {
      this.#state = 'chunk-size';
      this.#line = '';
    } else if (length !== undefined && /^\d+$/.test(length)) {
      this.#state = 'length';
      this.#remaining = Number(length);
    } else {
      this.#state = 'close';
      this.#keepAlive = false;
    }
  }

  /** Chunked body; returns the next index, or -(index+1) of the first byte after the body. */
  #feedChunked(chunk: Buffer, from: number): number {
    let i = from;
    while (i < chunk.length) {
      const state = this.#state;
      if (state === 'chunk-data') {
        const take = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= take;
        i += take;
        if (this.#remaining === 0) this.#state = 'chunk-end';
        continue;
      }
      const byte = chunk[i++] as number;
      if (byte === CR) continue;
      if (byte !== LF) {
        if (this.#line.length > 1024) throw new ParseError('chunk line too long');
        this.#line += String.fromCharCode(byte);
        continue;
      }
      const line = this.#line;
      this.#line = '';
      if (this.#chunkLine(state, line)) return -(i + 1);
    }
    return i;
  }

  /** Handles one line of chunked framing; true when it ended the body. */
  #chunkLine(state: State, line: string): boolean {
    if (state === 'chunk-end') {
      this.#state = 'chunk-size';
    } else if (state === 'chunk-size') {
      const size = Number.parseInt(line.split(';')[0] ?? '', 16);
      if (!Number.isFinite(size) || size < 0) throw new ParseError(`bad chunk size "${line}"`);
      if (size === 0) this.#state = 'trailers';
      else {
        this.#state = 'chunk-data';
        this.#remaining = size;
      }
    } else if (state === 'trailers' && line === '') {
      return true;
    }
    return false;
  }
}
