#!/usr/bin/env node
// The installed `lameduck` command. It is committed (not built) so that npm can link it during the
// very first `npm ci`, before `prepare` has compiled dist/; it only loads the compiled CLI.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'lameduck: the CLI is not built (dist/bin.js is missing); run `npm run build` in the repository\n',
  );
  process.exit(70);
}
await import(entry.href);
