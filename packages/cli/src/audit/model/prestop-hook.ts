import { asArray, type Container, get, type Path, seconds } from '../../manifest/workload.js';
import { baseName, splitCommands } from './shell.js';

/** What a container's preStop hook does before SIGTERM, as far as the manifest tells. */
export type PreStop =
  | { readonly kind: 'none' }
  /** `sleep.seconds` (the kubelet sleeps; no binary needed). */
  | { readonly kind: 'sleep'; readonly seconds: number; readonly path: Path }
  /** `exec` running `sleep N` (possibly inside `sh -c`); `path` is the item holding the number. */
  | {
      readonly kind: 'exec-sleep';
      readonly seconds: number;
      readonly path: Path;
      readonly token: string;
    }
  /** Another hook (httpGet, or exec doing something else): its length is unknown. */
  | { readonly kind: 'other'; readonly path: Path };

const SLEEP_ARG = /^(\d+(?:\.\d+)?)([smh]?)$/;
const UNIT: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };

function sleepSeconds(word: string | undefined): number | undefined {
  const match = word === undefined ? null : SLEEP_ARG.exec(word);
  return match ? Number(match[1]) * (UNIT[match[2] as string] ?? 1) : undefined;
}

/** The leading `sleep N` of an exec command, e.g. `["sleep","5"]` or `["/bin/sh","-c","sleep 5 && nginx -s quit"]`. */
function execSleep(
  command: readonly string[],
): { seconds: number; index: number; token: string } | undefined {
  const first = command[0];
  if (first !== undefined && baseName(first) === 'sleep') {
    const n = sleepSeconds(command[1]);
    return n === undefined ? undefined : { seconds: n, index: 1, token: command[1] as string };
  }
  const flag = command.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a));
  const script = flag === -1 ? undefined : command[flag + 1];
  if (script === undefined) return undefined;
  const firstCommand = splitCommands(script)[0]?.text.split(/\s+/);
  if (!firstCommand || baseName(firstCommand[0] ?? '') !== 'sleep') return undefined;
  const n = sleepSeconds(firstCommand[1]);
  return n === undefined
    ? undefined
    : { seconds: n, index: flag + 1, token: firstCommand[1] as string };
}

export function preStopOf(container: Container): PreStop {
  const hook = get(container.spec, ['lifecycle', 'preStop']);
  const base = [...container.path, 'lifecycle', 'preStop'];
  if (hook === undefined || hook === null) return { kind: 'none' };
  const sleep = seconds(get(hook, ['sleep', 'seconds']));
  if (sleep !== undefined)
    return { kind: 'sleep', seconds: sleep, path: [...base, 'sleep', 'seconds'] };
  const command = asArray(get(hook, ['exec', 'command'])).map(String);
  const found = command.length ? execSleep(command) : undefined;
  if (found) {
    return {
      kind: 'exec-sleep',
      seconds: found.seconds,
      path: [...base, 'exec', 'command', found.index],
      token: found.token,
    };
  }
  return { kind: 'other', path: base };
}

/** How long the preStop hook delays SIGTERM, in seconds (0 when there is none or it is unknown). */
export function preStopDelay(preStop: PreStop): number {
  return preStop.kind === 'sleep' || preStop.kind === 'exec-sleep' ? preStop.seconds : 0;
}
