// One benchmark server: node bench/runtime/server.mjs <variant>
// Variants: bare | lameduck | terminus | http-terminator | stoppable | node-close.
// GET / answers "ok"; GET /slow answers after 200 ms. Prints {"port":N} when listening.
// On SIGTERM it shuts down the variant's way and, just before exiting, prints
// {"closeStartMs":…, "lastResponseMs":…, "exitMs":…} (performance.now()): closeStart is when
// connections start being closed (for lameduck the end of the drain delay), lastResponse is when the
// last 200 ms request was answered, exit is when the variant says it is done.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

const variant = process.argv[2] ?? 'bare';
const drainDelay = Number(process.env.BENCH_DRAIN_DELAY_MS ?? 0);
let lastResponseMs;
const handler = (req, res) => {
  if (req.url !== '/slow') return res.end('ok');
  setTimeout(() => {
    res.end('ok');
    lastResponseMs = performance.now();
  }, 200);
};
const server = createServer(handler);
server.keepAliveTimeout = 5000; // Node's default, stated so the comparison does not depend on it
let closeStartMs;
const done = () => {
  const exitMs = performance.now();
  process.stdout.write(`${JSON.stringify({ closeStartMs, lastResponseMs, exitMs })}\n`);
  process.exit(0);
};

switch (variant) {
  case 'bare':
    break;
  case 'lameduck': {
    const { createLameduck } = await import('lameduck');
    const lameduck = createLameduck({ admin: false, logger: false, exit: false, drainDelay });
    lameduck.register(server);
    lameduck.on('phase', ({ phase }) => {
      if (phase === 'closing') closeStartMs = performance.now();
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

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
