import { execa, type Options } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { asCaller, BASE_IMAGE, BASE_TARBALL, bridgeCommand } from '../helpers/paths.js';
import { withRemoteEngine } from '../helpers/remote-engine.js';
import { waitUntil } from '../helpers/wait-until.js';

// `bst-containers call` as a shell user and a batch script drive it: with pipes, under a
// pseudo-terminal (`script`), and interrupted; run as the caller (the test user with BST_TEST_USER=1).
const daemon = `bst_call_cli_${process.pid}`;
const tag = `bst-test/call-cli:${process.pid}`;
const WAIT = { timeoutMs: 30_000 };

const callArgv = (...args: string[]) => [...bridgeCommand, 'call', ...args];
/** Runs argv as the caller, with the caller's whole environment, the remote engine's, and `env`. */
const asTheCaller = <O extends Options>(argv: string[], options: O, env: NodeJS.ProcessEnv = {}) => {
  const command = asCaller(argv, withRemoteEngine(env));
  return execa(command.file, command.args, {
    env: command.env,
    extendEnv: false,
    cwd: command.cwd,
    ...options,
  });
};
const call = (...args: string[]) => asTheCaller(callArgv(...args), { reject: false });

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
/** Runs the command on a pseudo-terminal (stdin, stdout and stderr all on it), as in a terminal. */
const onTerminal = (args: string[], options: { stdout?: string } = {}) => {
  const command =
    callArgv(...args)
      .map(quote)
      .join(' ') + (options.stdout ? ` > ${quote(options.stdout)}` : '');
  return asTheCaller(['script', '-qefc', command, '/dev/null'], { reject: false }, { TERM: 'xterm' });
};

describe('bst-containers call', () => {
  const bridge = new BridgeClient();
  const sleepGone = async (marker: string) =>
    !(
      await bridge.call<{ cmdout: string }>('ExecInContainer', { containerName: daemon, cmdStr: 'ps' })
    ).cmdout.includes(marker);

  beforeAll(() =>
    bridge.call('RunContainer', { containerName: daemon, imageSha: BASE_IMAGE, isDaemon: true }),
  );
  afterAll(async () => {
    await bridge.call('StopContainer', { containerName: daemon, isForced: true });
    await bridge.request('RemoveImage', { imageSha: tag });
    await bridge.close();
  });

  it('with pipes: the result alone on stdout, nothing on stderr', async () => {
    const result = await call(
      'ExecInContainer',
      JSON.stringify({ containerName: daemon, cmdStr: 'echo out; echo err >&2' }),
    );
    expect(result).toMatchObject({ exitCode: 0, stdout: '{"cmdout":"out\\nerr\\n"}', stderr: '' });
  });

  it('reads the params from stdin with -, as from a here-document', async () => {
    const result = await asTheCaller(callArgv('ExecInContainer', '-'), {
      input: `{\n  "containerName": "${daemon}",\n  "cmdStr": "echo 'quoted \\"words\\"' $((1 + 2))"\n}\n`,
    });
    expect(JSON.parse(result.stdout)).toEqual({ cmdout: 'quoted "words" 3\n' });
  });

  it('--progress=plain: one line per step of an import, and the live output, on stderr', async () => {
    const result = await call(
      'ImportImage',
      JSON.stringify({ imageSource: BASE_TARBALL, imageTag: tag }),
      '--progress=plain',
    );
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ imageSha: expect.stringMatching(/^sha256:/) });
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^Loading .*base\.tar: 0% 0 B\//);
    expect(lines.at(-1)).toMatch(
      /^Loading .*base\.tar: [^:]+: 100% [\d.]+ [KM]iB\/[\d.]+ [KM]iB [\d.]+ [KMG]?i?B\/s$/,
    );
    expect(result.stderr).not.toContain('\r');
    const exec = await call(
      'ExecInContainer',
      JSON.stringify({ containerName: daemon, cmdStr: 'echo live' }),
      '--progress=plain',
    );
    // execa drops the last newline of each stream.
    expect(exec).toMatchObject({ stdout: '{"cmdout":"live\\n"}', stderr: 'live' });
  });

  it('--quiet: nothing on stderr but an error', async () => {
    const quiet = await call(
      'ExecInContainer',
      JSON.stringify({ containerName: daemon, cmdStr: 'echo x' }),
      '--quiet',
    );
    expect(quiet).toMatchObject({ exitCode: 0, stderr: '' });
    const failed = await call(
      'ExecInContainer',
      JSON.stringify({ containerName: daemon, cmdStr: 'exit 4' }),
      '-q',
    );
    expect(failed).toMatchObject({ exitCode: 1, stdout: '' });
    expect(failed.stderr).toContain('failed with exit code 4');
  });

  it('on a terminal: a progress bar for an import and the live output of a command; the result stays on stdout', async () => {
    const output = `/tmp/bst-call-cli-${process.pid}.json`;
    const imported = await onTerminal(
      ['ImportImage', JSON.stringify({ imageSource: BASE_TARBALL, imageTag: tag })],
      {
        stdout: output,
      },
    );
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toContain('\r\u001b[K[');
    expect(imported.stdout).toMatch(
      /\[#{24}\] Loading .*base\.tar: [^:]+: 100% [\d.]+ [KM]iB\/[\d.]+ [KM]iB [\d.]+ [KMG]?i?B\/s/,
    );
    const { stdout } = await execa('cat', [output]);
    expect(JSON.parse(stdout)).toMatchObject({ imageSha: expect.stringMatching(/^sha256:/) });
    await execa('rm', ['-f', output]);
    const exec = await onTerminal([
      'ExecInContainer',
      JSON.stringify({ containerName: daemon, cmdStr: 'echo live' }),
    ]);
    expect(exec.stdout.replaceAll('\r\n', '\n')).toBe('live\n{"cmdout":"live\\n"}');
  });

  it('Ctrl+C on a terminal cancels the command in the container and exits 130', async () => {
    const command = callArgv(
      'ExecInContainer',
      JSON.stringify({ containerName: daemon, cmdStr: 'echo started; sleep 3021' }),
    )
      .map(quote)
      .join(' ');
    const terminal = asTheCaller(
      ['script', '-qefc', command, '/dev/null'],
      { reject: false },
      { TERM: 'xterm' },
    );
    let seen = '';
    terminal.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    await waitUntil(() => seen.includes('started'), { ...WAIT, what: 'the command started' });
    terminal.stdin?.write('\u0003');
    const result = await terminal;
    expect(result.exitCode).toBe(130);
    expect(result.stdout).toContain('Request cancelled');
    await waitUntil(() => sleepGone('3021'), { ...WAIT, what: 'sleep 3021 gone from the container' });
  });

  it('SIGINT with pipes does the same', async () => {
    const child = asTheCaller(
      callArgv(
        'ExecInContainer',
        JSON.stringify({ containerName: daemon, cmdStr: 'echo started; sleep 3022' }),
        '--progress=plain',
      ),
      { reject: false },
    );
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    await waitUntil(() => seen.includes('started'), { ...WAIT, what: 'the command started' });
    child.kill('SIGINT');
    const result = await child;
    expect(result).toMatchObject({ exitCode: 130, stdout: '' });
    await waitUntil(() => sleepGone('3022'), { ...WAIT, what: 'sleep 3022 gone from the container' });
  });

  it('bad cases: an unknown method, bad params, params that are not JSON, a bad option', async () => {
    const unknown = await call('NoSuchMethod');
    expect(unknown).toMatchObject({ exitCode: 1, stdout: '' });
    expect(unknown.stderr).toContain('Unknown method NoSuchMethod. Methods: GetEngine');
    const bad = await call('GetContainerInfo', '{"containerName":"bad name"}');
    expect(bad).toMatchObject({ exitCode: 1, stdout: '' });
    expect(bad.stderr).toContain('Invalid params for GetContainerInfo: containerName must match');
    const notJson = await call('GetImages', '{oops');
    expect(notJson).toMatchObject({ exitCode: 1, stdout: '' });
    expect(notJson.stderr).toContain('The params are not JSON');
    const option = await call('GetImages', '--progress=fancy');
    expect(option).toMatchObject({ exitCode: 2 });
    expect(option.stderr).toContain('--progress takes auto, plain or quiet, not fancy');
  });
});
