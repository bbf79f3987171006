import type { Edit, Finding, Severity } from '../finding.js';
import {
  type Dockerfile,
  type Instruction,
  parseDockerfile,
  type RunCommand,
  runCommand,
} from '../input/dockerfile-parser.js';
import { shellLessImage } from '../model/image.js';
import { literalValue, parseScript } from '../model/sh-syntax.js';
import { analyzeArgv, analyzeScript, baseName, type ShellNoExec } from '../model/shell.js';
import type { RuleMeta } from './rule.js';
import { signalAdvice, signalMessage } from './signals.js';

export interface DockerfileRule extends RuleMeta {
  check(dockerfile: Dockerfile): Finding[];
}

function dockerFinding(
  rule: RuleMeta,
  dockerfile: Dockerfile,
  ins: Instruction,
  message: string,
  fix: string,
  severity?: Severity,
  edit?: Edit,
): Finding {
  return {
    rule: rule.id,
    severity: severity ?? rule.severity,
    file: dockerfile.source.file,
    position: ins.position,
    subject: { kind: 'Dockerfile', name: ins.keyword },
    message,
    fix,
    ...(edit ? { edits: [edit] } : {}),
  };
}

/** The words of a script that is one plain command: literal words, no assignment, redirection or operator. */
function plainWords(script: string): string[] | undefined {
  const tree = parseScript(script);
  if (tree.errors?.length || tree.commands.length !== 1) return undefined;
  const [statement] = tree.commands;
  const command = statement?.command;
  if (!statement || statement.background || command?.type !== 'Command' || !command.name)
    return undefined;
  if (command.prefix.length || command.redirects.length) return undefined;
  const words: string[] = [];
  for (const word of [command.name, ...command.suffix]) {
    const value = word.type === 'Word' ? literalValue(word) : undefined;
    if (value === undefined) return undefined;
    words.push(value);
  }
  return words;
}

const json = (keyword: string, words: readonly string[]) =>
  `${keyword} [${words.map((w) => JSON.stringify(w)).join(', ')}]`;

/**
 * An edit of one instruction that gives it the expected parse: each place in its source text where
 * `insert` could replace `remove` is tried, and the edited instruction parsed again; the first that
 * parses to `expected` wins. Continuation lines and JSON escapes are handled by the parser itself.
 */
function spliceInstruction(
  dockerfile: Dockerfile,
  ins: Instruction,
  anchor: string,
  insert: string,
  expected: (parsed: Instruction) => boolean,
): Edit | undefined {
  const region = dockerfile.source.text.slice(ins.start, ins.end);
  for (let at = region.indexOf(anchor); at !== -1; at = region.indexOf(anchor, at + 1)) {
    const patched = region.slice(0, at) + insert + region.slice(at);
    const [parsed] = parseDockerfile({ file: '', text: patched, type: 'dockerfile' }).finalStage;
    if (parsed && expected(parsed))
      return { start: ins.start + at, end: ins.start + at, text: insert };
  }
  return undefined;
}

const stageNote = (run: RunCommand, ins: Instruction, dockerfile: Dockerfile) =>
  run.inherited && !dockerfile.stages.at(-1)?.instructions.includes(ins)
    ? ` (set in an earlier stage, inherited by the final one)`
    : '';

/** The shell-form instruction's problem, its fix text and edit. */
function shellFormFinding(
  rule: RuleMeta,
  dockerfile: Dockerfile,
  run: RunCommand,
  ins: Instruction,
): Finding | undefined {
  const shell = baseName(run.shell[0] ?? 'sh');
  const problem = analyzeScript(shell, ins.args);
  if (problem === undefined) return undefined; // the script execs the app (or bash does)
  const words = plainWords(ins.args);
  const where = stageNote(run, ins, dockerfile);
  const invalidJson = ins.args.startsWith('[')
    ? ' (the text is not a valid JSON array, so Docker treats it as shell form)'
    : '';
  const noShell = shellLessImage(run.baseImage);
  if (noShell) {
    return dockerFinding(
      rule,
      dockerfile,
      ins,
      `${ins.keyword} ${ins.args} uses the shell form, but the base image ${run.baseImage} has no /bin/sh (${noShell}): the container cannot start${where}${invalidJson}`,
      words
        ? `use the exec form: ${json(ins.keyword, words)}`
        : `use the exec form (${ins.keyword} ["executable", "arg"])`,
      'error',
      words ? { start: ins.start, end: ins.end, text: json(ins.keyword, words) } : undefined,
    );
  }
  const what = problem.kind === 'shell-no-exec' ? problem.what : 'does not pass SIGTERM on';
  const message = `${ins.keyword} ${ins.args} uses the shell form: ${run.shell.join(' ')} is PID 1 and ${what}${where}${invalidJson}`;
  if (words) {
    return dockerFinding(
      rule,
      dockerfile,
      ins,
      message,
      `use the exec form: ${json(ins.keyword, words)}`,
      undefined,
      {
        start: ins.start,
        end: ins.end,
        text: json(ins.keyword, words),
      },
    );
  }
  if (problem.kind === 'shell-no-exec' && problem.rewrite) {
    const rewrite = problem.rewrite;
    const edit = spliceInstruction(
      dockerfile,
      ins,
      ins.args.slice(rewrite.offset, rewrite.offset + 1),
      'exec ',
      (parsed) => parsed.exec === undefined && parsed.args === rewrite.script,
    );
    return dockerFinding(rule, dockerfile, ins, message, signalAdvice(problem), undefined, edit);
  }
  return dockerFinding(rule, dockerfile, ins, message, signalAdvice(problem));
}

/** `["sh", "-c", "…"]` in exec form: the same problem as in a manifest, fixed inside the JSON string. */
function execShellFinding(
  rule: RuleMeta,
  dockerfile: Dockerfile,
  run: RunCommand,
  argv: readonly string[],
  problem: ShellNoExec,
): Finding {
  const entryLength = run.entrypoint?.exec?.length ?? 0;
  const ins = (problem.argIndex < entryLength ? run.entrypoint : run.cmd) as Instruction;
  const index = problem.argIndex < entryLength ? problem.argIndex : problem.argIndex - entryLength;
  let edit: Edit | undefined;
  if (problem.rewrite) {
    const { offset, script } = problem.rewrite;
    edit = spliceInstruction(
      dockerfile,
      ins,
      problem.script.slice(offset, offset + 1),
      'exec ',
      (parsed) =>
        parsed.exec !== undefined &&
        parsed.exec.length === ins.exec?.length &&
        parsed.exec.every((a, i) => (i === index ? a === script : a === ins.exec?.[i])),
    );
  }
  return dockerFinding(
    rule,
    dockerfile,
    ins,
    `${ins.keyword} ${JSON.stringify(argv)}: ${signalMessage(problem)}${stageNote(run, ins, dockerfile)}`,
    signalAdvice(problem),
    undefined,
    edit,
  );
}

export const dockerfileShellForm: DockerfileRule = {
  id: 'dockerfile-shell-form',
  severity: 'warning',
  title: 'CMD or ENTRYPOINT runs the app under a shell',
  why: 'The shell form (and an explicit sh -c) runs the command under /bin/sh, which becomes PID 1 and does not pass SIGTERM on to the app.',
  check(dockerfile) {
    const run = runCommand(dockerfile);
    if (!run) return [];
    const out: Finding[] = [];
    const { entrypoint, cmd } = run;
    if (entrypoint && !entrypoint.exec) {
      const f = shellFormFinding(this, dockerfile, run, entrypoint);
      if (f) out.push(f);
      return out; // a shell-form ENTRYPOINT ignores CMD
    }
    if (cmd && !cmd.exec) {
      const f = shellFormFinding(this, dockerfile, run, cmd);
      if (f) out.push(f);
      return out;
    }
    const argv = [...(entrypoint?.exec ?? []), ...(cmd?.exec ?? [])];
    const problem = analyzeArgv(argv);
    if (problem?.kind === 'shell-no-exec')
      out.push(execShellFinding(this, dockerfile, run, argv, problem));
    return out;
  },
};

/** The argv the container runs: ENTRYPOINT then CMD, as Docker combines them (shell forms via SHELL). */
function runArgv(run: RunCommand): { argv: string[]; ins: Instruction } | undefined {
  const { entrypoint: entry, cmd } = run;
  const form = (i: Instruction) => (i.exec ? [...i.exec] : [...run.shell, i.args]);
  if (entry)
    return {
      argv: entry.exec ? [...entry.exec, ...(cmd ? form(cmd) : [])] : form(entry),
      ins: entry,
    };
  return cmd ? { argv: form(cmd), ins: cmd } : undefined;
}

/** Characters an `ENV` value may hold without quoting or expansion (`$` would be expanded by Docker). */
const ENV_SAFE = /^[\w./:,@%+=-]*$/;

/** What a package.json script runs, when it is one command: its environment prefix and its words. */
function scriptCommand(command: string): { env: [string, string][]; words: string[] } | undefined {
  const tree = parseScript(command);
  const [statement] = tree.commands;
  const c = statement?.command;
  if (tree.errors?.length || tree.commands.length !== 1 || statement?.background) return undefined;
  if (c?.type !== 'Command' || !c.name || c.redirects.length) return undefined;
  const env: [string, string][] = [];
  for (const a of c.prefix) {
    if (a.type !== 'Assignment' || a.value.type !== 'Word') return undefined;
    const value = literalValue(a.value);
    if (value === undefined || !ENV_SAFE.test(value)) return undefined;
    env.push([a.name, value]);
  }
  const words: string[] = [];
  for (const w of [c.name, ...c.suffix]) {
    const value = w.type === 'Word' ? literalValue(w) : undefined;
    if (value === undefined) return undefined;
    words.push(value);
  }
  return { env, words };
}

/**
 * What to run instead of the package manager: the script's own command from package.json, with its
 * `pre` script run first (npm and yarn run it before the script), or nothing when a `post` script
 * exists (it would run only after the app exits). An edit when it is a `node …` command in the one
 * instruction of the final stage that starts the container.
 */
function directCommand(
  dockerfile: Dockerfile,
  run: RunCommand,
  ins: Instruction,
  tool: string,
  script: string | undefined,
): { fix: string; edit: Edit | undefined } | undefined {
  const scripts = dockerfile.source.scripts;
  if (script === undefined || !scripts) return undefined;
  const command = scripts[script];
  if (command === undefined) return undefined;
  const runsHooks = tool === 'npm' || tool === 'yarn';
  const pre = runsHooks ? scripts[`pre${script}`] : undefined;
  const post = runsHooks ? scripts[`post${script}`] : undefined;
  if (post !== undefined) {
    return {
      fix: `run the app directly, without ${tool}; package.json has a "post${script}" script ("${post}") that ${tool} runs after the app exits: decide where it belongs (lameduck does not rewrite this)`,
      edit: undefined,
    };
  }
  const parsed = scriptCommand(command);
  const alone = ins.keyword === 'CMD' ? run.entrypoint === undefined : run.cmd === undefined;
  const inFinal = dockerfile.stages.at(-1)?.instructions.includes(ins) ?? false;
  const editable = parsed?.words[0] === 'node' && alone && inFinal;
  if (pre !== undefined) {
    if (shellLessImage(run.baseImage)) {
      return {
        fix: `run the app directly, without ${tool}, after the "pre${script}" script ("${pre}") that ${tool} runs first; the image has no shell to chain them, so run it in an init container or at build time`,
        edit: undefined,
      };
    }
    const sh = `${tool} run pre${script} && exec ${command}`;
    const line = json(ins.keyword, ['/bin/sh', '-c', sh]);
    const safe = parsed !== undefined && parsed.env.length === 0 && editable;
    return {
      fix: `run the "pre${script}" script ("${pre}") first, then the app directly: ${line} (package.json "${script}": "${command}")`,
      edit: safe ? { start: ins.start, end: ins.end, text: line } : undefined,
    };
  }
  if (!parsed) {
    return {
      fix: `run what the "${script}" script runs ("${command}") directly, as the last command with exec if it needs a shell`,
      edit: undefined,
    };
  }
  const envLines = parsed.env.map(([k, v]) => `ENV ${k}=${v}`);
  const cmdLine = json(ins.keyword, parsed.words);
  const text = [...envLines, cmdLine].join('\n');
  return {
    fix: `run what the "${script}" script runs, directly: ${text.replaceAll('\n', ' then ')} (package.json: "${command}")`,
    edit: editable ? { start: ins.start, end: ins.end, text } : undefined,
  };
}

export const dockerfileNpmStart: DockerfileRule = {
  id: 'dockerfile-npm-start',
  severity: 'error',
  title: 'Container started through npm, yarn or pnpm',
  why: 'npm, yarn and pnpm run the app under a shell and do not wait for it after SIGTERM, so the container exits before the app drains.',
  check(dockerfile) {
    const run = runCommand(dockerfile);
    const started = run ? runArgv(run) : undefined;
    const problem = started ? analyzeArgv(started.argv) : undefined;
    if (!run || !started || problem?.kind !== 'package-manager') return [];
    const direct = directCommand(dockerfile, run, started.ins, problem.tool, problem.script);
    return [
      dockerFinding(
        this,
        dockerfile,
        started.ins,
        `${signalMessage(problem)}${stageNote(run, started.ins, dockerfile)}`,
        direct?.fix ?? signalAdvice(problem),
        undefined,
        direct?.edit,
      ),
    ];
  },
};
