import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ClientModule from '../../clients/typescript/client.js';
import { asCaller, BASE_IMAGE, bridgeCommand, REGISTRY_IMAGE, repoRoot, shimRoot } from '../helpers/paths.js';
import { withRemoteEngine } from '../helpers/remote-engine.js';
import { waitUntil } from '../helpers/wait-until.js';

// The built client, as a package user imports it (`bst-containers/client`), against the bridge
// these suites start, as the caller starts it, and the engine of this run.
const clientFile = `${repoRoot}dist/client.js`;
const { connectBridge, BstContainersError, BridgeNotFoundError, BridgeStoppedError } = (await import(
  clientFile
)) as typeof ClientModule;
const fake = (script: string) => [process.execPath, '-e', script];
/** The bridge as the caller starts it (the test user with BST_TEST_USER=1). */
const callersBridge = () => {
  const { file, args, env } = asCaller(bridgeCommand, withRemoteEngine());
  return { command: [file, ...args], env };
};
const ENGINE = process.env.BST_CONTAINERS_ENGINE ?? 'docker';

describe('the TypeScript client (bst-containers/client)', () => {
  let bridge: ClientModule.BridgeClient;
  const daemon = `bst_ts_daemon_${process.pid}`;

  beforeAll(async () => {
    bridge = await connectBridge(callersBridge());
    await bridge.call('RunContainer', { containerName: daemon, imageSha: BASE_IMAGE, isDaemon: true });
  });
  afterAll(async () => {
    await bridge.call('StopContainer', { containerName: daemon, isForced: true });
    await bridge.close();
  });

  const sleepGone = async (marker: string) =>
    !(await bridge.call('ExecInContainer', { containerName: daemon, cmdStr: 'ps' })).cmdout.includes(marker);

  it('runs the plugin lifecycle with progress and live output', async () => {
    expect((await bridge.call('GetEngine')).engineName).toBe(ENGINE);
    const progress: ClientModule.ProgressValue[] = [];
    const tag = `bst-test/ts-client:${process.pid}`;
    const { imageSha } = await bridge.call(
      'ImportImage',
      { imageSource: REGISTRY_IMAGE, imageTag: tag },
      { onProgress: (value) => progress.push(value) },
    );
    expect(imageSha).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect([progress[0]?.kind, progress.at(-1)?.kind]).toEqual(['begin', 'end']);
    expect((await bridge.call('GetImages')).imageList.map((row) => row[0])).toContain(tag);
    const name = `bst_ts_lifecycle_${process.pid}`;
    await bridge.call('RunContainer', {
      containerName: name,
      imageSha,
      isDaemon: 1,
      volumes: [['/tmp', '/in']],
    });
    const info = (await bridge.call('GetContainerInfo', { containerName: name })).containerInfo;
    expect(info).toMatchObject({ isRunning: true, volumes: [['/tmp', '/in']] });
    const output: string[] = [];
    const result = await bridge.call(
      'ExecInContainer',
      { containerName: name, cmdStr: 'echo one; echo two >&2' },
      { onOutput: (_stream, text) => output.push(text) },
    );
    expect(result.cmdout).toBe('one\ntwo\n');
    expect(output.join('')).toBe('one\ntwo\n');
    await bridge.call('StopContainer', { containerName: name, isForced: true });
    await bridge.call('RemoveImage', { imageSha: tag });
  });

  it('throws the code, message and data of an error', async () => {
    const failure = await bridge
      .call('ExecInContainer', { containerName: daemon, cmdStr: 'echo out; exit 3' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BstContainersError);
    expect(failure).toMatchObject({ code: -32020, data: { exitCode: 3, output: 'out\n' } });
  });

  it('takes several calls in flight', async () => {
    const answers = await Promise.all(
      [5, 4, 3, 2, 1].map((n) =>
        bridge.call('ExecInContainer', { containerName: daemon, cmdStr: `sleep 0.${n}; echo ${n}` }),
      ),
    );
    expect(answers.map((answer) => answer.cmdout)).toEqual(['5\n', '4\n', '3\n', '2\n', '1\n']);
  });

  it('an AbortSignal cancels a running exec: the process is gone from the container', async () => {
    const abort = new AbortController();
    const failure = await bridge
      .call(
        'ExecInContainer',
        { containerName: daemon, cmdStr: 'echo started; sleep 3011' },
        { signal: abort.signal, onOutput: (_stream, text) => text.includes('started') && abort.abort() },
      )
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: -32800 });
    await waitUntil(() => sleepGone('3011'), {
      timeoutMs: 30_000,
      what: 'sleep 3011 gone from the container',
    });
  });

  it('the bridge killed mid-call is a clear error, and so is every later call', async () => {
    const doomed = await connectBridge(callersBridge());
    const failure = await doomed
      .call(
        'ExecInContainer',
        { containerName: daemon, cmdStr: 'echo started; sleep 3012' },
        { onOutput: (_stream, text) => text.includes('started') && doomed.process.kill('SIGKILL') },
      )
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BridgeStoppedError);
    expect((failure as Error).message).toContain('was killed by SIGKILL before it answered');
    await expect(doomed.call('GetVersion')).rejects.toBe(failure);
    await doomed.close();
  });

  it('an unknown method and bad params: the bridge says what is wrong', async () => {
    await expect(bridge.call('NoSuchMethod' as never)).rejects.toMatchObject({
      code: -32601,
      message: expect.stringContaining('Unknown method NoSuchMethod. Methods: GetEngine'),
    });
    await expect(
      bridge.call('ExecInContainer', { containerName: 'bad name', cmdStr: 'ls' }),
    ).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('containerName must match'),
    });
  });

  it('a bridge that is not found, exits at start, or writes a line that is not JSON', async () => {
    await expect(connectBridge({ command: ['/nonexistent/bst-containers'] })).rejects.toBeInstanceOf(
      BridgeNotFoundError,
    );
    const exits = await connectBridge({
      command: fake("process.stderr.write('bst-containers needs Node.js 22.19\\n'); process.exit(3)"),
    });
    await expect(exits.call('GetVersion')).rejects.toThrow(
      /exited with code 3 before it answered\. It said: bst-containers needs Node\.js 22\.19/,
    );
    await exits.close();
    const garbled = await connectBridge({
      command: fake("console.log('Welcome to the bridge!'); process.stdin.resume()"),
    });
    await expect(garbled.call('GetVersion')).rejects.toThrow(
      /wrote a line that is not JSON-RPC 2\.0 on its stdout: "Welcome to the bridge!"/,
    );
    await garbled.close();
  });

  it('runs on a Node older than the bridge needs, and loads no undici or zod', async () => {
    const script = `import { connectBridge } from ${JSON.stringify(`${shimRoot}dist/client.js`)};
      const bridge = await connectBridge({ command: ${JSON.stringify(bridgeCommand)} });
      const { version } = await bridge.call('GetVersion');
      await bridge.close();
      console.log(process.versions.node.split('.')[0], version);`;
    const olderNode = asCaller(['/usr/bin/node', '--input-type=module', '-e', script], withRemoteEngine());
    const older = await execa(olderNode.file, olderNode.args, {
      env: olderNode.env,
      extendEnv: false,
      cwd: olderNode.cwd,
    });
    const [major, version] = older.stdout.split(' ');
    expect(Number(major)).toBeLessThan(22);
    expect(version).toBe(JSON.parse(await readFile(`${repoRoot}package.json`, 'utf8')).version);
    const built = await readFile(clientFile, 'utf8');
    expect(built).not.toMatch(/undici|from "zod"|require\("zod"\)/);
  });
});
