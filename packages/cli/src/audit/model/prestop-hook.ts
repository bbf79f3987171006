import { asArray, type Container, get, type Path, seconds } from '../../manifest/workload.js';
import { literalValue, parseScript, type Word } from './sh-syntax.js';
import { baseName, commandString } from './shell.js';

/** What a container's preStop hook does before SIGTERM, as far as the manifest tells. */
export type PreStop =
  | { readonly kind: 'none' }
  /** `sleep.seconds` (the kubelet sleeps; no binary needed). */
  | { readonly kind: 'sleep'; readonly seconds: number; readonly path: Path }
  /**
   * `exec` running `sleep N` (possibly first in `sh -c`): `path` is the item holding the number,
   * which is `token` at `offset` in that item's text.
   */
  | {
      readonly kind: 'exec-sleep';
      readonly seconds: number;
      readonly path: Path;
      readonly token: string;
      readonly offset: number;
      /** Whether the hook goes through a shell (`sh -c "sleep 5 && …"`). */
      readonly shell: boolean;
    }
  /** Another hook (httpGet, or exec doing something else): its length is unknown. */
  | { readonly kind: 'other'; readonly path: Path; readonly exec: readonly string[] | undefined };

const UNIT: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };

/** `5`, `2.5`, `1m` → seconds, as coreutils and busybox `sleep` read a single argument. */
function sleepSeconds(word: string | undefined): number | undefined {
  if (word === undefined || word === '') return undefined;
  const last = word.at(-1) as string;
  const unit = last in UNIT && (last < '0' || last > '9') ? last : '';
  const number = unit ? word.slice(0, -1) : word;
  if (number === '' || Number.isNaN(Number(number)) || number.trim() !== number) return undefined;
  const n = Number(number) * (UNIT[unit] as number);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The first command of a script, when it is `sleep N`: the word holding N. */
function leadingSleep(script: string): Word | undefined {
  const tree = parseScript(script);
  if (tree.errors?.length) return undefined;
  let command = tree.commands[0]?.command;
  while (command?.type === 'AndOr') command = command.commands[0];
  if (command?.type === 'Pipeline') command = command.commands[0];
  if (command?.type !== 'Command' || !command.name) return undefined;
  if (baseName(literalValue(command.name) ?? '') !== 'sleep') return undefined;
  const [arg] = command.suffix;
  return arg?.type === 'Word' && command.suffix.length === 1 ? arg : undefined;
}

/** The leading `sleep N` of an exec command, e.g. `["sleep","5"]` or `["/bin/sh","-c","sleep 5 && nginx -s quit"]`. */
function execSleep(
  command: readonly string[],
): { seconds: number; index: number; token: string; offset: number; shell: boolean } | undefined {
  const first = command[0];
  if (first !== undefined && baseName(first) === 'sleep') {
    const n = command.length === 2 ? sleepSeconds(command[1]) : undefined;
    return n === undefined
      ? undefined
      : { seconds: n, index: 1, token: command[1] as string, offset: 0, shell: false };
  }
  const found = commandString(command.slice(1));
  if (!found) return undefined;
  const index = found.index + 1;
  const word = leadingSleep(command[index] as string);
  const value = word ? literalValue(word) : undefined;
  const n = sleepSeconds(value);
  return n === undefined || !word
    ? undefined
    : { seconds: n, index, token: word.text, offset: word.pos, shell: true };
}

export function preStopOf(container: Container): PreStop {
  const hook = get(container.spec, ['lifecycle', 'preStop']);
  const base = [...container.path, 'lifecycle', 'preStop'];
  if (hook === undefined || hook === null) return { kind: 'none' };
  const sleep = seconds(get(hook, ['sleep', 'seconds']));
  if (sleep !== undefined)
    return { kind: 'sleep', seconds: sleep, path: [...base, 'sleep', 'seconds'] };
  const raw = get(hook, ['exec', 'command']);
  const command = asArray(raw).map(String);
  const found = command.length ? execSleep(command) : undefined;
  if (found) {
    return {
      kind: 'exec-sleep',
      seconds: found.seconds,
      path: [...base, 'exec', 'command', found.index],
      token: found.token,
      offset: found.offset,
      shell: found.shell,
    };
  }
  return { kind: 'other', path: base, exec: Array.isArray(raw) ? command : undefined };
}

/** How long the preStop hook delays SIGTERM, in seconds (0 when there is none or it is unknown). */
export function preStopDelay(preStop: PreStop): number {
  return preStop.kind === 'sleep' || preStop.kind === 'exec-sleep' ? preStop.seconds : 0;
}
