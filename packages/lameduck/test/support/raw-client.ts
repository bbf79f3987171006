// A raw HTTP/1.1 client over one TCP connection: it shows exactly what the server sent (headers,
// FIN, RST), which node:http's agent hides.
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Ending = 'fin' | 'reset' | 'open';

export class RawClient {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  /** How the server ended the connection: 'fin' (end), 'reset' (ECONNRESET), or still 'open'. */
  ending: Ending = 'open';
  error: NodeJS.ErrnoException | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('end', () => {
      if (this.ending === 'open') this.ending = 'fin';
      this.#wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error = error;
      if (error.code === 'ECONNRESET') this.ending = 'reset';
      this.#wake();
    });
    socket.on('close', () => this.#wake());
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, allowHalfOpen: true });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** The same over TLS (HTTP/1.1 only), trusting `ca`. */
  static connectTls(port: number, ca: Buffer, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      // allowHalfOpen is passed on to the TCP socket, though tls's types do not list it.
      const options = { port, host, ca, servername: 'localhost', ALPNProtocols: ['http/1.1'] };
      const socket = connectTls({ ...options, allowHalfOpen: true } as typeof options);
      socket.once('secureConnect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(path: string, headers: Record<string, string> = {}, method = 'GET'): void {
    const lines = [
      `${method} ${path} HTTP/1.1`,
      'Host: test',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  }

  async request(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    this.send(path, headers);
    return this.readResponse();
  }

  /** Reads one response (Content-Length or chunked). Rejects if the connection ends first. */
  async readResponse(): Promise<RawResponse> {
    for (;;) {
      const parsed = parse(this.#buffer);
      if (parsed) {
        this.#buffer = this.#buffer.subarray(parsed.consumed);
        return parsed.response;
      }
      if (this.ending !== 'open' || this.socket.destroyed) {
        throw Object.assign(new Error(`connection ${this.ending} before a full response`), {
          ending: this.ending,
        });
      }
      await this.#next();
    }
  }

  /** Resolves once the server ended the connection, with how it did. */
  async waitEnding(): Promise<Ending> {
    while (this.ending === 'open' && !this.socket.destroyed) await this.#next();
    return this.ending;
  }

  /** Bytes received and not consumed as a response (e.g. WebSocket frames). */
  async readBytes(n: number): Promise<Buffer> {
    while (this.#buffer.length < n) {
      if (this.ending !== 'open' || this.socket.destroyed)
        throw new Error(`connection ${this.ending}`);
      await this.#next();
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  close(): void {
    this.socket.destroy();
  }

  #next(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

function parse(buffer: Buffer): { response: RawResponse; consumed: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const head = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(head[0]?.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let offset = headEnd + 4;
  if (headers['transfer-encoding'] === 'chunked') {
    let body = '';
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', offset);
      if (lineEnd === -1) return undefined;
      const size = Number.parseInt(buffer.subarray(offset, lineEnd).toString(), 16);
      if (buffer.length < lineEnd + 2 + size + 2) return undefined;
      body += buffer.subarray(lineEnd + 2, lineEnd + 2 + size).toString();
      offset = lineEnd + 2 + size + 2;
      if (size === 0) return { response: { status, headers, body }, consumed: offset };
    }
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buffer.length < offset + length) return undefined;
  return {
    response: { status, headers, body: buffer.subarray(offset, offset + length).toString() },
    consumed: offset + length,
  };
}
