import { asArray } from '../../manifest/workload.js';
import type { Edit } from '../finding.js';
import { spliceScalar } from '../fix/yaml-edit.js';
import { analyzeArgv, type SignalProblem } from '../model/shell.js';
import { containerRule } from './container-rule.js';

/** One sentence on what to run instead, shared with the Dockerfile rules. */
export function signalAdvice(problem: SignalProblem): string {
  if (problem.kind === 'package-manager') {
    return `run the app directly (e.g. ["node", "server.js"], the command behind the ${problem.tool} script), so that it is PID 1 and receives SIGTERM`;
  }
  if (problem.rewrite) {
    return `put exec before the last command ("${problem.rewrite.tail}") so that the app replaces the shell and receives SIGTERM`;
  }
  return `${problem.unfixable ?? 'the script cannot be rewritten safely'}; or run the app directly, without a shell`;
}

export function signalMessage(problem: SignalProblem): string {
  return problem.kind === 'package-manager'
    ? `"${problem.command}" runs the app under ${problem.tool}, which does not pass SIGTERM on and exits before the app drains`
    : `"${problem.shell} -c" ${problem.what}`;
}

export const signalLostShell = containerRule(
  {
    id: 'signal-lost-shell',
    severity: 'error',
    title: 'SIGTERM lost in a shell or package manager',
    why: 'Only PID 1 gets SIGTERM; a shell without exec or npm/yarn/pnpm does not pass it on, so the app never drains and is SIGKILLed at the end of the grace period.',
  },
  (workload, container) => {
    const command = asArray(container.spec.command).map(String);
    if (command.length === 0) return undefined; // the image's ENTRYPOINT is not visible here
    const args = asArray(container.spec.args).map(String);
    const problem = analyzeArgv([...command, ...args]);
    if (!problem) return undefined;
    let edits: (Edit | undefined)[] | undefined;
    if (problem.kind === 'shell-no-exec' && problem.rewrite) {
      const i = problem.argIndex;
      const path =
        i < command.length
          ? [...container.path, 'command', i]
          : [...container.path, 'args', i - command.length];
      edits = [spliceScalar(workload.object, path, problem.rewrite.offset, 0, 'exec ')];
    }
    return {
      path: [...container.path, 'command'],
      message: `container "${container.name}": ${signalMessage(problem)}`,
      fix: signalAdvice(problem),
      ...(edits ? { edits } : {}),
    };
  },
);
