import type { CommandSpec, OptionSpecs } from './args/spec.js';

export interface CommandEntry {
  /** Shown in `lameduck --help` without loading the command's module. */
  readonly summary: string;
  readonly load: () => Promise<CommandSpec<OptionSpecs>>;
}

/**
 * The subcommands, one folder each, loaded only when used so that `lameduck run` starts fast.
 * Each folder's `command.ts` default-exports its spec.
 */
export const commands: Readonly<Record<string, CommandEntry>> = {
  audit: {
    summary: 'Find and fix graceful-termination mistakes in Kubernetes manifests and Dockerfiles',
    load: () =>
      import('./audit/command.js').then((m) => m.default as unknown as CommandSpec<OptionSpecs>),
  },
  lab: {
    summary: 'Run a real rolling update under load on this machine and count what it loses',
    load: () =>
      import('./lab/command.js').then((m) => m.default as unknown as CommandSpec<OptionSpecs>),
  },
  load: {
    summary: 'Send requests at a fixed rate and count every failure, by class, per second',
    load: () =>
      import('./load/command.js').then((m) => m.default as unknown as CommandSpec<OptionSpecs>),
  },
  run: {
    summary: 'Run an app as PID 1: pass signals on, wait for all of it to drain, reap zombies',
    load: () =>
      import('./run/command.js').then((m) => m.default as unknown as CommandSpec<OptionSpecs>),
  },
};
