import { existsSync, readFileSync } from 'node:fs';
import { copyFile, lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnlyOffline } from '../../helpers/namespaces.js';
import { repoRoot } from '../../helpers/paths.js';
import { waitUntil } from '../../helpers/wait-until.js';
import { binFolder, requireBuilt, VERSION } from './dist-files.js';

const BINARY = 'bst-containers-linux-x64';
/** `--help` as built from the schemas: update it when a method or parameter changes. */
const HELP = readFileSync(`${repoRoot}test/fixtures/binaries/help.txt`, 'utf8');

let folder = '';
let cwd = '';
let home = '';
let temp = '';

/** Every entry under `path` with what a write would change: size, mode, mtime. */
const listing = async (path: string): Promise<string[]> => {
  const entries = await readdir(path, { recursive: true });
  return Promise.all(
    entries.sort().map(async (entry) => {
      const stats = await lstat(join(path, entry));
      return `${entry} ${stats.size} ${stats.mode.toString(8)} ${stats.mtimeMs} ${stats.ctimeMs}`;
    }),
  );
};

/** The copied binary alone, read-only, offline, from an unrelated folder, with an empty HOME. */
const isolated = (args: string[], input?: string) => {
  const [command, ...rest] = [...readOnlyOffline(folder, cwd), join(folder, BINARY), ...args];
  return execa(command as string, rest, {
    // Nothing inherited: no PATH to find an engine's CLI or a node, an empty HOME and temp folder.
    env: { HOME: home, PATH: '/nonexistent', TMPDIR: temp },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
    ...(input === undefined ? {} : { input }),
  });
};

let before: string[] = [];

beforeAll(async () => {
  const built = requireBuilt(join(binFolder, BINARY));
  folder = await mkdtemp(join(tmpdir(), 'bst-binary-'));
  cwd = await mkdtemp(join(tmpdir(), 'bst-elsewhere-'));
  home = await mkdtemp(join(tmpdir(), 'bst-home-'));
  temp = await mkdtemp(join(tmpdir(), 'bst-temp-'));
  await copyFile(built, join(folder, BINARY));
  before = await listing(folder);
});

afterAll(async () => {
  for (const path of [folder, cwd, home, temp]) if (path) await rm(path, { recursive: true, force: true });
});

describe('the linux-x64 binary alone, in a read-only folder, offline', () => {
  it('finds no node_modules in or above its folder or the current one', () => {
    for (const start of [folder, cwd]) {
      for (let path = start; ; path = dirname(path)) {
        expect(existsSync(join(path, 'node_modules')), join(path, 'node_modules')).toBe(false);
        if (path === parse(path).root) break;
      }
    }
  });

  it('runs in a folder that cannot be written to', async () => {
    const probe = await execa(readOnlyOffline(folder, cwd)[0] as string, [
      ...readOnlyOffline(folder, cwd).slice(1),
      '/usr/bin/touch',
      join(folder, 'probe'),
    ]).catch((error: { exitCode: number; stderr: string }) => error);
    expect(probe.exitCode).toBe(1);
    expect(probe.stderr).toBe(
      `/usr/bin/touch: cannot touch '${join(folder, 'probe')}': Read-only file system`,
    );
  });

  it('prints its version', async () => {
    const result = await isolated(['--version']);
    expect({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }).toEqual({
      exitCode: 0,
      stdout: VERSION,
      stderr: '',
    });
  });

  it('prints its help', async () => {
    const result = await isolated(['--help'], '');
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(`${result.stdout}\n`).toBe(HELP);
  });

  it('answers JSON-RPC: an unknown method, and GetEngine with no engine to reach', async () => {
    const [command, ...rest] = [...readOnlyOffline(folder, cwd), join(folder, BINARY)];
    const bridge = execa(command as string, rest, {
      env: { HOME: home, PATH: '/nonexistent', TMPDIR: temp },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
      stdin: 'pipe',
    });
    let stdout = '';
    bridge.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    bridge.stdin?.write(
      '{"jsonrpc":"2.0","id":1,"method":"Nope"}\n{"jsonrpc":"2.0","id":2,"method":"GetEngine","params":{}}\n',
    );
    // The bridge ends calls in flight when its stdin closes: close it once both are answered.
    await waitUntil(() => stdout.split('\n').length === 3, { timeoutMs: 30_000, what: 'two answers' });
    bridge.stdin?.end();
    const result = await bridge;
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const answers = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number })
      .sort((a, b) => a.id - b.id);
    expect(answers).toEqual([
      {
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: -32601,
          message:
            'Unknown method Nope. Methods: GetEngine, GetImages, ImportImage, RunContainer, ExecInContainer, GetContainerInfo, StopContainer, RemoveImage, GetOnlineManifest, Prune, GetVersion, rpc.discover',
        },
      },
      {
        jsonrpc: '2.0',
        id: 2,
        error: {
          code: -32001,
          message:
            'No valid container engine was found. Install Docker (https://docs.docker.com/get-docker/) or Podman (https://podman.io) and start it; on a cluster, `module load apptainer`.',
        },
      },
    ]);
  });

  it('wrote nothing to its folder, its HOME or its temp folder', async () => {
    expect(await listing(folder)).toEqual(before);
    expect(await readdir(home)).toEqual([]);
    expect(await readdir(temp)).toEqual([]);
  });
});
