import { readFileSync } from 'node:fs';

/** A self-signed certificate for localhost / 127.0.0.1 / ::1, for loopback tests only. */
export const tls = {
  key: readFileSync(new URL('../fixtures/test-key.pem', import.meta.url)),
  cert: readFileSync(new URL('../fixtures/test-cert.pem', import.meta.url)),
};
