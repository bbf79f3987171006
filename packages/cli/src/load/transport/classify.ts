import type { FailureClass, Outcome } from '../result.js';

const REFUSED = new Set(['ECONNREFUSED']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
/** No route to the host: its network is known but the host does not answer (ARP, an ICMP error). */
const HOST_UNREACHABLE = new Set(['EHOSTUNREACH', 'EHOSTDOWN']);
/** No route to the host's network at all. */
const NETWORK_UNREACHABLE = new Set(['ENETUNREACH', 'ENETDOWN']);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
]);

/**
 * The class of a transport error, by its Node `code` (or the kind of message when it has none).
 * An error that only wraps another (a cancelled HTTP/2 stream, caused by its session's connection
 * error) takes the class of its cause.
 */
export function classifyError(error: unknown): FailureClass {
  // happy eyeballs (several addresses tried): every attempt failed, the first says why
  const attempts = (error as { errors?: unknown } | null)?.errors;
  if (Array.isArray(attempts) && attempts.length > 0) return classifyError(attempts[0]);
  const own = classifyOwn(error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  return own === 'other' && cause !== undefined && cause !== error ? classifyError(cause) : own;
}

function classifyOwn(error: unknown): FailureClass {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (REFUSED.has(code)) return 'refused';
    if (RESET.has(code)) return 'reset';
    if (TIMEOUT.has(code)) return 'timeout';
    if (DNS.has(code)) return 'dns';
    if (HOST_UNREACHABLE.has(code)) return 'host-unreachable';
    if (NETWORK_UNREACHABLE.has(code)) return 'network-unreachable';
    if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
      return 'tls';
    }
    if (code.startsWith('CERT_') || code.startsWith('ERR_OSSL_')) return 'tls';
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/socket hang up/i.test(message)) return 'reset';
  if (/\b(ssl|tls)\b|certificate/i.test(message)) return 'tls';
  return 'other';
}

/** The outcome of a complete response by its status code. */
export function classifyStatus(status: number, failOn4xx: boolean): Outcome {
  if (status < 400) return 'ok';
  if (status < 500) return failOn4xx ? 'http-4xx' : 'ok';
  if (status === 502) return 'http-502';
  if (status === 503) return 'http-503';
  if (status === 504) return 'http-504';
  return 'http-5xx';
}

/** A short, stable text for an error (code first), used in failure samples. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const prefix = typeof code === 'string' && !error.message.includes(code) ? `${code}: ` : '';
    return `${prefix}${error.message}`;
  }
  return String(error);
}
