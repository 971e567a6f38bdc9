import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, open, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOctave } from '../helpers/octave.js';
import { NESTED_TARBALL, repoRoot } from '../helpers/paths.js';

/** The single executable for this machine, built by npm run dist. */
const BINARY = `${repoRoot}dist/bin/bst-containers-linux-x64`;

const expectPassed = (run: { exitCode: number | undefined; stdout: string; stderr: string }) => {
  expect(run.stdout, run.stderr).toContain('ALL PASSED');
  expect(run.exitCode).toBe(0);
};

const script = async (path: string, text: string | Buffer, mode = 0o755) => {
  await writeFile(path, text);
  await chmod(path, mode);
};

describe('matlab/bst_containers.m finds and starts the single executable (Octave, Docker)', () => {
  let folder: string;

  beforeAll(async () => {
    expect(existsSync(BINARY), `build the binaries first (npm run dist): ${BINARY}`).toBe(true);
    folder = await mkdtemp(join(tmpdir(), 'bst-shim-binary-'));
  });

  afterAll(async () => {
    // An immutable file cannot be removed: the flag first.
    await execa('chattr', ['-i', join(folder, 'locked')], { reject: false });
    await rm(folder, { recursive: true, force: true });
  });

  it('runs the plugin lifecycle through the linux-x64 binary with no node on the PATH', async () => {
    // Only what the test needs, linked one by one: /usr/bin also holds a node.
    const bin = join(folder, 'no-node-bin');
    await mkdir(bin);
    for (const program of ['octave-cli', 'docker']) {
      const { stdout } = await execa('which', [program]);
      await symlink(stdout.trim(), join(bin, program));
    }
    const which = await execa('/usr/bin/which', ['node'], {
      env: { PATH: bin },
      extendEnv: false,
      reject: false,
    });
    expect(which.exitCode).toBe(1);
    const env = { PATH: bin, HOME: process.env.HOME, BST_TEST_TARBALL: NESTED_TARBALL };
    const run = await runOctave('test_shim_binary', { env, extendEnv: false });
    expectPassed(run);
    console.log(/first-call-seconds: [\d.]+/.exec(run.stdout)?.[0]);
  });

  it('maps every MATLAB and Octave platform name to its file: bin/, then ../dist/bin/, then the bundle', async () => {
    const platforms = join(folder, 'platforms');
    await mkdir(join(platforms, 'matlab', 'bin'), { recursive: true });
    await mkdir(join(platforms, 'dist', 'bin'), { recursive: true });
    await copyFile(`${repoRoot}matlab/bst_containers.m`, join(platforms, 'matlab', 'bst_containers.m'));
    for (const name of ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win-x64.exe'])
      await writeFile(join(platforms, 'matlab', 'bin', `bst-containers-${name}`), '');
    await writeFile(join(platforms, 'dist', 'bin', 'bst-containers-linux-x64'), '');
    expectPassed(
      await runOctave('test_shim_platforms', {
        env: { BST_TEST_FOLDER: platforms },
        paths: ['test/matlab/platform'],
      }),
    );
  });

  it('answers a truncated, a non-executable, an old and a silent bridge with what to do; sets a dropped execute bit', async () => {
    // The first 4 MiB of the binary: a valid ELF header whose segments run past the end of the file.
    const truncated = join(folder, 'truncated');
    const source = await open(BINARY);
    const { buffer } = await source.read(Buffer.alloc(4 * 1024 * 1024), 0, 4 * 1024 * 1024, 0);
    await source.close();
    await script(truncated, buffer);
    // Mode 644 and immutable: even root cannot set its execute bit, as on a read-only volume.
    const locked = join(folder, 'locked');
    await script(locked, `#!/bin/sh\nexec '${BINARY}' "$@"\n`, 0o644);
    await execa('chattr', ['+i', locked]);
    const dropped = join(folder, 'dropped-bit');
    await script(dropped, `#!/bin/sh\nexec '${BINARY}' "$@"\n`, 0o644);
    // Bridges that answer the version request (id 0) as an old release would.
    await script(
      join(folder, 'old-version'),
      '#!/bin/sh\nread line\necho \'{"jsonrpc":"2.0","id":0,"result":{"version":"0.0.9"}}\'\nexec cat >/dev/null\n',
    );
    await script(
      join(folder, 'no-version'),
      '#!/bin/sh\nread line\necho \'{"jsonrpc":"2.0","id":0,"error":{"code":-32601,"message":"Unknown method GetVersion"}}\'\nexec cat >/dev/null\n',
    );
    // Starts, keeps its output open and never answers.
    await script(join(folder, 'silent'), '#!/bin/sh\nexec sleep 600\n');
    expectPassed(await runOctave('test_shim_bad_binaries', { env: { BST_TEST_FOLDER: folder } }));
    expect((await stat(dropped)).mode & 0o111).not.toBe(0);
  });

  it('on macOS signs a binary the system killed for want of a signature, once, and starts it again', async () => {
    const mac = join(folder, 'mac');
    const fakeBin = join(mac, 'bin');
    await mkdir(fakeBin, { recursive: true });
    // Dies by SIGKILL, as Apple silicon kills an unsigned program, until the stand-in codesign ran.
    await script(
      join(mac, 'unsigned'),
      `#!/bin/sh\n[ -e "$0.signed" ] || kill -9 $$\nexec '${BINARY}' "$@"\n`,
    );
    await script(join(mac, 'always-killed'), '#!/bin/sh\nkill -9 $$\n');
    await script(
      join(fakeBin, 'codesign'),
      `#!/bin/sh\necho "$@" >> '${join(mac, 'codesign.log')}'\n[ "$1 $2 $3" = "--sign - --force" ] && touch "$4.signed"\n`,
    );
    const run = await runOctave('test_shim_macos', {
      env: { BST_TEST_FOLDER: mac, PATH: `${fakeBin}${delimiter}${process.env.PATH}` },
      paths: ['test/matlab/platform'],
    });
    expectPassed(run);
    expect(run.stdout).toContain(
      `BST> macOS refused to run ${join(mac, 'unsigned')} (no valid signature): signing it for this Mac (codesign --sign - --force)`,
    );
  });
});
