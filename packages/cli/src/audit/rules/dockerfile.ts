import type { Edit, Finding, Severity } from '../finding.js';
import type { Dockerfile, Instruction } from '../input/dockerfile-parser.js';
import { analyzeArgv } from '../model/shell.js';
import type { RuleMeta } from './rule.js';
import { signalAdvice, signalMessage } from './signals.js';

export interface DockerfileRule extends RuleMeta {
  check(dockerfile: Dockerfile): Finding[];
}

/** Words a shell would pass through unchanged: safe to rewrite into a JSON array. */
const PLAIN_WORDS = /^[\w@%+=:,./-]+(?:[ \t]+[\w@%+=:,./-]+)*$/;

function last(dockerfile: Dockerfile, keyword: string): Instruction | undefined {
  return dockerfile.finalStage.filter((i) => i.keyword === keyword).at(-1);
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

/** The argv the container runs: ENTRYPOINT then CMD, as Docker combines them (shell forms via /bin/sh -c). */
function runArgv(dockerfile: Dockerfile): { argv: string[]; ins: Instruction } | undefined {
  const entry = last(dockerfile, 'ENTRYPOINT');
  const cmd = last(dockerfile, 'CMD');
  const form = (i: Instruction) => (i.exec ? [...i.exec] : ['/bin/sh', '-c', i.args]);
  if (entry)
    return {
      argv: entry.exec && cmd?.exec ? [...entry.exec, ...cmd.exec] : form(entry),
      ins: entry,
    };
  return cmd ? { argv: form(cmd), ins: cmd } : undefined;
}

export const dockerfileShellForm: DockerfileRule = {
  id: 'dockerfile-shell-form',
  severity: 'warning',
  title: 'Shell-form CMD or ENTRYPOINT',
  why: 'The shell form runs the command under /bin/sh -c, which becomes PID 1 and does not pass SIGTERM on to the app.',
  check(dockerfile) {
    const out: Finding[] = [];
    for (const keyword of ['ENTRYPOINT', 'CMD']) {
      const ins = last(dockerfile, keyword);
      if (!ins || ins.exec || /^exec\s/.test(ins.args)) continue;
      const words = ins.args.split(/\s+/);
      const plain = PLAIN_WORDS.test(ins.args) && !ins.args.includes('\\');
      const json = `${keyword} [${words.map((w) => JSON.stringify(w)).join(', ')}]`;
      out.push(
        dockerFinding(
          this,
          dockerfile,
          ins,
          `${keyword} ${ins.args} uses the shell form: /bin/sh -c is PID 1${ins.args.startsWith('[') ? ' (the text is not a valid JSON array, so Docker treats it as shell form)' : ''}`,
          plain
            ? `use the exec form: ${json}`
            : `use the exec form (${keyword} ["executable", "arg"]), or start the command with exec`,
          undefined,
          plain ? { start: ins.start, end: ins.end, text: json } : undefined,
        ),
      );
    }
    return out;
  },
};

/**
 * What to run instead of the package manager: the script's own command from package.json, with an
 * edit when it is a plain `node …` command in the instruction that alone starts the container.
 */
function directCommand(dockerfile: Dockerfile, ins: Instruction, script: string | undefined) {
  const command = script === undefined ? undefined : dockerfile.source.scripts?.[script];
  if (command === undefined || !PLAIN_WORDS.test(command)) return undefined;
  const words = command.trim().split(/\s+/);
  const json = `${ins.keyword} [${words.map((w) => JSON.stringify(w)).join(', ')}]`;
  const alone = last(dockerfile, ins.keyword === 'CMD' ? 'ENTRYPOINT' : 'CMD') === undefined;
  const edit =
    words[0] === 'node' && alone ? { start: ins.start, end: ins.end, text: json } : undefined;
  return { json, command, edit };
}

export const dockerfileNpmStart: DockerfileRule = {
  id: 'dockerfile-npm-start',
  severity: 'error',
  title: 'Container started through npm, yarn or pnpm',
  why: 'npm, yarn and pnpm run the app under a shell and do not wait for it after SIGTERM, so the container exits before the app drains.',
  check(dockerfile) {
    const run = runArgv(dockerfile);
    const problem = run ? analyzeArgv(run.argv) : undefined;
    if (!run || problem?.kind !== 'package-manager') return [];
    const direct = directCommand(dockerfile, run.ins, problem.script);
    const fix = direct
      ? `run what the "${problem.script}" script runs, directly: ${direct.json} (package.json: "${direct.command}")`
      : signalAdvice(problem);
    return [
      dockerFinding(
        this,
        dockerfile,
        run.ins,
        signalMessage(problem),
        fix,
        undefined,
        direct?.edit,
      ),
    ];
  },
};
