import { GOAWAY_CLASSES } from '../result.js';

/** HTTP/2 error codes (RFC 9113 §7), as the names failure classes use: `INTERNAL_ERROR` → `internal-error`. */
const NAMES = [
  'no-error',
  'protocol-error',
  'internal-error',
  'flow-control-error',
  'settings-timeout',
  'stream-closed',
  'frame-size-error',
  'refused-stream',
  'cancel',
  'compression-error',
  'connect-error',
  'enhance-your-calm',
  'inadequate-security',
  'http-1-1-required',
];

/** `2` → `internal-error`; a code the RFC does not define → `0x1f`. */
export function http2ErrorName(code: number): string {
  return NAMES[code] ?? `0x${code.toString(16)}`;
}

/** The failure class of a connection closed by a GOAWAY with `code` (not NO_ERROR). */
export function goawayClass(code: number): (typeof GOAWAY_CLASSES)[number] {
  const name = `goaway-${http2ErrorName(code)}`;
  return (GOAWAY_CLASSES as readonly string[]).includes(name)
    ? (name as (typeof GOAWAY_CLASSES)[number])
    : 'goaway-internal-error';
}
