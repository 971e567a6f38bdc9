import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { imageIdOf } from '../helpers/engine-cli.js';
import { HOST_APPTAINER } from '../helpers/host.js';
import { EXIT_WITHIN_MS, GIVE_UP_MS, MARGIN_MS } from '../helpers/margins.js';
import { BASE_IMAGE, binaryPath, bridgeArgv } from '../helpers/paths.js';
import { waitUntil } from '../helpers/wait-until.js';

const run = promisify(execFile);
const DOCKER = { engineName: 'docker', location: 'unix:///var/run/docker.sock' };

/** The next line the bridge answers with `id: null` (lines it could not read). */
const nextNullIdReply = (bridge: BridgeClient, send: () => void) => {
  const before = bridge.unmatched.length;
  send();
  return waitUntil(() => bridge.unmatched[before], { timeoutMs: GIVE_UP_MS, what: 'an answer with id null' });
};

/** The row GetImages must list for the base image. */
const baseRow = async () => [BASE_IMAGE, await imageIdOf(BASE_IMAGE), '<none>'];

describe('JSON-RPC 2.0 over stdio', () => {
  let bridge: BridgeClient;

  beforeAll(() => {
    bridge = new BridgeClient();
  });

  afterAll(async () => {
    await bridge.close();
  });

  it('runs the program BST_TEST_BRIDGE names: the single executable, else the pinned Node', () => {
    const program = readlinkSync(`/proc/${bridge.child.pid}/exe`);
    expect(program).toBe(process.env.BST_TEST_BRIDGE === 'binary' ? binaryPath : process.execPath);
  });

  it.each([
    ['not JSON', 'hello', -32700],
    ['truncated JSON', '{"jsonrpc":"2.0","id":1,"method":"GetEngine"', -32700],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), -32700],
    ['an empty batch', '[]', -32600],
    ['a batch', '[{"jsonrpc":"2.0","id":1,"method":"GetEngine"}]', -32600],
    ['a bare number', '42', -32600],
    ['no method', '{"jsonrpc":"2.0","id":null}', -32600],
    ['an id that is an object', '{"jsonrpc":"2.0","id":{},"method":"GetEngine"}', -32600],
  ])('answers %s with an error and id null', async (_name, line, code) => {
    const reply = await nextNullIdReply(bridge, () => bridge.sendLine(line));
    expect(reply).toMatchObject({ jsonrpc: '2.0', id: null, error: { code } });
  });

  it('answers a wrong jsonrpc version, a non-string method and scalar params with -32600 and the id', async () => {
    bridge.sendLine('{"jsonrpc":"1.0","id":"v","method":"GetEngine"}');
    expect((await bridge.waitFor('v')).error?.code).toBe(-32600);
    bridge.sendLine('{"jsonrpc":"2.0","id":"m","method":5}');
    expect((await bridge.waitFor('m')).error?.code).toBe(-32600);
    bridge.sendLine('{"jsonrpc":"2.0","id":"p","method":"GetEngine","params":"docker"}');
    expect((await bridge.waitFor('p')).error?.code).toBe(-32600);
  });

  it('answers an unknown method with -32601 naming the methods', async () => {
    const response = await bridge.request('DeleteEverything', {});
    expect(response.error?.code).toBe(-32601);
    expect(response.error?.message).toContain('GetContainerInfo');
  });

  it.each([
    ['GetContainerInfo', {}, 'containerName is required'],
    ['GetContainerInfo', { containerName: 42 }, 'containerName'],
    ['GetContainerInfo', { containerName: 'ok', extra: 1 }, 'unknown parameter "extra"'],
    ['ImportImage', { imageSource: 'not a reference!' }, 'imageSource'],
    ['ImportImage', { imageSource: 'localhost:5000/x:1', imageTag: 'UPPER' }, 'imageTag'],
    [
      'RunContainer',
      { containerName: 'c', imageSha: 'busybox', volumes: [['relative/path', '/data']] },
      'volumes',
    ],
    ['RunContainer', { containerName: 'c', imageSha: 'busybox', volumes: [['/tmp', 'data']] }, 'volumes'],
    ['RunContainer', { containerName: 'c', imageSha: 'busybox', isDaemon: 'yes' }, 'isDaemon'],
    ['ExecInContainer', { containerName: 'c', cmdStr: '' }, 'cmdStr'],
    ['StopContainer', { containerName: 'c', isForced: 2 }, 'isForced'],
    ['RemoveImage', { imageSha: '' }, 'imageSha'],
    ['GetOnlineManifest', { imageSource: 'http://example.org/x.tar' }, 'imageSource'],
    ['GetEngine', { engineName: 'lxc' }, 'engineName'],
    ['GetImages', { engine: 'rkt' }, 'engine'],
    ['GetImages', ['unexpected'], 'at most 0 params by position'],
  ])('answers bad params of %s with -32602 naming the parameter', async (method, params, words) => {
    const response = await bridge.request(method, params);
    expect(response.error?.code).toBe(-32602);
    expect(response.error?.message).toContain(method);
    expect(response.error?.message).toContain(words);
  });

  it('leaves notifications unanswered, including unknown ones', async () => {
    const before = bridge.unmatched.length;
    bridge.send({ jsonrpc: '2.0', method: 'SomethingElse', params: {} });
    bridge.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 'nothing' } });
    // Lines are answered in order: an answer to either notification would come before this one.
    const response = await bridge.request('GetEngine', {}, 'after-notifications');
    expect(response.result).toEqual(DOCKER);
    expect(bridge.unmatched.slice(before)).toEqual([]);
  });

  it('takes params by position, in the MATLAB argument order', async () => {
    const response = await bridge.request('GetEngine', ['docker']);
    expect(response.result).toEqual(DOCKER);
  });

  if (HOST_APPTAINER) {
    it(`finds Apptainer when it is asked for by name (this host has ${HOST_APPTAINER})`, async () => {
      const response = await bridge.request('GetEngine', { engineName: 'apptainer' });
      expect(response.result).toEqual({ engineName: 'apptainer', location: HOST_APPTAINER });
    });
  } else {
    it('says when a named engine is not installed, and how to get it (this host has no Apptainer)', async () => {
      const response = await bridge.request('GetEngine', { engineName: 'apptainer' });
      expect(response.error).toMatchObject({
        code: -32001,
        message:
          'Container engine apptainer was not found. On a cluster, load it first (`module load apptainer`).',
      });
    });
  }

  it('answers a line past the size limit with -32600 and goes on serving', async () => {
    const reply = await nextNullIdReply(bridge, () => bridge.sendLine(`"${'x'.repeat(70 * 1024 * 1024)}"`));
    expect(reply.error?.code).toBe(-32600);
    expect(reply.error?.message).toContain('longer than the limit');
    expect((await bridge.request('GetEngine')).result).toEqual(DOCKER);
  });

  it('answers requests in flight together, each under its own id', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => `concurrent-${index}`);
    const responses = await Promise.all(
      ids.map((id, index) => bridge.request(index % 2 ? 'GetImages' : 'GetEngine', {}, id)),
    );
    const row = await baseRow();
    responses.forEach((response, index) => {
      expect(response.id).toBe(ids[index]);
      if (index % 2) expect((response.result as { imageList: string[][] }).imageList).toContainEqual(row);
      else expect(response.result).toEqual(DOCKER);
    });
  });
});

describe('process', () => {
  it("ignores SIGINT while serving (a Ctrl+C in the client's terminal reaches it too) and answers on", async () => {
    const bridge = new BridgeClient();
    expect(await bridge.call('GetEngine')).toEqual(DOCKER);
    bridge.child.kill('SIGINT');
    expect(await bridge.call('GetEngine')).toEqual(DOCKER);
    expect(bridge.child.exitCode).toBeNull();
    await bridge.close();
  });

  it('answers what was sent, then exits within 1 s when stdin closes, leaving no child', async () => {
    const bridge = new BridgeClient();
    const row = await baseRow();
    // A running bridge (its start is the cold start, measured by the benchmark, not here).
    expect(await bridge.call('GetEngine')).toEqual(DOCKER);
    const answered = bridge.request('GetImages');
    bridge.child.stdin?.end();
    const closed = performance.now();
    expect((await answered).result?.imageList).toContainEqual(row);
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - closed).toBeLessThan(EXIT_WITHIN_MS + MARGIN_MS);
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(bridge.child.pid)]).catch(() => ({
      stdout: '',
    }));
    expect(stdout.trim()).toBe('');
  });

  it('writes logs to stderr only with --verbose', async () => {
    const bridge = new BridgeClient({ args: ['--verbose'] });
    bridge.send({ jsonrpc: '2.0', method: 'SomethingElse' });
    expect(await bridge.call('GetEngine')).toEqual(DOCKER);
    await bridge.close();
    expect(bridge.stderr).toContain('SomethingElse');
    expect(bridge.strayLines).toEqual([]);
  });
});

describe('command line', () => {
  it('prints the version and a help text built from the schemas', async () => {
    const { stdout: version } = await run(...bridgeArgv('--version'));
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const { stdout: help } = await run(...bridgeArgv('--help'));
    expect(help).toContain('ImportImage');
    expect(help).toContain('imageTag?');
  });

  it('runs one call and prints its result as JSON', async () => {
    const { stdout } = await run(...bridgeArgv('call', 'GetEngine', '{"engineName":"docker"}'));
    expect(JSON.parse(stdout)).toEqual(DOCKER);
  });

  it('exits 1 with the message on error', async () => {
    const failure = await run(
      ...bridgeArgv('call', 'GetContainerInfo', '{"containerName":"--privileged"}'),
    ).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toContain('containerName');
  });
});
