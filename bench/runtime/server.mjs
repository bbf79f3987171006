// One benchmark server: node bench/runtime/server.mjs <variant>
// Variants: bare | emit-wrap | lameduck | terminus | http-terminator | stoppable | node-close over
// HTTP/1.1, and h2-bare | h2-lameduck over h2c. emit-wrap wraps the server's emit exactly as
// lameduck does and observes nothing: what the wrapper alone costs.
// GET / answers "ok"; GET /slow answers after BENCH_SLOW_MS (200 ms). Prints {"port":N} when listening, and
// {"requests":N,"cpuMicros":N} on SIGUSR2.
// On SIGTERM it shuts down the variant's way and, just before exiting, prints
// {"closeStartMs":…, "lastResponseMs":…, "exitMs":…} (performance.now()): closeStart is when
// connections start being closed (for lameduck the end of the drain delay), lastResponse is when the
// last 200 ms request was answered, exit is when the variant says it is done.
import { createServer } from 'node:http';
import { createServer as createH2 } from 'node:http2';
import { performance } from 'node:perf_hooks';

const variant = process.argv[2] ?? 'bare';
const drainDelay = Number(process.env.BENCH_DRAIN_DELAY_MS ?? 0);
const slowMs = Number(process.env.BENCH_SLOW_MS ?? 200);
let lastResponseMs;
let requests = 0;
// lag-*: every request blocks the event loop this long (a CPU-bound handler), so that under load
// the loop falls behind and connections wait in the kernel's accept queue.
const blockMs = Number(process.env.BENCH_BLOCK_MS ?? 0);
const handler = (req, res) => {
  requests++;
  if (blockMs > 0) {
    const until = performance.now() + blockMs;
    while (performance.now() < until) {
      // busy: the event loop is blocked
    }
  }
  if (req.url !== '/slow') return res.end('ok');
  setTimeout(() => {
    res.end('ok');
    lastResponseMs = performance.now();
  }, slowMs);
};
const server = variant.startsWith('h2-') ? createH2(handler) : createServer(handler);
if (!variant.startsWith('h2-')) server.keepAliveTimeout = 5000; // Node's default, stated so the comparison does not depend on it
let closeStartMs;
const done = () => {
  const exitMs = performance.now();
  process.stdout.write(`${JSON.stringify({ closeStartMs, lastResponseMs, exitMs })}\n`);
  process.exit(0);
};

switch (variant) {
  case 'bare':
  case 'h2-bare':
    break;
  case 'emit-wrap': {
    const original = server.emit;
    const observe = () => false;
    server.emit = function emitObserved(event, a, b) {
      if (observe(event, a, b)) return true;
      // biome-ignore lint/complexity/noArguments: the same forwarding as lameduck's wrapper
      return Reflect.apply(original, this, arguments);
    };
    break;
  }
  case 'lag-netclose': {
    // The listener closed directly when the delay is over, with no event-loop turn first.
    const { Server } = await import('node:net');
    process.once('SIGTERM', () => {
      setTimeout(() => {
        closeStartMs = performance.now();
        Server.prototype.close.call(server);
        process.stdout.write(`${JSON.stringify({ closedAt: Date.now() })}\n`);
        setTimeout(done, 2000);
      }, drainDelay);
    });
    break;
  }
  case 'lag-lameduck':
  case 'lameduck':
  case 'h2-lameduck': {
    const { createLameduck } = await import('lameduck');
    const lameduck = createLameduck({ admin: false, logger: false, exit: false, drainDelay });
    lameduck.register(server);
    lameduck.on('phase', ({ phase }) => {
      if (phase !== 'closing') return;
      closeStartMs = performance.now();
      if (variant === 'lag-lameduck')
        process.stdout.write(`${JSON.stringify({ closedAt: Date.now() })}\n`);
    });
    lameduck.on('stopped', done);
    break;
  }
  case 'terminus': {
    const { createTerminus } = await import('@godaddy/terminus');
    createTerminus(server, {
      signals: ['SIGTERM'],
      timeout: 5000,
      beforeShutdown: async () => {
        closeStartMs = performance.now();
      },
      onShutdown: async () => done(),
    });
    break;
  }
  case 'http-terminator': {
    const { createHttpTerminator } = await import('http-terminator');
    const terminator = createHttpTerminator({ server, gracefulTerminationTimeout: 5000 });
    process.once('SIGTERM', () => {
      closeStartMs = performance.now();
      terminator.terminate().then(done);
    });
    break;
  }
  case 'stoppable': {
    const { default: stoppable } = await import('stoppable');
    const stoppableServer = stoppable(server, 5000);
    process.once('SIGTERM', () => {
      closeStartMs = performance.now();
      stoppableServer.stop(done);
    });
    break;
  }
  case 'node-close':
    process.once('SIGTERM', () => {
      closeStartMs = performance.now();
      server.close(done);
    });
    break;
  default:
    process.stderr.write(`unknown variant ${variant}\n`);
    process.exit(2);
}

// SIGUSR2: print the requests served and the CPU time used so far, for CPU time per request.
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ requests, cpuMicros: user + system })}\n`);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
