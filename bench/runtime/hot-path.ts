// Where lameduck's serving overhead goes, measured without the network: the cost of one 'request'
// event through a server's emit, bare, with an emit wrapper that observes nothing, and under
// lameduck — real IncomingMessage/ServerResponse objects on one socket, a million events per run,
// in this process (CPU time, so other processes on the machine barely move it).
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { createLameduck } from 'lameduck';

type Emit = (event: string, ...args: unknown[]) => boolean;

function cpuNanosPerEvent(
  emit: Emit,
  req: IncomingMessage,
  res: ServerResponse,
  n: number,
): number {
  for (let i = 0; i < 10_000; i++) emit('request', req, res); // warm the JIT
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) emit('request', req, res);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / n;
}

export interface HotPath {
  bare: number[];
  wrapper: number[];
  lameduck: number[];
}

export function hotPath(rounds = 7, n = 1_000_000): HotPath {
  const result: HotPath = { bare: [], wrapper: [], lameduck: [] };
  for (let round = 0; round < rounds; round++) {
    for (const variant of ['bare', 'wrapper', 'lameduck'] as const) {
      const server = createServer(() => {});
      const lameduck =
        variant === 'lameduck'
          ? createLameduck({ admin: false, logger: false, exit: false, signals: ['SIGUSR2'] })
          : undefined;
      if (lameduck) lameduck.register(server);
      if (variant === 'wrapper') {
        const original = server.emit;
        const observe = (_event: string | symbol, _a: unknown, _b: unknown) => false;
        server.emit = function emitObserved(
          this: unknown,
          event: string | symbol,
          a?: unknown,
          b?: unknown,
        ) {
          if (observe(event, a, b)) return true;
          // biome-ignore lint/complexity/noArguments: the same forwarding as lameduck's wrapper
          return Reflect.apply(original, this, arguments) as boolean;
        } as typeof server.emit;
      }
      const socket = new Socket();
      const req = new IncomingMessage(socket);
      req.httpVersionMajor = 1;
      const res = new ServerResponse(req);
      // As Node leaves it while a request is being answered: the response on its socket.
      (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage = res;
      const emit = server.emit.bind(server) as Emit;
      result[variant].push(cpuNanosPerEvent(emit, req, res, n));
      lameduck?.dispose();
      socket.destroy();
    }
  }
  return result;
}
