import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLameduck, jsonLogger, type Logger } from '../src/index.ts';
import { FakeProcess } from './support/harness.ts';

test('a pino-style logger receives one structured event per phase, with counts', async () => {
  const calls: { level: string; fields: Record<string, unknown>; message: string | undefined }[] =
    [];
  const record =
    (level: string) =>
    (fields: object, message?: string): void => {
      calls.push({ level, fields: fields as Record<string, unknown>, message });
    };
  // The shape pino, bunyan and friends share: (fields, message).
  const logger: Logger = { info: record('info'), warn: record('warn'), error: record('error') };
  const lameduck = createLameduck({
    admin: false,
    exit: false,
    logger,
    process: new FakeProcess(),
  });
  lameduck.hook('db', () => {
    throw new Error('already closed');
  });
  await lameduck.shutdown('deploy');
  const events = calls.map((c) => `${c.level}:${c.fields.event}`);
  assert.deepEqual(events, ['info:draining', 'info:closing', 'error:hook', 'info:stopped']);
  const draining = calls[0]?.fields;
  assert.equal(draining?.reason, 'deploy');
  assert.equal(draining?.previous, 'starting');
  assert.equal(typeof draining?.deadlineInMs, 'number');
  assert.match(String(calls[2]?.message), /hook db failed/);
  const report = calls[3]?.fields.report as { outcome: string } | undefined;
  assert.equal(report?.outcome, 'failed');
});

test('the default logger writes one JSON object per line, errors as objects', () => {
  const lines: string[] = [];
  const logger = jsonLogger({ write: (chunk: string) => lines.push(chunk) }, () => 0);
  logger.error(
    { event: 'x', err: Object.assign(new TypeError('boom'), { code: 'E_BOOM' }) },
    'failed',
  );
  assert.equal(lines.length, 1);
  assert.ok(lines[0]?.endsWith('\n'));
  assert.deepEqual(JSON.parse(lines[0] as string), {
    time: '1970-01-01T00:00:00.000Z',
    level: 'error',
    name: 'lameduck',
    msg: 'failed',
    event: 'x',
    err: { type: 'TypeError', message: 'boom', code: 'E_BOOM' },
  });
});
