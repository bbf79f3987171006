import type { Io } from '../../core/io.js';
import { prepareOutput, writeOutput } from '../../core/output.js';
import { unifiedDiff } from './diff.js';
import type { FixResult } from './fix-sources.js';

/**
 * Delivers the fixed texts. With `dryRun`, the unified diff of each changed source is printed and
 * nothing is written. Otherwise every changed file goes through the one file writer (`core/output`):
 * links are followed and the real file is replaced atomically with its mode kept; the fixed stdin
 * stream (`-`) goes to stdout. Every target is prepared before the first write, so a file that
 * cannot be written (a read-only folder, say) stops the run with exit 2 and nothing written.
 */
export async function writeFixes(
  changed: FixResult['changed'],
  io: Pick<Io, 'cwd' | 'stdout' | 'stderr'>,
  dryRun: boolean,
): Promise<void> {
  if (dryRun) {
    for (const [file, { before, after }] of changed)
      io.stdout.write(unifiedDiff(file === '-' ? 'stdin' : file, before, after));
    return;
  }
  const prepared = [];
  for (const [file, { after }] of changed)
    prepared.push({ target: await prepareOutput('--fix', file, io), text: after });
  for (const { target, text } of prepared) await writeOutput(target, text, io);
}
