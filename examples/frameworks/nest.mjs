// NestJS 12 in zero-code mode: node --import lameduck/auto examples/frameworks/nest.mjs
// Nest's shutdown hooks (onModuleDestroy, beforeApplicationShutdown, onApplicationShutdown) run as
// one lameduck hook, after the drain. Do NOT call app.enableShutdownHooks(): it closes the server
// the moment SIGTERM arrives. Plain JavaScript: the decorators are applied by hand.
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { lameduck } from 'lameduck/auto';

class AppController {
  async hello(ms) {
    await new Promise((resolve) => setTimeout(resolve, Number(ms ?? 0)));
    return 'hello from nest';
  }
}
Query('ms')(AppController.prototype, 'hello', 0);
Get()(
  AppController.prototype,
  'hello',
  Object.getOwnPropertyDescriptor(AppController.prototype, 'hello'),
);
Controller()(AppController);

class Database {
  onApplicationShutdown() {
    // Where a connection pool would close.
    process.stdout.write(`${JSON.stringify({ onApplicationShutdown: Date.now() })}\n`);
  }
}
Injectable()(Database);

class AppModule {}
Module({ controllers: [AppController], providers: [Database] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
lameduck.hook('nest', () => app.close());
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: app.getHttpServer().address().port })}\n`);
