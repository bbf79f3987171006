// The lab's built-in demo app: a plain node:http service whose shutdown behaviour is chosen by
// environment, so one program plays every scenario. Run as `node demo-app.js`.
//
//   HOST, PORT              where to listen (the pod's own loopback address)
//   DEMO_LATENCY_MS         how long each request takes (default 5)
//   DEMO_ON_SIGTERM         default: no handler (Node's default action; ignored as PID 1)
//                           exit:    close the listener and exit at once
//                           drain:   close the listener, finish in-flight requests, then exit
//
// GET /healthz answers 200 while serving (503 once draining); every other path answers "ok".
import { createServer } from 'node:http';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const latency = Number(process.env.DEMO_LATENCY_MS ?? 5);
const onSigterm = process.env.DEMO_ON_SIGTERM ?? 'default';
let draining = false;

const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.statusCode = draining ? 503 : 200;
    res.end(draining ? 'draining\n' : 'ok\n');
    return;
  }
  setTimeout(() => {
    res.setHeader('Content-Type', 'text/plain');
    res.end(`ok ${process.env.POD_NAME ?? ''}\n`);
  }, latency);
});
server.keepAliveTimeout = 65_000;

if (onSigterm === 'exit') {
  process.on('SIGTERM', () => {
    server.close();
    process.exit(0);
  });
} else if (onSigterm === 'drain') {
  process.on('SIGTERM', () => {
    draining = true;
    server.close(() => process.exit(0));
  });
}

server.listen(port, host, () => {
  process.stdout.write(`demo app listening on http://${host}:${port} (on SIGTERM: ${onSigterm})\n`);
});
