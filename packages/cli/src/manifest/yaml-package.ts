// The `yaml` package, loaded the first time a document needs it (one that js-yaml rejects, for its
// exact error): most audits never do, and loading it costs about 40 ms of every run.
import { createRequire } from 'node:module';

type YamlPackage = typeof import('yaml');

let loaded: YamlPackage | undefined;

export function yamlPackage(): YamlPackage {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlPackage;
  return loaded;
}
