// The bytes of an input as text: UTF-8 (with or without a byte-order mark) and UTF-16 with a
// byte-order mark are read; anything else is refused with the reason, never guessed at (a Latin-1
// file read as UTF-8 would be silently mangled, and written back mangled by --fix).
import type { Source } from '../../manifest/types.js';

export type Decoded =
  | { readonly ok: true; readonly text: string; readonly encoding: Source['encoding'] }
  | { readonly ok: false; readonly reason: string };

/** How many continuation bytes a UTF-8 lead byte announces, or -1 when it cannot lead. */
function continuations(b: number): number {
  if (b < 0x80) return 0;
  if (b >= 0xc2 && b < 0xe0) return 1;
  if (b >= 0xe0 && b < 0xf0) return 2;
  return b >= 0xf0 && b < 0xf5 ? 3 : -1;
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const need = continuations(bytes[i] as number);
    if (need < 0 || i + need > bytes.length - 1) return i;
    for (let k = 1; k <= need; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

function swap16(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(bytes.length - (bytes.length % 2));
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1] as number;
    out[i + 1] = bytes[i] as number;
  }
  return out;
}

export function decode(bytes: Uint8Array): Decoded {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xff && buffer[1] === 0xfe)
    return { ok: true, text: buffer.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  if (buffer[0] === 0xfe && buffer[1] === 0xff)
    return { ok: true, text: swap16(buffer.subarray(2)).toString('utf16le'), encoding: 'utf-16be' };
  const head = buffer.subarray(0, 64);
  if (head.length >= 4 && head.includes(0)) {
    return {
      ok: false,
      reason:
        'it looks like UTF-16 without a byte-order mark (NUL bytes): save it as UTF-8, or as UTF-16 with a byte-order mark',
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer);
  } catch {
    const bad = Math.max(0, invalidUtf8At(buffer));
    return {
      ok: false,
      reason: `it is not UTF-8 (byte 0x${(buffer[bad] ?? 0).toString(16).toUpperCase().padStart(2, '0')} at offset ${bad}; Latin-1 or Windows-1252?): save it as UTF-8, lameduck does not guess encodings`,
    };
  }
  return { ok: true, text, encoding: undefined };
}

/** The bytes to write for a fixed text, in the encoding the file was read in. */
export function encode(text: string, encoding: Source['encoding']): string | Uint8Array {
  if (encoding === 'utf-16le')
    return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (encoding === 'utf-16be')
    return Buffer.concat([Buffer.from([0xfe, 0xff]), swap16(Buffer.from(text, 'utf16le'))]);
  return text;
}
