import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIVE_UP_MS } from '../../helpers/margins.js';
import { bundlePath, repoRoot, runtimeDir } from '../../helpers/paths.js';
import { waitUntil } from '../../helpers/wait-until.js';

const QEMU = '/usr/bin/qemu-aarch64';
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
// The loader itself: /usr/bin/wine is a shell script that picks it.
const WINE = '/usr/lib/wine/wine64';
const WINESERVER = '/usr/lib/wine/wineserver';
const WINE_PREFIX = join(runtimeDir, 'wine-prefix');

/** Wine's first start builds a whole Windows tree; later ones still start a wineserver. */
const WINE_GIVE_UP_MS = 240_000;

const VERSION = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

// What the native bundle answers to SMOKE_LINES where no engine can be found (taken from
// `node dist/bst-containers.js` once, written here by hand): an emulated build must answer the same.
const SMOKE_LINES = [
  '{"jsonrpc":"2.0","id":1,"method":"DeleteEverything","params":{}}',
  'hello',
  '{"jsonrpc":"2.0","id":2,"method":"GetEngine","params":{}}',
];
const SMOKE_ANSWERS = [
  '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error: Unexpected token \'h\', \\"hello\\" is not valid JSON"}}',
  '{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Unknown method DeleteEverything. Methods: GetEngine, GetImages, ImportImage, RunContainer, ExecInContainer, GetContainerInfo, StopContainer, RemoveImage, GetOnlineManifest, Prune, GetVersion, rpc.discover"}}',
  '{"jsonrpc":"2.0","id":2,"error":{"code":-32001,"message":"No valid container engine was found. Install Docker (https://docs.docker.com/get-docker/) or Podman (https://podman.io) and start it; on a cluster, `module load apptainer`."}}',
];

/** Answers in any order: a parse error is answered as the line is read, calls once they finish. */
const sorted = (lines: string[]) => [...lines].sort();

const binary = (name: string) => {
  const path = join(repoRoot, 'dist/bin', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run dist\` first`);
  return path;
};

const tool = (path: string) => {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`bash scripts/install-packages.sh\``);
  return path;
};

interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

describe.each([
  { platform: 'linux-arm64', file: 'bst-containers-linux-arm64', under: 'qemu-user' },
  { platform: 'win-x64', file: 'bst-containers-win-x64.exe', under: 'Wine' },
])('the $platform executable under $under', ({ platform, file, under }) => {
  const isWine = under === 'Wine';
  let program: string;
  let prefixArgs: string[];
  let folder: string;
  let emptyFolder: string;
  let nativeHelp: string;

  /**
   * Only what the process is given: no engine variable of the test's machine leaks in, and every
   * place discovery looks is empty (an empty PATH folder, sockets or pipes that do not exist).
   * Windows discovery takes DOCKER_HOST and CONTAINER_HOST as npipe:// addresses.
   */
  const env = (): Record<string, string> => {
    const nowhere: Record<string, string> = isWine
      ? {
          DOCKER_HOST: 'npipe:////./pipe/bst-containers-no-docker',
          CONTAINER_HOST: 'npipe:////./pipe/bst-containers-no-podman',
        }
      : {
          DOCKER_HOST: `unix://${folder}/missing/docker.sock`,
          CONTAINER_HOST: `unix://${folder}/missing/podman.sock`,
        };
    const wine: Record<string, string> = isWine
      ? {
          WINEPREFIX: WINE_PREFIX,
          WINELOADER: WINE,
          // Quiet: no debug channels, and no offer to install Mono or Gecko (a dialog, and no DISPLAY).
          WINEDEBUG: '-all',
          WINEDLLOVERRIDES: 'mscoree,mshtml=',
        }
      : {};
    return { PATH: emptyFolder, ...nowhere, ...wine };
  };

  const command = (args: string[]): [string, string[]] => [program, [...prefixArgs, ...args]];

  /**
   * Wine's Node cannot use pipes or sockets as its stdio (libuv's uv_pipe_open fails with EBADF on
   * the handles Wine makes of them), so under Wine stdin is read from a file and stdout and stderr
   * are written to files; under qemu-user they are pipes.
   */
  const run = async (args: string[], input?: string): Promise<Outcome> => {
    const [file, argv] = command(args);
    const options = { env: env(), extendEnv: false, reject: false, timeout: WINE_GIVE_UP_MS } as const;
    if (!isWine) {
      const result = await execa(file, argv, { ...options, input: input ?? '', stripFinalNewline: false });
      return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
    }
    const stdinFile = join(folder, 'stdin');
    await writeFile(stdinFile, input ?? '');
    // Descriptors, not execa's { file } targets: those are relayed through pipes.
    const stdin = await open(stdinFile, 'r');
    const stdout = await open(join(folder, 'stdout'), 'w+');
    const stderr = await open(join(folder, 'stderr'), 'w+');
    try {
      // node's spawn, not execa: execa's types take no descriptor above 9 for stdin.
      const child = spawn(file, argv, {
        env: env(),
        stdio: [stdin.fd, stdout.fd, stderr.fd],
        timeout: WINE_GIVE_UP_MS,
      });
      const [exitCode] = (await once(child, 'exit')) as [number | null];
      return {
        stdout: await readFile(join(folder, 'stdout'), 'utf8'),
        stderr: await readFile(join(folder, 'stderr'), 'utf8'),
        exitCode: exitCode ?? undefined,
      };
    } finally {
      await Promise.all([stdin.close(), stdout.close(), stderr.close()]);
    }
  };

  beforeAll(async () => {
    const executable = binary(file);
    program = tool(isWine ? WINE : QEMU);
    prefixArgs = isWine ? [executable] : ['-L', ARM64_SYSROOT, executable];
    await mkdir(runtimeDir, { recursive: true });
    folder = await mkdtemp(join(runtimeDir, `foreign-${platform}-`));
    emptyFolder = join(folder, 'empty-path');
    await mkdir(emptyFolder);
    nativeHelp = (await execa(process.execPath, [bundlePath, '--help'], { stripFinalNewline: false })).stdout;
    if (isWine) {
      // Wine 8 makes Windows 7 prefixes, and Node 22 refuses to start below Windows 8.1. This
      // also makes the prefix on the first run; idempotent afterwards.
      const made = await execa(WINE, ['winecfg', '/v', 'win10'], {
        env: env(),
        extendEnv: false,
        reject: false,
        timeout: WINE_GIVE_UP_MS,
      });
      if (made.exitCode !== 0) throw new Error(`winecfg /v win10 failed: ${made.stderr}`);
    }
  }, WINE_GIVE_UP_MS + GIVE_UP_MS);

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
    // The prefix's wineserver outlives the last Windows process by a few seconds: end it now.
    if (isWine && existsSync(WINESERVER)) {
      await execa(WINESERVER, ['-k'], { env: env(), extendEnv: false, reject: false });
    }
  });

  it('--version prints the version of package.json and a newline', async () => {
    expect(await run(['--version'])).toEqual({ stdout: `${VERSION}\n`, stderr: '', exitCode: 0 });
  });

  it('--help prints what the bundle it was built from prints', async () => {
    // Two empty outputs would be equal too.
    expect(nativeHelp.startsWith(`bst-containers ${VERSION}: JSON-RPC 2.0 bridge`)).toBe(true);
    expect(await run(['--help'])).toEqual({ stdout: nativeHelp, stderr: '', exitCode: 0 });
  });

  it('serves JSON-RPC: a bad line, an unknown method and GetEngine with no engine, then exits 0 once stdin ends', async () => {
    const input = `${SMOKE_LINES.join('\n')}\n`;
    if (isWine) {
      // The file ends at once: the calls in flight must answer within the bridge's drain time.
      const outcome = await run([], input);
      expect(outcome.stderr).toBe('');
      expect(outcome.exitCode).toBe(0);
      expect(outcome.stdout.endsWith('\n')).toBe(true);
      expect(sorted(outcome.stdout.slice(0, -1).split('\n'))).toEqual(sorted(SMOKE_ANSWERS));
      return;
    }
    const [file, argv] = command([]);
    const bridge = execa(file, argv, {
      env: env(),
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      timeout: GIVE_UP_MS,
    });
    let stdout = '';
    bridge.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    bridge.stdin.write(input);
    // Closing stdin cancels calls still running after a short drain: close it once all are answered.
    await waitUntil(() => stdout.split('\n').length > SMOKE_ANSWERS.length, {
      timeoutMs: GIVE_UP_MS,
      what: `${SMOKE_ANSWERS.length} answers from the ${platform} bridge`,
    });
    bridge.stdin.end();
    const result = await bridge;
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(sorted(stdout.slice(0, -1).split('\n'))).toEqual(sorted(SMOKE_ANSWERS));
  });
});
