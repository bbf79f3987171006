import type { Io } from '../../core/io.js';
import { prepareOutput, writeOutput } from '../../core/output.js';
import { encode } from '../input/decode.js';
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
  for (const [file, { after, source }] of changed) {
    // A stream read from stdin goes back to stdout, whatever --stdin-filename calls it.
    const target = await prepareOutput('--fix', source.stdin ? '-' : file, io);
    prepared.push({ target, content: encode(after, source.encoding) });
  }
  for (const { target, content } of prepared) await writeOutput(target, content, io);
}
