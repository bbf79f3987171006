// The torture test's clients. Each plays one ClientPlan against the server and records, for every
// request it sent, when the request was handed to the kernel and whether a complete response came
// back. HTTP/1.1 goes over raw sockets (so that FIN and reset are seen as they are), HTTP/2 over
// node:http2. Clients behave as well-mannered ones do: a connection that said `Connection: close`
// or was closed is not reused, an HTTP/2 session that got a GOAWAY is replaced by a new one.
import { type ClientHttp2Session, connect as connectH2 } from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { RawClient } from '../support/raw-client.ts';
import { tls } from '../support/tls.ts';
import type { ClientKind, ClientPlan, Protocol } from './schedule.ts';

export interface RequestRecord {
  readonly id: string;
  readonly kind: string;
  /** Epoch ms at which the request was written (undefined: never sent, e.g. refused). */
  sentAt: number | undefined;
  /** Epoch ms at which the client tried (connection attempt or write). */
  readonly triedAt: number;
  complete: boolean;
  detail: string;
}

interface Target {
  readonly protocol: Protocol;
  readonly port: number;
}

/** Every socket and session the clients opened, so that the test can end them all. */
export class ClientPool {
  readonly records: RequestRecord[] = [];
  readonly #closers = new Set<() => void>();

  closeAll(): void {
    for (const close of this.#closers) close();
    this.#closers.clear();
  }

  track(close: () => void): () => void {
    this.#closers.add(close);
    return () => this.#closers.delete(close);
  }

  record(id: string, kind: string): RequestRecord {
    const record: RequestRecord = {
      id,
      kind,
      sentAt: undefined,
      triedAt: Date.now(),
      complete: false,
      detail: 'no answer',
    };
    this.records.push(record);
    return record;
  }
}

export async function runClient(
  pool: ClientPool,
  target: Target,
  plan: ClientPlan,
  index: number,
): Promise<void> {
  let n = 0;
  const nextId = () => `c${index}-${n++}`;
  if (target.protocol === 'http' || target.protocol === 'https') {
    await http1Client(pool, target, plan, nextId);
  } else {
    await http2Client(pool, target, plan, nextId);
  }
}

// ---------------------------------------------------------------- HTTP/1.1 over raw sockets

async function open(pool: ClientPool, target: Target): Promise<RawClient> {
  const client =
    target.protocol === 'https'
      ? await RawClient.connectTls(target.port, tls.cert)
      : await RawClient.connect(target.port);
  client.socket.on('end', () => client.socket.end()); // close our side once the server closed its
  const untrack = pool.track(() => client.close());
  client.socket.once('close', untrack);
  return client;
}

const usable = (client: RawClient | undefined): client is RawClient =>
  client !== undefined && client.ending === 'open' && !client.socket.destroyed;

/** Sends one GET /r and reads its answer; returns whether the connection may be reused. */
async function get(
  pool: ClientPool,
  client: RawClient,
  id: string,
  kind: string,
  ms: number,
): Promise<boolean> {
  const record = pool.record(id, kind);
  client.send(`/r?ms=${ms}`, { 'x-id': id });
  record.sentAt = Date.now();
  try {
    const response = await client.readResponse();
    record.complete = response.status === 200 && response.body === `ok-${id}`;
    record.detail = `${response.status} ${response.body}`;
    return response.headers.connection !== 'close';
  } catch (error) {
    record.detail = (error as Error).message;
    return false;
  }
}

/** Opens a connection, or records the attempt as a request that could not be sent. */
async function connectFor(
  pool: ClientPool,
  target: Target,
  id: string,
  kind: string,
): Promise<RawClient | undefined> {
  try {
    return await open(pool, target);
  } catch (error) {
    pool.record(id, kind).detail = `connect: ${(error as NodeJS.ErrnoException).code ?? error}`;
    return undefined;
  }
}

type Http1Play = (
  pool: ClientPool,
  target: Target,
  plan: ClientPlan,
  nextId: () => string,
) => Promise<void>;

const sequence: Http1Play = async (pool, target, plan, nextId) => {
  const { kind, ms, gap } = plan;

  let client: RawClient | undefined;
  // idle: the one request, then a second one on the same connection after a long pause.
  const plans = kind === 'idle' ? [ms[0] ?? 0, ms[0] ?? 0] : ms;
  for (let i = 0; i < plans.length; i++) {
    const id = nextId();
    if (!usable(client)) {
      client = await connectFor(pool, target, id, kind);
      if (!client) return;
    }
    const reuse = await get(pool, client, id, kind, plans[i] ?? 0);
    if (!reuse) client.close();
    await sleep(kind === 'idle' ? gap * 3 + 100 : gap);
  }
  (client as RawClient | undefined)?.close();
  return;
};

const unused: Http1Play = async (pool, target, plan, nextId) => {
  const { kind, ms, gap } = plan;

  const id = nextId();
  let client = await connectFor(pool, target, id, kind);
  if (!client) return;
  await sleep(gap);
  if (!usable(client)) {
    (client as RawClient).close();
    client = await connectFor(pool, target, id, kind);
    if (!client) return;
  }
  await get(pool, client, id, kind, ms[0] ?? 0);
  client.close();
  return;
};

const pipelined: Http1Play = async (pool, target, plan, nextId) => {
  const { kind, ms } = plan;

  const ids = ms.map(() => nextId());
  const client = await connectFor(pool, target, ids[0] as string, kind);
  if (!client) return;
  const records = ids.map((id) => pool.record(id, kind));
  client.socket.write(
    ids.map((id, i) => `GET /r?ms=${ms[i]} HTTP/1.1\r\nHost: t\r\nx-id: ${id}\r\n\r\n`).join(''),
  );
  const sentAt = Date.now();
  for (const [i, record] of records.entries()) {
    record.sentAt = sentAt;
    try {
      const response = await client.readResponse();
      record.complete = response.status === 200 && response.body === `ok-${ids[i]}`;
      record.detail = `${response.status} ${response.body}`;
    } catch (error) {
      record.detail = (error as Error).message;
    }
  }
  client.close();
  return;
};

const slowBody: Http1Play = async (pool, target, plan, nextId) => {
  const { kind, gap } = plan;

  const id = nextId();
  const client = await connectFor(pool, target, id, kind);
  if (!client) return;
  const record = pool.record(id, kind);
  client.send('/upload', { 'x-id': id, 'content-length': '30' }, 'POST');
  record.sentAt = Date.now();
  const answer = client.readResponse();
  answer.catch(() => {});
  for (let i = 0; i < 3 && usable(client); i++) {
    await sleep(Math.round(gap / 3));
    client.socket.write('x'.repeat(10));
  }
  try {
    const response = await answer;
    record.complete = response.status === 200 && response.body === `ok-${id}:30`;
    record.detail = `${response.status} ${response.body}`;
  } catch (error) {
    record.detail = (error as Error).message;
  }
  client.close();
  return;
};

const sse: Http1Play = async (pool, target, plan, nextId) => {
  const { kind } = plan;

  const id = nextId();
  const client = await connectFor(pool, target, id, kind);
  if (!client) return;
  const record = pool.record(id, kind);
  client.send('/sse', { 'x-id': id });
  record.sentAt = Date.now();
  try {
    const response = await client.readResponse();
    record.complete = response.status === 200 && response.body.endsWith('event: bye\n\n');
    record.detail = `${response.status} …${response.body.slice(-20)}`;
  } catch (error) {
    record.detail = (error as Error).message;
  }
  client.close();
  return;
};

const websocket: Http1Play = async (pool, target, plan, nextId) => {
  const { kind } = plan;

  const id = nextId();
  const client = await connectFor(pool, target, id, kind);
  if (!client) return;
  const record = pool.record(id, kind);
  client.send('/ws', {
    'x-id': id,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
  });
  record.sentAt = Date.now();
  try {
    let head = '';
    while (!head.endsWith('\r\n\r\n')) head += (await client.readBytes(1)).toString('latin1');
    const frame = await client.readBytes(2);
    const payload = await client.readBytes(frame[1] as number);
    record.complete =
      head.startsWith('HTTP/1.1 101') && frame[0] === 0x88 && payload.readUInt16BE(0) === 1001;
    record.detail = `close frame ${payload.readUInt16BE(0)}`;
    client.socket.end(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe9]));
  } catch (error) {
    record.detail = (error as Error).message;
    client.close();
  }
  return;
};

const HTTP1_PLAYS: Record<ClientKind, Http1Play> = {
  request: sequence,
  'keep-alive': sequence,
  idle: sequence,
  unused,
  pipelined,
  'slow-body': slowBody,
  sse,
  websocket,
};

function http1Client(
  pool: ClientPool,
  target: Target,
  plan: ClientPlan,
  nextId: () => string,
): Promise<void> {
  return HTTP1_PLAYS[plan.kind](pool, target, plan, nextId);
}

// ---------------------------------------------------------------- HTTP/2 over node:http2

interface Session {
  readonly session: ClientHttp2Session;
  goaway: boolean;
}

function openSession(pool: ClientPool, target: Target): Session {
  const url = `${target.protocol === 'h2' ? 'https' : 'http'}://127.0.0.1:${target.port}`;
  const session = connectH2(
    url,
    target.protocol === 'h2' ? { ca: tls.cert, servername: 'localhost' } : {},
  );
  const state: Session = { session, goaway: false };
  session.on('error', () => {});
  session.on('goaway', () => {
    state.goaway = true;
  });
  const untrack = pool.track(() => session.destroy());
  session.once('close', untrack);
  return state;
}

const sessionUsable = (s: Session | undefined): s is Session =>
  s !== undefined && !s.goaway && !s.session.closed && !s.session.destroyed;

/** One stream; resolves once it ended or failed. `body` pieces are written with `gap` between them. */
async function stream(
  pool: ClientPool,
  s: Session,
  id: string,
  kind: string,
  path: string,
  expect: (body: string) => boolean,
  body?: { pieces: number; gap: number },
): Promise<void> {
  // A stream asked of a session still connecting leaves only once it connected: wait, so that the
  // time recorded is the time it was sent.
  if (s.session.connecting) {
    await new Promise((resolve) => {
      s.session.once('connect', resolve);
      s.session.once('close', resolve);
    });
  }
  const record = pool.record(id, kind);
  let req: ReturnType<ClientHttp2Session['request']>;
  try {
    req = s.session.request(
      {
        ':path': path,
        ':method': body ? 'POST' : 'GET',
        'x-id': id,
        ...(body ? { 'content-length': String(body.pieces * 10) } : {}),
      },
      { endStream: !body },
    );
  } catch (error) {
    record.detail = `request: ${(error as NodeJS.ErrnoException).code ?? error}`;
    return;
  }
  record.sentAt = Date.now();
  const done = new Promise<void>((resolve) => {
    let status = 0;
    let text = '';
    req.setEncoding('utf8');
    req.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      record.complete = status === 200 && expect(text);
      record.detail = `${status} …${text.slice(-20)}`;
      resolve();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      record.detail = `stream: ${error.code ?? error.message} (rst ${req.rstCode})`;
      resolve();
    });
    req.on('close', () => resolve());
  });
  if (body) {
    for (let i = 0; i < body.pieces && !req.destroyed; i++) {
      await sleep(Math.round(body.gap / body.pieces));
      if (i === body.pieces - 1) req.end('x'.repeat(10));
      else req.write('x'.repeat(10));
    }
  }
  await done;
}

async function http2Client(
  pool: ClientPool,
  target: Target,
  plan: ClientPlan,
  nextId: () => string,
): Promise<void> {
  const { kind, ms, gap } = plan;
  let s: Session | undefined;
  const session = () => {
    if (!sessionUsable(s)) s = openSession(pool, target);
    return s;
  };
  switch (kind) {
    case 'request':
    case 'keep-alive':
    case 'idle': {
      const plans = kind === 'idle' ? [ms[0] ?? 0, ms[0] ?? 0] : ms;
      for (const wait of plans) {
        const id = nextId();
        await stream(pool, session(), id, kind, `/r?ms=${wait}`, (b) => b === `ok-${id}`);
        if (kind === 'request') s?.session.close();
        await sleep(kind === 'idle' ? gap * 3 + 100 : gap);
      }
      break;
    }
    case 'slow-body': {
      const id = nextId();
      await stream(pool, session(), id, kind, '/upload', (b) => b === `ok-${id}:30`, {
        pieces: 3,
        gap,
      });
      break;
    }
    case 'sse': {
      const id = nextId();
      await stream(pool, session(), id, kind, '/sse', (b) => b.endsWith('event: bye\n\n'));
      break;
    }
    default:
      throw new Error(`no ${kind} client over HTTP/2`);
  }
  s?.session.close();
}
