// Runs `lameduck <argv>` in-process with captured streams.
import { PassThrough } from 'node:stream';
import { main } from '../../src/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function lameduck(
  argv: string[],
  { cwd = process.cwd(), env = {}, tty = false, signal = new AbortController().signal } = {},
): Promise<CliRun> {
  const capture = () => {
    const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
    let text = '';
    stream.on('data', (c: Buffer) => {
      text += c.toString();
    });
    if (tty) stream.isTTY = true;
    return { stream, text: () => text };
  };
  const out = capture();
  const err = capture();
  const code = await main({
    argv,
    io: { stdout: out.stream, stderr: err.stream, stdin: new PassThrough(), env, cwd },
    signal,
  });
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out.text(), stderr: err.text() };
}
