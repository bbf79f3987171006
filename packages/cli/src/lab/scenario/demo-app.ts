// The lab's built-in demo app: a plain node:http service whose shutdown behaviour is chosen by
// environment, so one program plays every scenario. Run as `node demo-app.js`.
//
//   HOST, PORT              where to listen (the pod's own loopback address)
//   DEMO_LATENCY            how long a request takes: a distribution (`exp:20ms..500ms`, see
//                           spec/distribution.ts); the server side of the traffic's long tail
//   DEMO_SLOW_SHARE         share of requests that take DEMO_SLOW_LATENCY instead (0 to 1)
//   DEMO_SLOW_LATENCY       a distribution, e.g. `uniform:2.5s..3.5s`: longer than a drain delay
//   DEMO_ON_SIGTERM         default:  no handler (Node's default action; ignored as PID 1)
//                           exit:     close the listener and exit at once
//                           drain:    `server.close()`: stop accepting, exit once every connection
//                                     has closed (idle keep-alive ones are closed once)
//                           graceful: as Spring Boot's `server.shutdown=graceful` on Tomcat: stop
//                                     accepting, answer what arrives on open connections with
//                                     `Connection: close`, exit once the requests in flight are done
//
// GET /healthz answers 200 while serving (503 once SIGTERM arrived); other requests (any method;
// a body is read to its end) answer "ok <pod>" after their latency.
import { createServer } from 'node:http';
import { type Distribution, parseDistribution, sample } from '../spec/distribution.js';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const latency: Distribution = parseDistribution(
  process.env.DEMO_LATENCY ?? 'fixed:5ms',
  'DEMO_LATENCY',
);
const slowShare = Number(process.env.DEMO_SLOW_SHARE ?? 0);
const slow: Distribution = parseDistribution(
  process.env.DEMO_SLOW_LATENCY ?? 'fixed:0ms',
  'DEMO_SLOW_LATENCY',
);
const onSigterm = process.env.DEMO_ON_SIGTERM ?? 'default';
let draining = false;
let inFlight = 0;

const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.statusCode = draining ? 503 : 200;
    res.end(draining ? 'draining\n' : 'ok\n');
    return;
  }
  inFlight++;
  const ms = Math.random() < slowShare ? sample(slow) : sample(latency);
  req.resume();
  req.once('end', () => {
    setTimeout(() => {
      res.setHeader('Content-Type', 'text/plain');
      if (draining && onSigterm === 'graceful') res.setHeader('Connection', 'close');
      res.end(`ok ${process.env.POD_NAME ?? ''}\n`);
      inFlight--;
      if (draining && onSigterm === 'graceful' && inFlight === 0) process.exit(0);
    }, ms);
  });
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
} else if (onSigterm === 'graceful') {
  process.on('SIGTERM', () => {
    draining = true;
    server.close(() => process.exit(0));
    if (inFlight === 0) process.exit(0);
  });
}

server.listen(port, host, () => {
  process.stdout.write(`demo app listening on http://${host}:${port} (on SIGTERM: ${onSigterm})\n`);
});
