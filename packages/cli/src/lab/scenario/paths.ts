import { fileURLToPath } from 'node:url';

/**
 * A file that ships compiled next to this module (dist/lab/scenario/<name>.js). When the lab runs
 * from its TypeScript sources (tests, tsx), the compiled twin in dist is used, so child processes
 * start with plain `node` and no loader.
 */
export function compiledSibling(name: string): string {
  const here = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  return here.replace(/([\\/])src([\\/])lab([\\/])/, '$1dist$2lab$3');
}

/** The compiled `lameduck` CLI (dist/bin.js), for pods that run `lameduck run` as PID 1. */
export function compiledCli(): string {
  const here = fileURLToPath(new URL('../../bin.js', import.meta.url));
  return here.replace(/([\\/])src([\\/])bin\.js$/, '$1dist$2bin.js');
}
