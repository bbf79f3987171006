// How a container's command line treats SIGTERM. The kernel delivers a signal to PID 1 only if PID 1
// installed a handler (pid_namespaces(7)); `sh -c` (dash, ash) and npm/yarn/pnpm do not pass SIGTERM
// on to the app (npm/run-script#237), so the app never drains and is SIGKILLed at the end of the grace.

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);
const PACKAGE_MANAGERS = new Set(['npm', 'yarn', 'pnpm', 'npx', 'bun']);
const INITS = new Set(['tini', 'dumb-init', 'tini-static', 'catatonit']);

export type SignalProblem =
  | {
      readonly kind: 'package-manager';
      readonly tool: string;
      readonly command: string;
      /** The package.json script it runs (`npm start` → `start`), when the command line says. */
      readonly script: string | undefined;
    }
  | {
      readonly kind: 'shell-no-exec';
      readonly shell: string;
      readonly script: string;
      /** The last command of the script, which should be prefixed with `exec`, when that is safe. */
      readonly execTarget: string | undefined;
    };

export const baseName = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

const NPM_LIFECYCLE = new Set(['start', 'stop', 'restart', 'test']);

/** `npm start` → start, `npm run web` → web, `yarn web` → web, `pnpm run web` → web. */
function scriptName(tool: string, args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const [first, second] = words;
  if (first === 'run' || first === 'run-script') return second;
  if (tool === 'npm') return first !== undefined && NPM_LIFECYCLE.has(first) ? first : undefined;
  return tool === 'npx' ? undefined : first;
}

/** Drops a leading init (`tini --`, `dumb-init`) that forwards signals but cannot fix what runs below it. */
function withoutInit(argv: readonly string[]): readonly string[] {
  const first = argv[0];
  if (first === undefined || !INITS.has(baseName(first))) return argv;
  let i = 1;
  while (i < argv.length && (argv[i] as string).startsWith('-')) {
    if (argv[i] === '--') return argv.slice(i + 1);
    i++;
  }
  return argv.slice(i);
}

/** The problem with running `argv` as PID 1, or undefined when signals reach the app. */
export function analyzeArgv(raw: readonly string[]): SignalProblem | undefined {
  const argv = withoutInit(raw);
  const first = argv[0];
  if (first === undefined) return undefined;
  const name = baseName(first);
  if (PACKAGE_MANAGERS.has(name)) {
    const script = scriptName(name, argv.slice(1));
    return { kind: 'package-manager', tool: name, command: argv.join(' '), script };
  }
  if (!SHELLS.has(name)) return undefined;
  const args = name === 'busybox' ? argv.slice(2) : argv.slice(1);
  const shell = name === 'busybox' ? `busybox ${argv[1] ?? ''}`.trim() : name;
  const flag = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  const script = flag === -1 ? undefined : args[flag + 1];
  if (script === undefined) return undefined;
  return analyzeScript(shell, script);
}

/** The command separator at `i` (`&&`, `||`, `;`, `|`, `&`, newline), or ''. */
function separatorAt(script: string, i: number): string {
  const two = script.slice(i, i + 2);
  if (two === '&&' || two === '||') return two;
  const c = script[i] as string;
  return c === ';' || c === '\n' || c === '|' || c === '&' ? c : '';
}

/** Splits a script at `;`, `&&`, `||`, `|`, `&` and newlines outside quotes; keeps the separators. */
export function splitCommands(script: string): { text: string; before: string }[] {
  const parts: { text: string; before: string }[] = [];
  let current = '';
  let before = '';
  let quote: string | undefined;
  const flush = () => {
    if (current.trim()) parts.push({ text: current.trim(), before });
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i] as string;
    if (quote) {
      current += c === '\\' && quote === '"' ? c + (script[++i] ?? '') : c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    const sep = separatorAt(script, i);
    if (!sep) {
      current += c;
      continue;
    }
    flush();
    before = sep;
    current = '';
    i += sep.length - 1;
  }
  flush();
  return parts;
}

function analyzeScript(shell: string, script: string): SignalProblem | undefined {
  const commands = splitCommands(script);
  const last = commands.at(-1);
  if (!last) return undefined;
  const words = last.text.split(/\s+/);
  const execs = words[0] === 'exec';
  const target = execs ? words.slice(1) : words.filter((w) => !/^\w+=/.test(w));
  const nested = analyzeArgv(target);
  if (nested?.kind === 'package-manager') return nested;
  if (execs) return undefined;
  // `child & wait` with a trap forwards signals by hand: trust it.
  if (/\btrap\b/.test(script) && /\bwait\b/.test(last.text)) return undefined;
  // bash runs the last simple command of `-c` with exec when nothing follows it (bash >= 5.1).
  const simpleTail = last.before === '' || last.before === ';' || last.before === '\n';
  if (shell === 'bash' && simpleTail && !/\btrap\b/.test(script)) return undefined;
  const safe =
    simpleTail &&
    !/[`(){}]/.test(last.text) &&
    !['cd', 'export', 'wait', 'exit'].includes(words[0] ?? '');
  return { kind: 'shell-no-exec', shell, script, execTarget: safe ? last.text : undefined };
}
