// The packages as a user gets them. A fresh clone of the committed tree (git clone, so only committed
// files) gets ONE `npm ci --offline` (packages from the npm cache; the registry is never needed when
// the cache holds the lock file's packages, and the tests skip with a message when neither works),
// after which `npx lameduck --version` must work (that install also builds the native addon). Then
// both packages are packed there and the tarballs installed, with no usable C compiler, into a fresh
// app, which runs ESM and CommonJS scripts, type-checks with node16, nodenext and bundler
// resolution, and runs the installed CLI.
import assert from 'node:assert/strict';
import { type ExecFileOptions, execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const cliVersion: string = JSON.parse(
  readFileSync(join(root, 'packages/cli/package.json'), 'utf8'),
).version;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(file: string, args: readonly string[], options: ExecFileOptions): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240_000,
      ...options,
      encoding: 'utf8',
    });
    return { code: 0, stdout: String(stdout), stderr: String(stderr) };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: String(e.stdout ?? ''),
      stderr: String(e.stderr ?? e.code ?? ''),
    };
  }
}

/** npm with no audit, fund or update notices, never prompting. */
const npm = (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  sh('npm', [...args, '--no-audit', '--no-fund', '--loglevel=warn'], {
    cwd,
    env: { ...process.env, npm_config_update_notifier: 'false', CI: 'true', ...env },
  });

const dir = mkdtempSync(join(tmpdir(), 'lameduck-packaging-'));
const clone = join(dir, 'clone');
const packs = join(dir, 'packs');
let skip: string | undefined;
let tarballs: { lameduck: string; cli: string; dependencies: string[] } | undefined;

after(() => rmSync(dir, { recursive: true, force: true }));

before(async () => {
  const cloned = await sh('git', ['clone', '-q', '--no-hardlinks', root, clone], {});
  assert.equal(cloned.code, 0, cloned.stderr);
  let ci = await npm(['ci', '--offline'], clone);
  if (ci.code !== 0 && /ENOTCACHED/.test(ci.stderr)) {
    // Something in the lock file is not in the npm cache yet: allow the registry for what is missing.
    ci = await npm(['ci', '--prefer-offline'], clone);
    if (
      ci.code !== 0 &&
      /E(AI_AGAIN|NOTFOUND|CONNREFUSED|CONNRESET|TIMEDOUT)|network/i.test(ci.stderr)
    ) {
      skip = `the npm registry is unreachable and the npm cache lacks packages of the lock file:\n${ci.stderr.slice(-800)}`;
      return;
    }
  }
  assert.equal(ci.code, 0, `npm ci in a fresh clone failed:\n${ci.stderr.slice(-3000)}`);
});

test('a fresh clone: after ONE npm ci, npx lameduck --version works', async (t) => {
  if (skip) return t.skip(skip);
  assert.ok(existsSync(join(clone, 'node_modules', '.bin', 'lameduck')), 'the bin is linked');
  const run = await sh('npx', ['lameduck', '--version'], {
    cwd: clone,
    env: { ...process.env, npm_config_offline: 'true' },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), cliVersion);
});

describe('the packed tarballs', () => {
  before(async () => {
    if (skip) return;
    mkdirSync(packs);
    const packed: Record<string, string> = {};
    for (const workspace of ['packages/lameduck', 'packages/cli']) {
      const run = await npm(
        ['pack', '--json', '--pack-destination', packs],
        join(clone, workspace),
      );
      assert.equal(run.code, 0, run.stderr);
      const [info] = JSON.parse(run.stdout) as { filename: string }[];
      packed[workspace] = join(packs, info?.filename ?? '');
    }
    tarballs = {
      lameduck: packed['packages/lameduck'] ?? '',
      cli: packed['packages/cli'] ?? '',
      dependencies: await packDependencies(),
    };
  });

  /**
   * The CLI's registry dependencies (and theirs), packed from the npm cache at the versions of the
   * lock file: installing tarball paths needs no registry metadata, so the install is offline.
   */
  async function packDependencies(): Promise<string[]> {
    const lock = JSON.parse(readFileSync(join(clone, 'package-lock.json'), 'utf8'))
      .packages as Record<string, { version?: string; dependencies?: Record<string, string> }>;
    const wanted = new Set(Object.keys(lock['packages/cli']?.dependencies ?? {}));
    wanted.delete('lameduck');
    const specs: string[] = [];
    for (const name of wanted) {
      const entry = lock[`node_modules/${name}`];
      assert.ok(entry?.version, `${name} is in the lock file`);
      specs.push(`${name}@${entry.version}`);
      for (const dependency of Object.keys(entry.dependencies ?? {})) wanted.add(dependency);
    }
    const run = await npm(
      ['pack', '--offline', '--json', '--pack-destination', packs, ...specs],
      packs,
    );
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as { filename: string }[]).map((p) => join(packs, p.filename));
  }

  /** The files of a tarball, by path inside the package (`package/` dropped). */
  async function contents(tarball: string): Promise<Map<string, string>> {
    const out = join(dir, `unpacked-${Math.random().toString(36).slice(2)}`);
    mkdirSync(out);
    const run = await sh('tar', ['-xzf', tarball, '-C', out], {});
    assert.equal(run.code, 0, run.stderr);
    const list = await sh('tar', ['-tzf', tarball], {});
    const files = new Map<string, string>();
    for (const name of list.stdout.split('\n').filter(Boolean)) {
      files.set(name.replace(/^package\//, ''), join(out, name));
    }
    return files;
  }

  /** The sources the sourcemaps name that are not in the tarball (`map → source`). */
  function unshippedSources(files: ReadonlyMap<string, string>, maps: readonly string[]): string[] {
    const missing: string[] = [];
    for (const map of maps) {
      const { sources = [], sourceRoot = '' } = JSON.parse(
        readFileSync(files.get(map) ?? '', 'utf8'),
      );
      for (const source of sources as string[]) {
        const inside = normalize(join(dirname(map), sourceRoot, source));
        if (!files.has(inside)) missing.push(`${map} → ${source}`);
      }
    }
    return missing;
  }

  for (const name of ['lameduck', 'cli'] as const) {
    test(`${name}: LICENSE, README and metadata; every sourcemap's sources are in the tarball`, async (t) => {
      if (skip || !tarballs) return t.skip(skip);
      const files = await contents(tarballs[name]);
      const expected = ['LICENSE', 'README.md', 'package.json'];
      if (name === 'cli') expected.push('bin/lameduck.js', 'native/reaper.c', 'binding.gyp');
      for (const file of expected) {
        assert.ok(files.has(file), `${file} is packed`);
      }
      assert.match(
        readFileSync(files.get('LICENSE') ?? '', 'utf8'),
        /^MIT License\n\nCopyright \(c\) 2026 the lameduck authors\n/,
      );
      const pkg = JSON.parse(readFileSync(files.get('package.json') ?? '', 'utf8'));
      assert.equal(pkg.license, 'MIT');
      assert.match(pkg.repository?.url, /^git\+https:\/\/github\.com\/.+\.git$/);
      assert.equal(pkg.repository?.directory, `packages/${name}`);
      assert.ok(pkg.homepage && pkg.bugs?.url && pkg.keywords?.length >= 3);
      assert.equal(pkg.engines?.node, '^20.19.0 || >=22.12.0');
      assert.ok(![...files.keys()].some((f) => f.endsWith('.tsbuildinfo') || f.includes('/test/')));
      const maps = [...files.keys()].filter((f) => f.endsWith('.map'));
      assert.ok(maps.length > 5, `${maps.length} sourcemaps`);
      assert.deepEqual(
        unshippedSources(files, maps),
        [],
        'sources named by a shipped sourcemap are shipped',
      );
    });
  }

  describe('installed into a fresh app', () => {
    const app = join(dir, 'app');
    let install: Run | undefined;

    before(async () => {
      if (skip || !tarballs) return;
      mkdirSync(app);
      writeFileSync(
        join(app, 'package.json'),
        `${JSON.stringify({ name: 'app', private: true, type: 'module' })}\n`,
      );
      cpSync(fixtures, app, { recursive: true });
      // No usable C compiler (make and node-gyp call these): the install must still succeed.
      install = await npm(
        ['install', '--offline', tarballs.lameduck, tarballs.cli, ...tarballs.dependencies],
        app,
        { CC: '/nonexistent/cc', CXX: '/nonexistent/c++', npm_config_foreground_scripts: 'true' },
      );
      assert.equal(install.code, 0, install.stderr);
    });

    test('with no usable C compiler the CLI installs with a notice, and run says why', async (t) => {
      if (skip || !install) return t.skip(skip);
      assert.match(
        `${install.stdout}${install.stderr}`,
        /@lameduck\/cli: the optional native reaper was not built/,
      );
      const addon = join(app, 'node_modules/@lameduck/cli/build/Release/lameduck_reaper.node');
      assert.equal(existsSync(addon), false);
      const bin = join(app, 'node_modules', '.bin', 'lameduck');
      const run = await sh(bin, ['run', '--verbose', '--', 'true'], { cwd: app });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /no native reaper: the native addon was not built/);
    });

    test('an ES module script drains a real server through the installed library', async (t) => {
      if (skip) return t.skip(skip);
      const run = await sh(process.execPath, ['esm.mjs'], { cwd: app });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), 'esm ok');
    });

    test('a CommonJS script require()s it, and gets the same module import() gets', async (t) => {
      if (skip) return t.skip(skip);
      const run = await sh(process.execPath, ['cjs.cjs'], { cwd: app });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), 'cjs ok');
    });

    const modes = [
      { module: 'node16', moduleResolution: 'node16', files: ['check.ts'] },
      { module: 'nodenext', moduleResolution: 'nodenext', files: ['check.ts', 'check.cts'] },
      { module: 'esnext', moduleResolution: 'bundler', files: ['check.ts'] },
    ];
    for (const mode of modes) {
      test(`TypeScript strict, module ${mode.module}, moduleResolution ${mode.moduleResolution}`, async (t) => {
        if (skip) return t.skip(skip);
        const config = join(app, `tsconfig.${mode.moduleResolution}.json`);
        writeFileSync(
          config,
          JSON.stringify({
            compilerOptions: {
              strict: true,
              noEmit: true,
              target: 'es2022',
              module: mode.module,
              moduleResolution: mode.moduleResolution,
              types: ['node'],
              typeRoots: [join(root, 'node_modules', '@types')],
              skipLibCheck: false,
            },
            files: mode.files,
          }),
        );
        const run = await sh(tsc, ['-p', config], { cwd: app });
        assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
      });
    }

    test('npx lameduck --version runs the installed CLI', async (t) => {
      if (skip) return t.skip(skip);
      const run = await sh('npx', ['lameduck', '--version'], {
        cwd: app,
        env: { ...process.env, npm_config_offline: 'true' },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), cliVersion);
    });
  });
});
