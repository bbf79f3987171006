// How lameduck-init is built and shipped: static ELF binaries for x86_64 and aarch64; `npm pack`
// (its prepack step) puts both in the tarball and nothing else that was built; installing that
// tarball needs no compiler (the preinstall copies the prebuilt binary for the machine), and a
// checkout without a compiler installs with a one-line notice instead of failing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { initBinary, initDir } from './support/binary.ts';

/** e_machine of an ELF file, and whether it asks for a dynamic loader (a PT_INTERP segment). */
function elf(path: string): { machine: number; dynamic: boolean } {
  const data = readFileSync(path);
  assert.equal(data.subarray(0, 4).toString('latin1'), '\x7fELF', `${path} is an ELF file`);
  assert.equal(data[4], 2, '64-bit');
  const machine = data.readUInt16LE(18);
  const phoff = Number(data.readBigUInt64LE(32));
  const phentsize = data.readUInt16LE(54);
  const phnum = data.readUInt16LE(56);
  let dynamic = false;
  for (let i = 0; i < phnum; i++) {
    const type = data.readUInt32LE(phoff + i * phentsize);
    if (type === 3 /* PT_INTERP */ || type === 2 /* PT_DYNAMIC */) dynamic = true;
  }
  return { machine, dynamic };
}

const X86_64 = 62;
const AARCH64 = 183;

describe('the binaries', { skip: process.platform === 'linux' ? false : 'Linux only' }, () => {
  for (const [target, machine] of [
    ['x64', X86_64],
    ['arm64', AARCH64],
  ] as const) {
    const built = initBinary(target);
    test(`${target}: a static ELF for ${target === 'x64' ? 'x86_64' : 'aarch64'}`, {
      skip: built.path ? false : built.why,
    }, () => {
      const info = elf(built.path as string);
      assert.equal(info.machine, machine);
      assert.equal(info.dynamic, false, 'no dynamic loader, no shared libraries');
    });
  }
});

const scratch = mkdtempSync(join(tmpdir(), 'lameduck-init-pack-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A PATH with `node` and `sh` only: no C compiler can be found through it. */
function pathWithoutCompilers(): string {
  const dir = join(scratch, 'path');
  mkdirSync(dir, { recursive: true });
  const links: [string, string][] = [
    ['node', process.execPath],
    ['sh', '/bin/sh'],
  ];
  for (const [name, target] of links) {
    if (!existsSync(join(dir, name))) symlinkSync(target, join(dir, name));
  }
  return dir;
}

const crossReady = initBinary('x64').path !== undefined && initBinary('arm64').path !== undefined;

describe('npm pack and install', {
  skip: crossReady ? false : 'the x64 or arm64 compiler is missing (scripts/system-packages.txt)',
}, () => {
  test('npm pack ships both prebuilt binaries; installing the tarball needs no compiler', () => {
    const pack = spawnSync(
      'npm',
      ['pack', '--json', '--pack-destination', scratch, '--no-fund', '--no-audit'],
      { cwd: initDir, encoding: 'utf8' },
    );
    assert.equal(pack.status, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = (info?.files ?? []).map((f) => f.path).sort();
    assert.ok(files.includes('prebuilt/linux-x64/lameduck-init'), files.join(' '));
    assert.ok(files.includes('prebuilt/linux-arm64/lameduck-init'), files.join(' '));
    assert.ok(files.includes('src/supervisor.c'));
    assert.ok(!files.some((f) => f.startsWith('bin/') || f.startsWith('build/')), files.join(' '));

    const project = join(scratch, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), '{"name":"app","private":true}\n');
    const install = spawnSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', join(scratch, info?.filename ?? '')],
      {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${pathWithoutCompilers()}:${process.env.PATH}` },
      },
    );
    assert.equal(install.status, 0, install.stderr);
    const bin = join(project, 'node_modules', '.bin', 'lameduck-init');
    const run = spawnSync(bin, ['--', 'sh', '-c', 'exit 7']);
    assert.equal(run.status, 7, String(run.stderr));
    assert.ok(existsSync(join(initDir, 'bin', 'lameduck-init')), 'postpack restored the local bin');
    assert.ok(!existsSync(join(initDir, 'prebuilt')), 'postpack removed the packed binaries');
  });

  test('a checkout without a compiler and without prebuilt binaries: a one-line notice, exit 0', () => {
    const copy = join(scratch, 'checkout');
    cpSync(join(initDir, 'src'), join(copy, 'src'), { recursive: true });
    cpSync(join(initDir, 'scripts'), join(copy, 'scripts'), { recursive: true });
    cpSync(join(initDir, 'package.json'), join(copy, 'package.json'));
    const result = spawnSync(process.execPath, [join(copy, 'scripts', 'install.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: pathWithoutCompilers() },
    });
    assert.equal(result.status, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] as string, /lameduck-init was not installed \(.*no C compiler/);
    assert.ok(!existsSync(join(copy, 'bin', 'lameduck-init')));
  });
});
