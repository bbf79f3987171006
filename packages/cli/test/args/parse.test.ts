import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../src/args/parse.ts';
import { defineCommand } from '../../src/args/spec.ts';
import { closest, editDistance } from '../../src/args/suggest.ts';
import { commandUsage } from '../../src/args/usage.ts';
import { LameduckError } from '../../src/core/errors.ts';

const demo = defineCommand({
  name: 'demo',
  summary: 'A command for the parser tests',
  positionals: [{ name: 'url', description: 'Target', required: true }],
  rest: 'A command to run while the demo runs',
  options: {
    rate: { kind: 'number', description: 'Requests per second', default: 200, min: 0 },
    duration: { kind: 'duration', description: 'How long', default: 10_000 },
    connections: { kind: 'integer', description: 'Pool size', min: 1 },
    keepalive: {
      kind: 'enum',
      description: 'Reuse connections',
      choices: ['on', 'off'],
      default: 'on',
    },
    header: { kind: 'list', description: 'A header', short: 'H' },
    quiet: { kind: 'boolean', description: 'No progress', short: 'q' },
    maxFailures: { kind: 'integer', description: 'Allowed failures', default: 0, min: 0 },
  },
  async run() {
    return 0;
  },
});

const usage = (argv: string[]) => {
  try {
    parseArgs(demo, argv);
  } catch (error) {
    assert.ok(error instanceof LameduckError);
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  assert.fail(`expected a usage error for ${argv.join(' ')}`);
};

test('parses flags, defaults, lists, switches and the rest after --', () => {
  const parsed = parseArgs(demo, [
    'http://127.0.0.1:1/',
    '--rate=50',
    '--duration',
    '1m30s',
    '-H',
    'a: 1',
    '--header',
    'b: 2',
    '-q',
    '--',
    'kubectl',
    '--wait',
  ]);
  assert.deepEqual(parsed.positionals, ['http://127.0.0.1:1/']);
  assert.equal(parsed.options.rate, 50);
  assert.equal(parsed.options.duration, 90_000);
  assert.equal(parsed.options.keepalive, 'on');
  assert.equal(parsed.options.connections, undefined);
  assert.deepEqual(parsed.options.header, ['a: 1', 'b: 2']);
  assert.equal(parsed.options.quiet, true);
  assert.equal(parsed.options.maxFailures, 0);
  assert.deepEqual(parsed.rest, ['kubectl', '--wait']);
  assert.deepEqual([...parsed.given].sort(), ['duration', 'header', 'quiet', 'rate']);
});

test('usage errors name the flag, the expectation and the value received', () => {
  assert.match(usage(['u', '--rate', '-5']), /--rate expects a number >= 0, got "-5"/);
  assert.match(usage(['u', '--duration', '5']), /--duration expects a duration .*got "5"/);
  assert.match(
    usage(['u', '--connections', '1.5']),
    /--connections expects a whole number >= 1, got "1.5"/,
  );
  assert.match(
    usage(['u', '--keepalive', 'maybe']),
    /--keepalive expects one of on, off, got "maybe"/,
  );
  assert.match(usage(['u', '--rat', '5']), /unknown option --rat \(did you mean --rate\?\)/);
  assert.match(usage(['u', '--rate']), /--rate needs a value/);
  assert.match(usage(['u', '--rate', '1', '--rate', '2']), /--rate was given more than once/);
  assert.match(usage(['u', '--quiet=yes']), /--quiet is a switch and takes no value/);
  assert.match(usage([]), /missing argument <url>/);
  assert.match(
    usage(['u', 'extra']),
    /unexpected argument "extra" \(put the command to run after `--`\)/,
  );
  assert.match(usage(['u', '--']), /`--` must be followed by a command/);
});

test('help is generated from the spec, with every default', () => {
  const text = commandUsage(demo);
  assert.match(text, /Usage: lameduck demo <url> \[options\] \[-- <command> \[args...\]\]/);
  assert.match(text, /--rate <n>\s+Requests per second \(default: 200\)/);
  assert.match(text, /--duration <duration>\s+How long \(default: 10s\)/);
  assert.match(text, /-H, --header <value>/);
  assert.match(text, /--max-failures <n>\s+Allowed failures \(default: 0\)/);
});

test('--version after a subcommand is seen like --help: no missing-argument error', () => {
  const parsed = parseArgs(demo, ['--version']);
  assert.equal(parsed.version, true);
  assert.equal(parsed.help, false);
  // After `--` it belongs to the command being run.
  assert.equal(parseArgs(demo, ['u', '--', 'node', '--version']).version, false);
});

test('a positional with choices accepts only those, with a suggestion', () => {
  const shell = defineCommand({
    name: 'shell',
    summary: 'A command with a positional choice',
    positionals: [
      { name: 'shell', description: 'A shell', required: true, choices: ['bash', 'zsh'] },
    ],
    options: {},
    async run() {
      return 0;
    },
  });
  assert.deepEqual(parseArgs(shell, ['zsh']).positionals, ['zsh']);
  try {
    parseArgs(shell, ['bsh']);
    assert.fail('expected a usage error');
  } catch (error) {
    assert.ok(error instanceof LameduckError);
    assert.equal(error.exitCode, 2);
    assert.match(
      error.message,
      /<shell> expects one of bash, zsh, got "bsh" \(did you mean bash\?\)/,
    );
  }
});

test('closest suggests a unique extension or a near typo, and nothing for a stranger', () => {
  const names = ['audit', 'completion', 'lab', 'load', 'run'];
  assert.equal(closest('lod', names), 'load');
  assert.equal(closest('comp', names), 'completion');
  assert.equal(closest('rnu', names), 'run');
  assert.equal(closest('audti', names), 'audit');
  assert.equal(closest('kubectl', names), undefined);
  assert.equal(closest('x', names), undefined);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  // Symmetric, and zero only for equal words.
  for (const [a, b] of [
    ['load', 'lab'],
    ['', 'run'],
    ['--rate', '--rat'],
  ] as const) {
    assert.equal(editDistance(a, b), editDistance(b, a));
    assert.ok(editDistance(a, b) > 0);
  }
});

test('a lone - is a value (standard output), not a flag; other dashes are still refused', () => {
  const spaced = parseArgs(demo, ['http://x', '--header', '-']);
  assert.deepEqual(spaced.options.header, ['-']);
  assert.throws(
    () => parseArgs(demo, ['http://x', '--header', '--quiet']),
    /--header needs a value/,
  );
});
