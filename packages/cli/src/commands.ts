import type { CommandSpec } from './args/spec.js';

export interface CommandEntry {
  /** Shown in `lameduck --help` without loading the command's module. */
  readonly summary: string;
  /**
   * Loads the command's spec. Every `defineCommand(...)` result fits as it is: `run` is declared as a
   * method, so a `CommandSpec<S>` is a `CommandSpec`, and `main` parses argv with that same spec, so
   * the options a command receives always have the shape its `S` describes.
   */
  readonly load: () => Promise<CommandSpec>;
}

/**
 * The subcommands, one folder each, loaded only when used so that `lameduck run` starts fast.
 * Each folder's `command.ts` default-exports its spec.
 */
export const commands = {
  audit: {
    summary: 'Find and fix graceful-termination mistakes in Kubernetes manifests and Dockerfiles',
    load: () => import('./audit/command.js').then((m) => m.default),
  },
  completion: {
    summary: 'Print the shell completion script for bash, zsh or fish',
    load: () => import('./completion/command.js').then((m) => m.default),
  },
  lab: {
    summary: 'Run a real rolling update under load on this machine and count what it loses',
    load: () => import('./lab/command.js').then((m) => m.default),
  },
  load: {
    summary: 'Send requests at a fixed rate and count every failure, by class, per second',
    load: () => import('./load/command.js').then((m) => m.default),
  },
  run: {
    summary: 'Run an app as PID 1: pass signals on, wait for all of it to drain, reap zombies',
    load: () => import('./run/command.js').then((m) => m.default),
  },
} as const satisfies Readonly<Record<string, CommandEntry>>;

export type CommandName = keyof typeof commands;

export const commandNames: readonly CommandName[] = Object.keys(commands).filter(isCommandName);

/** A registry lookup that never reaches Object.prototype (`lameduck constructor` is unknown too). */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/** Loads every command's spec (for shell completion). */
export function loadAllCommands(): Promise<CommandSpec[]> {
  return Promise.all(commandNames.map((name) => commands[name].load()));
}
