// How a container's command line treats SIGTERM. The kernel delivers a signal to PID 1 only if PID 1
// installed a handler (pid_namespaces(7)); `sh -c` (dash, ash) and npm/yarn/pnpm do not pass SIGTERM
// on to the app (npm/run-script#237), so the app never drains and is SIGKILLed at the end of the grace.
//
// Scripts are read with a real parser (sh-syntax.ts), never with patterns: the last command is the one
// the shell runs last, and `exec` goes in front of it, after its assignments, only when that is the
// whole difference (tests run every rewrite under dash and bash).
import {
  type Command,
  type CommandNode,
  functionNames,
  literalValue,
  type ParsedScript,
  parseScript,
  type Statement,
  simpleCommands,
  type Word,
} from './sh-syntax.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);
const PACKAGE_MANAGERS = new Set(['npm', 'yarn', 'pnpm', 'npx', 'bun']);
const INITS = new Set(['tini', 'dumb-init', 'tini-static', 'catatonit']);
/**
 * Builtins that are not the app: when one of them is the script's last command, the app ran before
 * it and `exec` in front would change nothing.
 */
const NOT_THE_APP = new Set([
  ':',
  '.',
  'break',
  'cd',
  'continue',
  'echo',
  'eval',
  'exit',
  'export',
  'false',
  'printf',
  'read',
  'readonly',
  'return',
  'set',
  'shift',
  'source',
  'test',
  '[',
  'times',
  'trap',
  'true',
  'ulimit',
  'umask',
  'unset',
  'wait',
]);

/** Why the shell keeps SIGTERM from the app, and the rewrite that fixes it when there is a safe one. */
export interface ShellNoExec {
  readonly kind: 'shell-no-exec';
  /** `sh`, `bash`, `busybox sh`, … */
  readonly shell: string;
  readonly script: string;
  /** Where the script is in the command line analyzed (`argv[argIndex]`). */
  readonly argIndex: number;
  /** What the shell does with the app, for the message ("runs "node a" as its child, …"). */
  readonly what: string;
  /** `exec` inserted before the last command: where (offset in `script`) and the new script. */
  readonly rewrite?: { readonly offset: number; readonly script: string; readonly tail: string };
  /** Why the script is not rewritten, when it is not. */
  readonly unfixable?: string;
}

export type SignalProblem =
  | {
      readonly kind: 'package-manager';
      readonly tool: string;
      readonly command: string;
      /** The package.json script it runs (`npm start` → `start`), when the command line says. */
      readonly script: string | undefined;
    }
  | ShellNoExec;

export const baseName = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** Whether a program name is a shell (`sh`, `bash`, `busybox`, …). */
export const isShell = (name: string): boolean => SHELLS.has(name);

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

/**
 * The command string of a shell's arguments (`-c` among its options, then the first operand), as
 * POSIX `sh -c [options] command_string [name [args…]]` and bash read them.
 */
export function commandString(args: readonly string[]): { index: number } | undefined {
  let c = false;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--' || arg === '-') {
      i++;
      break;
    }
    const sign = arg[0];
    if ((sign !== '-' && sign !== '+') || arg.length < 2) break;
    if (arg.startsWith('--')) continue; // bash long options (--login, --norc): no argument
    const letters = arg.slice(1);
    if (letters.includes('c')) c = true;
    if (letters.includes('o') || letters.includes('O')) i++; // -o option-name
  }
  return c && i < args.length ? { index: i } : undefined;
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
  const busybox = name === 'busybox';
  const args = busybox ? argv.slice(2) : argv.slice(1);
  const shell = busybox ? `busybox ${argv[1] ?? ''}`.trim() : name;
  const found = commandString(args);
  if (!found) return undefined;
  const result = analyzeScript(shell, args[found.index] as string);
  if (result?.kind !== 'shell-no-exec') return result;
  const argIndex = raw.length - argv.length + (busybox ? 2 : 1) + found.index;
  return { ...result, argIndex };
}

/** The words of a command as the shell would pass them, raw text where a word is not literal. */
const words = (command: Command): string[] =>
  [command.name, ...command.suffix]
    .filter((w): w is Word => w !== undefined && w.type === 'Word')
    .map((w) => literalValue(w) ?? w.text);

const COMPOUND: Readonly<Record<string, string>> = {
  If: 'if … fi',
  For: 'for … done',
  ArithmeticFor: 'for (( … )) done',
  Select: 'select … done',
  While: 'while … done',
  Subshell: '( … )',
  BraceGroup: '{ … }',
  Case: 'case … esac',
  TestCommand: '[[ … ]]',
  ArithmeticCommand: '(( … ))',
  Function: 'a function definition',
  Coproc: 'coproc',
};

/** The signals a `trap` command sets a handler for (`trap 'cmd' TERM INT`), upper-cased, without SIG. */
function trappedSignals(trap: Command): string[] {
  const args = words(trap).slice(1);
  if (args[0] === '--') args.shift();
  if (args.length < 2 || args[0] === '-' || args[0] === '') return []; // reset or ignore
  return args.slice(1).map((s) => {
    const upper = s.toUpperCase();
    return upper.startsWith('SIG') ? upper.slice(3) : upper;
  });
}

function problem(
  shell: string,
  script: string,
  what: string,
  fix: { unfixable: string } | { offset: number; tail: string },
): ShellNoExec {
  if ('unfixable' in fix)
    return { kind: 'shell-no-exec', shell, script, argIndex: 0, what, unfixable: fix.unfixable };
  const rewritten = `${script.slice(0, fix.offset)}exec ${script.slice(fix.offset)}`;
  return {
    kind: 'shell-no-exec',
    shell,
    script,
    argIndex: 0,
    what,
    rewrite: { offset: fix.offset, script: rewritten, tail: fix.tail },
  };
}

const quote = (text: string) => `"${text.length > 60 ? `${text.slice(0, 57)}…` : text}"`;

/** One script being analyzed: its tree and how to quote its parts in messages. */
interface Context {
  readonly shell: string;
  readonly script: string;
  readonly tree: ParsedScript;
  readonly statements: readonly Statement[];
  readonly traps: readonly Command[];
  text(node: { pos: number; end: number }): string;
  problem(what: string, fix: { unfixable: string } | { offset: number; tail: string }): ShellNoExec;
}

/**
 * What `shell -c script` does with SIGTERM (`argIndex` is 0: `analyzeArgv` sets it). Undefined when
 * the app gets it: the last command is exec'd (by the script, or by bash itself), or a trap forwards
 * TERM to a background child it waits for.
 */
export function analyzeScript(shell: string, script: string): SignalProblem | undefined {
  const tree: ParsedScript = parseScript(script);
  const ctx: Context = {
    shell,
    script,
    tree,
    statements: tree.commands,
    traps: simpleCommands(tree).filter((c) => c.name?.value === 'trap'),
    text: (node) => script.slice(node.pos, node.end).trim(),
    problem: (what, fix) => problem(shell, script, what, fix),
  };
  const [error] = tree.errors ?? [];
  if (error) {
    return ctx.problem('runs a script lameduck cannot read', {
      unfixable: `the script does not parse (${error.message} at character ${error.pos + 1})`,
    });
  }
  const last = ctx.statements.at(-1);
  if (!last) return undefined;
  const tail = tailOf(last.command);
  const found = backgroundProblem(ctx, last, tail);
  if (found !== undefined) return found ?? undefined;
  if (tail.type === 'Pipeline') {
    const negated = tail.prefixes.some((p) => p.type === 'Negation');
    const kind = negated
      ? 'a negated command (! …)'
      : tail.prefixes.length
        ? 'a timed command (time …)'
        : `a pipeline (${quote(ctx.text(tail))})`;
    return ctx.problem(`ends in ${kind}, which the shell runs as its children`, {
      unfixable: `the script ends in ${kind}: the shell waits for it and does not pass SIGTERM on; exec cannot replace the shell with it`,
    });
  }
  if (tail.type !== 'Command') {
    const kind = COMPOUND[tail.type === 'Redirected' ? tail.command.type : tail.type] ?? tail.type;
    return ctx.problem(`ends in a compound command (${kind})`, {
      unfixable: `the script ends in a compound command (${kind}): put exec before the app inside it, in every branch`,
    });
  }
  return lastCommandProblem(ctx, tail);
}

/**
 * Background jobs: the problem they cause, `null` when a trap forwards TERM to the job the script
 * waits for (nothing to report), undefined when the script has none.
 */
function backgroundProblem(
  ctx: Context,
  last: Statement,
  tail: ReturnType<typeof tailOf>,
): SignalProblem | null | undefined {
  if (last.background) {
    return ctx.problem(`runs ${quote(ctx.text(last))} in the background and exits at once`, {
      unfixable:
        'the last command runs in the background (&): the shell does not wait for it, so the container stops at once',
    });
  }
  const background = ctx.statements.find((s) => s.background);
  if (!background) return undefined;
  const job = quote(ctx.text(background));
  if (tail.type === 'Command' && tail.name?.value === 'wait') {
    const forwardsTerm = ctx.traps.some((t) =>
      trappedSignals(t).some((s) => s === 'TERM' || s === '15'),
    );
    if (forwardsTerm) return null; // `trap 'kill -TERM $pid' TERM; app & pid=$!; wait $pid`
    return ctx.problem(
      `runs ${job} in the background and waits for it, but nothing passes SIGTERM on (no trap … TERM)`,
      {
        unfixable:
          'a background job (&) with wait: forward SIGTERM with trap \'kill -TERM "$pid"\' TERM (and wait again after it), or run the app in the foreground with exec',
      },
    );
  }
  return ctx.problem(`starts ${job} in the background`, {
    unfixable: `a background job (${job} &) runs beside the last command: exec would not reach it`,
  });
}

/** The script ends in a simple command: exec'd already, the app (fixable), or something exec cannot take. */
function lastCommandProblem(ctx: Context, tail: Command): SignalProblem | undefined {
  const argv = words(tail);
  const [name] = argv;
  if (name === undefined || tail.name === undefined) {
    return ctx.problem('ends with an assignment or a redirection, not with the app', {
      unfixable: 'the last command is not a program (only assignments or redirections)',
    });
  }
  if (name === 'exec') {
    const target = argv.slice(1);
    while (target[0]?.startsWith('-') && target[0] !== '--')
      target.splice(0, target[0] === '-a' ? 2 : 1);
    if (target[0] === '--') target.shift();
    const nested = analyzeArgv(target);
    return nested?.kind === 'package-manager' ? nested : undefined;
  }
  const nested = analyzeArgv(argv);
  if (nested?.kind === 'package-manager') return nested;
  const child = `runs ${quote(ctx.text(tail))} as its child and does not pass SIGTERM on (the last command has no exec)`;
  const [trap] = ctx.traps;
  if (trap) {
    return ctx.problem(child, {
      unfixable: `the script sets a trap (${quote(ctx.text(trap))}), which exec would discard: forward SIGTERM to the app in the trap, or drop the trap and exec the app`,
    });
  }
  if (functionNames(ctx.tree).has(name)) {
    return ctx.problem(child, {
      unfixable: `the last command, ${quote(name)}, is a function of the script, which exec cannot run: put exec before the app inside the function`,
    });
  }
  if (NOT_THE_APP.has(name)) {
    return ctx.problem(
      `ends with the builtin ${quote(ctx.text(tail))}: the app ran before it, as a child of the shell`,
      {
        unfixable: `the last command, ${quote(name)}, is a shell builtin, not the app: make the app the last command, with exec`,
      },
    );
  }
  // bash runs the last simple command of `-c` in place of itself when it has no redirection and no
  // trap is set, also at the end of an && list (observed with bash 5.2, tested).
  if (baseName(ctx.shell) === 'bash' && tail.redirects.length === 0) return undefined;
  const { script } = ctx;
  return ctx.problem(child, {
    offset: tail.name.pos,
    tail: `${script.slice(tail.pos, tail.name.pos)}exec ${script.slice(tail.name.pos, tail.end)}`,
  });
}

/** The command the shell runs last in a statement: the last one of an `a && b || c` list. */
function tailOf(
  command: Statement['command'],
): CommandNode | Extract<Statement['command'], { type: 'Pipeline' }> {
  if (command.type === 'AndOr') return tailOf(command.commands.at(-1) as Statement['command']);
  if (command.type === 'Pipeline' && command.commands.length === 1 && command.prefixes.length === 0)
    return command.commands[0] as CommandNode;
  return command;
}
