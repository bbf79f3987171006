// Shell completion, run by the shells themselves: the bash script is sourced in bash and its function
// called with the words bash would split the line into; zsh completes a typed line in a pseudo-terminal
// (fixtures/zsh-complete.zsh); fish answers `complete -C`. zsh and fish come from Debian
// (scripts/system-packages.txt); without them their tests skip and say so.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bashCompletion } from '../../src/args/completion/bash.ts';
import { fishCompletion } from '../../src/args/completion/fish.ts';
import { type CompletionModel, completionModel } from '../../src/args/completion/model.ts';
import { zshCompletion } from '../../src/args/completion/zsh.ts';
import { flagName } from '../../src/args/spec.ts';
import { commandNames, loadAllCommands } from '../../src/commands.ts';

const has = (command: string) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const zshHarness = fileURLToPath(new URL('fixtures/zsh-complete.zsh', import.meta.url));

let dir: string;
let model: CompletionModel;
const scripts = { bash: '', zsh: '', fish: '' };
const path = (shell: keyof typeof scripts) => join(dir, `lameduck.${shell}`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lameduck-completion-'));
  model = completionModel(await loadAllCommands());
  scripts.bash = bashCompletion(model);
  scripts.zsh = zshCompletion(model);
  scripts.fish = fishCompletion(model);
  for (const [shell, text] of Object.entries(scripts)) {
    writeFileSync(path(shell as keyof typeof scripts), text);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/** COMPREPLY of the bash completion for each list of words (the last one is being completed). */
function bashComplete(cases: readonly (readonly string[])[]): string[][] {
  const driver = [
    `source ${quote(path('bash'))}`,
    'c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE};',
    '  COMPREPLY=(); _lameduck; printf "%s\\n" "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd " "; }',
    ...cases.map((words) => `c ${words.map(quote).join(' ')}`),
  ].join('\n');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', driver], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(0, cases.length)
    .map((line) => (line ? line.split(' ') : []));
}

const sorted = (words: readonly string[]) => [...words].sort();

describe('bash', () => {
  test('the script is valid bash and registers the function', () => {
    execFileSync('bash', ['-n', path('bash')]);
    const out = execFileSync(
      'bash',
      ['--norc', '-c', `source ${quote(path('bash'))}; complete -p lameduck`],
      { encoding: 'utf8' },
    );
    assert.equal(out.trim(), 'complete -F _lameduck lameduck');
  });

  test('subcommands, flags, enum values, list items, files and commands after --', () => {
    writeFileSync(join(dir, 'deploy.yaml'), '');
    const cases: [string[], string[]][] = [
      [
        ['lameduck', ''],
        [...commandNames, '--help', '--version', '-h', '-v', 'help'],
      ],
      [['lameduck', 'lo'], ['load']],
      [['lameduck', 'load', '--keep'], ['--keepalive']],
      [
        ['lameduck', 'load', '--keepalive', ''],
        ['off', 'on'],
      ],
      // `--keepalive=o`: bash splits the word at `=`.
      [
        ['lameduck', 'load', '--keepalive', '=', 'o'],
        ['off', 'on'],
      ],
      [
        ['lameduck', 'load', '--keepalive', '='],
        ['off', 'on'],
      ],
      [['lameduck', 'lab', '--scenario', 'naive,sig'], ['naive,sigterm-exit']],
      [
        ['lameduck', 'completion', ''],
        ['bash', 'fish', 'zsh'],
      ],
      [['lameduck', 'completion', 'bash', ''], []],
      [
        ['lameduck', 'help', 'l'],
        ['lab', 'load'],
      ],
      [['lameduck', 'run', '--grace', ''], []],
      [['lameduck', 'audit', '--format', 'json', `${dir}/dep`], [`${dir}/deploy.yaml`]],
      [['lameduck', 'lab', '--manifest', `${dir}/dep`], [`${dir}/deploy.yaml`]],
      [['lameduck', 'run', '--', 'bas'], sorted(['bash', 'bashbug'].filter(has))],
    ];
    const replies = bashComplete(cases.map(([words]) => words));
    cases.forEach(([words, expected], i) => {
      const reply = replies[i] ?? [];
      if (words.at(-1) === 'bas') {
        // The commands on PATH vary; bash must be among them.
        assert.ok(reply.includes('bash'), `${words.join(' ')} → ${reply.join(' ')}`);
      } else {
        assert.deepEqual(reply, sorted(expected), words.join(' '));
      }
    });
  });

  test('every flag of every command is offered, and every value of every flag with choices', async () => {
    const specs = await loadAllCommands();
    const cases: string[][] = [];
    const expected: string[][] = [];
    for (const spec of specs) {
      const flags = Object.entries(spec.options).filter(([, o]) => !o.hidden);
      cases.push(['lameduck', spec.name, '-']);
      expected.push(
        sorted([
          ...flags.flatMap(([key, o]) => [
            `--${flagName(key)}`,
            ...(o.short ? [`-${o.short}`] : []),
          ]),
          '--help',
          '-h',
          '--version',
        ]),
      );
      for (const [key, option] of flags) {
        if (!option.choices) continue;
        cases.push(['lameduck', spec.name, `--${flagName(key)}`, '']);
        expected.push(sorted(option.choices));
      }
    }
    assert.ok(cases.length > 10);
    const replies = bashComplete(cases);
    cases.forEach((words, i) => {
      assert.deepEqual(replies[i], expected[i], words.join(' '));
    });
  });

  test('positional arguments are counted past flags and their values', () => {
    const [afterValue, afterEquals] = bashComplete([
      ['lameduck', 'completion', ''],
      ['lameduck', 'audit', '--format', '=', 'json', `${dir}/lameduck.b`],
    ]);
    assert.deepEqual(afterValue, ['bash', 'fish', 'zsh']);
    assert.deepEqual(afterEquals, [path('bash')]);
  });
});

describe('zsh', {
  skip: has('zsh') ? false : 'zsh is not installed (scripts/system-deps.mjs)',
}, () => {
  /** The candidates zsh offers for each line, typed one after the other into one zsh. */
  const complete = (lines: string[]): string[][] => {
    const out = execFileSync('zsh', ['-f', zshHarness, path('zsh'), ...lines], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return out
      .split(/<:done:\d+:>/)
      .slice(0, lines.length)
      .map((part) => [...new Set([...part.matchAll(/^<(.+)>\r?$/gm)].map((m) => m[1] as string))])
      .map((words) => words.filter((w) => w !== ':ready:').sort());
  };

  test('the script is valid zsh', () => {
    execFileSync('zsh', ['-n', path('zsh')]);
  });

  test('zsh offers subcommands, flags, enum values and list items', () => {
    const cases: [string, string[]][] = [
      ['lameduck lo', ['load']],
      ['lameduck load --keep', ['--keepalive']],
      ['lameduck load --keepalive ', ['off', 'on']],
      ['lameduck audit --format=', ['json', 'junit', 'sarif', 'text']],
      ['lameduck lab --scenario naive,sig', ['sigterm-exit']],
      ['lameduck completion ', ['bash', 'fish', 'zsh']],
      ['lameduck help l', ['lab', 'load']],
    ];
    const replies = complete(cases.map(([line]) => line));
    cases.forEach(([line, expected], i) => {
      assert.deepEqual(replies[i], expected, line);
    });
  });
});

describe('fish', {
  skip: has('fish') ? false : 'fish is not installed (scripts/system-deps.mjs)',
}, () => {
  const complete = (lines: string[]): string[][] => {
    const body = lines.map((l) => `complete -C ${quote(l)}; echo '<end>'`).join('; ');
    const out = execFileSync(
      'fish',
      ['--no-config', '-c', `source ${quote(path('fish'))}; ${body}`],
      {
        encoding: 'utf8',
      },
    );
    return out
      .split('<end>\n')
      .slice(0, lines.length)
      .map((block) =>
        block
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t')[0] as string)
          .sort(),
      );
  };

  test('the script is valid fish', () => {
    execFileSync('fish', ['--no-config', '-n', path('fish')]);
  });

  test('fish offers subcommands, flags, enum values and list items', () => {
    const [lo, keep, values, equals, list, shells] = complete([
      'lameduck lo',
      'lameduck load --keep',
      'lameduck load --keepalive ',
      'lameduck audit --format=',
      'lameduck lab --scenario naive,sig',
      'lameduck completion ',
    ]);
    assert.deepEqual(lo, ['load']);
    assert.deepEqual(keep, ['--keepalive']);
    assert.deepEqual(values, ['off', 'on']);
    assert.deepEqual(equals, [
      '--format=json',
      '--format=junit',
      '--format=sarif',
      '--format=text',
    ]);
    assert.deepEqual(list, ['naive,sigterm-exit']);
    assert.deepEqual(shells, ['bash', 'fish', 'zsh']);
  });
});

test('the three scripts name every subcommand and every visible flag', async () => {
  for (const spec of await loadAllCommands()) {
    for (const [shell, text] of Object.entries(scripts)) {
      assert.ok(text.includes(spec.name), `${shell}: ${spec.name}`);
      for (const [key, option] of Object.entries(spec.options)) {
        if (option.hidden) continue;
        const flag = shell === 'fish' ? `-l ${flagName(key)} ` : `--${flagName(key)}`;
        assert.ok(text.includes(flag), `${shell}: ${spec.name} ${flag}`);
      }
    }
  }
});
