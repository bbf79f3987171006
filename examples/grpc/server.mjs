// gRPC (@grpc/grpc-js) under lameduck. Run: node examples/grpc/server.mjs
//
// grpc-js serves over node:http2, so lameduck drains it like any HTTP/2 server: while draining, each
// connection with calls in flight gets a GOAWAY (calls in flight finish; clients open a new
// connection for new calls, which is still accepted during the drain delay); when the delay is
// over the listener closes and every connection gets its final GOAWAY once its calls are done.
// grpc-js keeps its http2 server to itself, so lameduck/auto is imported first: it registers the
// server when grpc-js starts listening. grpc-js's own tryShutdown() runs last, as a hook.

import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { lameduck } from 'lameduck/auto'; // first: before grpc-js creates its server

const definition = protoLoader.loadSync(
  fileURLToPath(new URL('./greeter.proto', import.meta.url)),
  {
    keepCase: true,
  },
);
const { greeter } = grpc.loadPackageDefinition(definition);

const server = new grpc.Server();
server.addService(greeter.Greeter.service, {
  sayHello(call, callback) {
    setTimeout(
      () => callback(null, { message: `hello ${call.request.name}` }),
      call.request.delay_ms,
    );
  },
  count(call) {
    let sent = 0;
    const tick = setInterval(() => {
      call.write({ message: `${++sent}` });
      if (sent >= call.request.count) {
        clearInterval(tick);
        call.end();
      }
    }, call.request.interval_ms);
    call.on('cancelled', () => clearInterval(tick));
  },
});
lameduck.hook('grpc', () => new Promise((resolve) => server.tryShutdown(() => resolve())));

server.bindAsync(
  `${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 50051}`,
  grpc.ServerCredentials.createInsecure(),
  (error, port) => {
    if (error) throw error;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  },
);
