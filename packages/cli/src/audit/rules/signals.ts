import { asArray } from '../../manifest/workload.js';
import type { Edit } from '../finding.js';
import { replaceInScalar } from '../fix/yaml-edit.js';
import { analyzeArgv, type SignalProblem } from '../model/shell.js';
import { containerRule } from './container-rule.js';

/** One sentence on what to run instead, shared with the Dockerfile rules. */
export function signalAdvice(problem: SignalProblem): string {
  if (problem.kind === 'package-manager') {
    return `run the app directly (e.g. ["node", "server.js"], the command behind the ${problem.tool} script), so that it is PID 1 and receives SIGTERM`;
  }
  return problem.execTarget
    ? `start the last command with exec ("exec ${problem.execTarget}") so the app replaces the shell and receives SIGTERM`
    : 'end the script with exec <app>, or run the app directly without a shell';
}

export function signalMessage(problem: SignalProblem): string {
  return problem.kind === 'package-manager'
    ? `"${problem.command}" runs the app under ${problem.tool}, which does not pass SIGTERM on and exits before the app drains`
    : `"${problem.shell} -c" runs the app as a child of the shell, which does not forward SIGTERM (the last command has no exec)`;
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
    if (problem.kind === 'shell-no-exec' && problem.execTarget) {
      const inCommand = command.lastIndexOf(problem.script);
      const path =
        inCommand !== -1
          ? [...container.path, 'command', inCommand]
          : [...container.path, 'args', args.lastIndexOf(problem.script)];
      edits = [
        replaceInScalar(workload.object, path, problem.execTarget, `exec ${problem.execTarget}`),
      ];
    }
    return {
      path: [...container.path, 'command'],
      message: `container "${container.name}": ${signalMessage(problem)}`,
      fix: signalAdvice(problem),
      ...(edits ? { edits } : {}),
    };
  },
);
