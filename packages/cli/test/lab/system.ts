import { spawnSync } from 'node:child_process';

/** Whether a command is on PATH (or in /usr/sbin, where Debian puts iptables). */
export function hasCommand(command: string): boolean {
  return (
    spawnSync('sh', ['-c', `command -v "${command}" || test -x "/usr/sbin/${command}"`], {
      stdio: 'ignore',
    }).status === 0
  );
}
