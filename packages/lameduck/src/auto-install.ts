import * as http from 'node:http';
import * as https from 'node:https';
import type { Server as NetServer } from 'node:net';
import { OWN_SERVER } from './admin.js';
import { optionsFromEnv } from './env.js';
import { LameduckError } from './errors.js';
import { DORMANT, Lameduck } from './lameduck.js';
import { isLauncher } from './launcher.js';
import type { ProcessLike } from './process.js';
import { http2Prototypes } from './server-kind.js';

const INSTANCE = Symbol.for('lameduck.auto');
const PATCHED = Symbol.for('lameduck.auto.listen');

type Listen = (this: NetServer, ...args: unknown[]) => unknown;

/**
 * Creates the process-wide instance from LAMEDUCK_* variables and makes every HTTP server the app
 * creates (node:http, node:https, node:http2; Express, Koa, Fastify… all build on these) register
 * itself when it starts listening. Idempotent: a second import returns the same instance.
 */
export function installAuto(proc: ProcessLike = process as unknown as ProcessLike): Lameduck {
  const registry = globalThis as { [INSTANCE]?: Lameduck };
  const existing = registry[INSTANCE];
  if (existing) return existing;
  let lameduck: Lameduck;
  try {
    // Dormant until a server of this process listens: see DORMANT.
    lameduck = new Lameduck({ ...optionsFromEnv(proc.env), process: proc }, { [DORMANT]: true });
  } catch (error) {
    if (error instanceof LameduckError) {
      (proc.stderr ?? process.stderr).write(`lameduck/auto: ${error.message}\n`);
      proc.exit(error.exitCode);
    }
    throw error;
  }
  registry[INSTANCE] = lameduck;
  const { plain, secure } = http2Prototypes();
  for (const prototype of [http.Server.prototype, https.Server.prototype, plain, secure]) {
    patchListen(prototype as NetServer, lameduck);
  }
  return lameduck;
}

let launcher: boolean | undefined;

function patchListen(prototype: NetServer, lameduck: Lameduck): void {
  const marked = prototype as unknown as Record<symbol, unknown>;
  if (marked[PATCHED]) return;
  const original = prototype.listen as unknown as Listen;
  const listen: Listen = function listen(this: NetServer, ...args: unknown[]) {
    const server = this as unknown as Record<symbol, unknown>;
    launcher ??= isLauncher(process.argv[1]);
    if (!server[OWN_SERVER] && !launcher) lameduck.register(this);
    return original.apply(this, args);
  };
  Object.defineProperty(prototype, 'listen', { value: listen, writable: true, configurable: true });
  marked[PATCHED] = true;
}
