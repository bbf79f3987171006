// Frameworks in zero-code mode (--import lameduck/auto): a request longer than the drain delay
// completes, and the framework's own shutdown hook (Fastify onClose, Nest onApplicationShutdown)
// runs after it, through lameduck.hook(… app.close()); exit 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppProcess } from '../../packages/lameduck/test/support/child.ts';
import { delay, until } from '../../packages/lameduck/test/support/harness.ts';
import { RawClient } from '../../packages/lameduck/test/support/raw-client.ts';

const cases = [
  { file: 'fastify.mjs', hook: 'onClose', body: 'hello from fastify' },
  { file: 'nest.mjs', hook: 'onApplicationShutdown', body: 'hello from nest' },
];

for (const { file, hook, body } of cases) {
  test(`examples/frameworks/${file}: the request in flight completes, then ${hook} runs, exit 0`, async () => {
    const app = new AppProcess(
      ['--import', 'lameduck/auto', fileURLToPath(new URL(`./${file}`, import.meta.url))],
      {
        PORT: '0',
        LAMEDUCK_DRAIN_DELAY: '300ms',
        LAMEDUCK_GRACE_PERIOD: '10s',
        LAMEDUCK_ADMIN_PORT: '0',
      },
    );
    const hookRan: number[] = [];
    app.child.stdout?.on('data', (chunk: Buffer) => {
      const match = new RegExp(`"${hook}":(\\d+)`).exec(String(chunk));
      if (match) hookRan.push(Number(match[1]));
    });
    const port = await app.port();
    await until(() => app.log('serving') !== undefined, 15_000, 'ready');
    const client = await RawClient.connect(port);
    const sentAt = Date.now();
    client.send('/?ms=900'); // longer than the drain delay
    await delay(100);
    app.kill('SIGTERM');
    const response = await client.readResponse();
    assert.equal(response.status, 200);
    assert.equal(response.body, body);
    assert.equal((await app.exited).code, 0, app.stderrText.join(''));
    assert.equal(hookRan.length, 1, `${hook} ran once`);
    // The app answered no sooner than 900 ms after the request was sent: the hook ran after that.
    assert.ok((hookRan[0] as number) >= sentAt + 900, `${hook} ran after the last response`);
    const report = app.log('stopped')?.report as { outcome: string; hooks: { name: string }[] };
    assert.equal(report.outcome, 'clean');
  });
}
