import { readdirSync, readFileSync } from 'node:fs';

/** One row of the kernel's process table, as `/proc/<pid>/stat` gives it. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** Process group id. */
  readonly pgid: number;
  /** Session id. */
  readonly sid: number;
  /** One letter: R running, S sleeping, D disk, Z zombie, T stopped, X dead, ... */
  readonly state: string;
  /** The executable's name, at most 15 characters. */
  readonly comm: string;
}

/** A snapshot of the processes visible to us (our PID namespace). Injected so tests can fake it. */
export type ProcessTable = () => ProcessEntry[];

/**
 * Parses one `/proc/<pid>/stat` line. The name sits in parentheses and may itself contain spaces and
 * parentheses, so the fields are counted from the last `)`.
 */
export function parseStat(line: string): ProcessEntry | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open === -1 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  const fields = line
    .slice(close + 1)
    .trim()
    .split(' ');
  const [state, ppid, pgid, sid] = [fields[0], fields[1], fields[2], fields[3]];
  if (!Number.isInteger(pid) || state === undefined || sid === undefined) return undefined;
  return {
    pid,
    ppid: Number(ppid),
    pgid: Number(pgid),
    sid: Number(sid),
    state,
    comm: line.slice(open + 1, close),
  };
}

/** True for a process that has exited but was not waited for yet (or is being torn down). */
export function isGone(entry: ProcessEntry): boolean {
  return entry.state === 'Z' || entry.state === 'X' || entry.state === 'x';
}

/** Reads `/proc`. Processes that exit while we read are skipped. */
export function readProcessTable(root = '/proc'): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return entries;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let line: string;
    try {
      line = readFileSync(`${root}/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const entry = parseStat(line);
    if (entry) entries.push(entry);
  }
  return entries;
}
