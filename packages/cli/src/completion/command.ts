import { bashCompletion } from '../args/completion/bash.js';
import { fishCompletion } from '../args/completion/fish.js';
import { completionModel } from '../args/completion/model.js';
import { zshCompletion } from '../args/completion/zsh.js';
import { defineCommand } from '../args/spec.js';
import { loadAllCommands } from '../commands.js';
import { usageError } from '../core/errors.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

function isShell(name: string | undefined): name is keyof typeof SHELLS {
  return name !== undefined && Object.hasOwn(SHELLS, name);
}

export default defineCommand({
  name: 'completion',
  summary: 'Print the shell completion script for bash, zsh or fish',
  description: `Prints a completion script for <shell>: subcommands, their flags, and the values of flags
that take one of a few (--format, --proxy, --scenarios, …). It is generated from the same option
spec that parses the flags, so it always matches this version of lameduck.`,
  positionals: [
    {
      name: 'shell',
      description: 'bash, zsh or fish',
      required: true,
      choices: Object.keys(SHELLS),
    },
  ],
  options: {},
  examples: [
    'source <(lameduck completion bash)',
    'lameduck completion bash > ~/.local/share/bash-completion/completions/lameduck',
    'lameduck completion zsh > "${fpath[1]}/_lameduck"',
    'lameduck completion fish > ~/.config/fish/completions/lameduck.fish',
  ],
  async run({ positionals, io }) {
    const [shell] = positionals;
    // The parser has checked the choice already; this narrows the type.
    if (!isShell(shell)) throw usageError(`lameduck completion: unknown shell "${shell}"`);
    const model = completionModel(await loadAllCommands());
    io.stdout.write(SHELLS[shell](model));
    return 0;
  },
});
