import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { useDaemonContainer } from '../helpers/daemon-container.js';
import { engineCli } from '../helpers/engine-cli.js';
import { BASE_IMAGE } from '../helpers/paths.js';

const CONTAINER = 'bst_injection-test';

describe('hostile parameters', () => {
  let bridge: BridgeClient;
  let canaryDir: string;
  let canary: string;

  useDaemonContainer(CONTAINER);

  beforeAll(async () => {
    canaryDir = await mkdtemp(join(tmpdir(), 'bst-canary-'));
    canary = join(canaryDir, 'touched');
    bridge = new BridgeClient();
  });

  afterAll(async () => {
    await bridge.close();
    await rm(canaryDir, { recursive: true, force: true });
  });

  const payloads = (file: string) => [
    `x; touch ${file}`,
    `x | touch ${file}`,
    `x && touch ${file}`,
    `$(touch ${file})`,
    `\`touch ${file}\``,
    `x\ntouch ${file}`,
    `x' ; touch ${file} ; '`,
    `x" ; touch ${file} ; "`,
    '../../etc/passwd',
    '--privileged',
    '-v /:/host',
  ];

  it('rejects every payload in every name, reference, tag and path parameter with -32602 naming it', async () => {
    const calls = (payload: string): [string, Record<string, unknown>, string][] => [
      ['GetContainerInfo', { containerName: payload }, 'containerName'],
      ['StopContainer', { containerName: payload }, 'containerName'],
      ['ExecInContainer', { containerName: payload, cmdStr: 'true' }, 'containerName'],
      ['RunContainer', { containerName: payload, imageSha: BASE_IMAGE }, 'containerName'],
      ['RunContainer', { containerName: 'bst_ok', imageSha: payload }, 'imageSha'],
      [
        'RunContainer',
        { containerName: 'bst_ok', imageSha: BASE_IMAGE, volumes: [[payload, '/data']] },
        'volumes.0.0',
      ],
      [
        'RunContainer',
        { containerName: 'bst_ok', imageSha: BASE_IMAGE, volumes: [['/tmp', payload]] },
        'volumes.0.1',
      ],
      ['ImportImage', { imageSource: payload }, 'imageSource'],
      ['ImportImage', { imageSource: BASE_IMAGE, imageTag: payload }, 'imageTag'],
      ['RemoveImage', { imageSha: payload }, 'imageSha'],
      ['GetOnlineManifest', { imageSource: payload }, 'imageSource'],
    ];
    for (const payload of payloads(canary)) {
      for (const [method, params, parameter] of calls(payload)) {
        const response = await bridge.request(method, params);
        expect(response.error?.code, `${method} ${JSON.stringify(params)}`).toBe(-32602);
        expect(response.error?.message).toMatch(new RegExp(`^Invalid params for ${method}: ${parameter} `));
      }
    }
    expect(existsSync(canary)).toBe(false);
  });

  it('runs cmdStr inside the container only: the host is untouched', async () => {
    await engineCli('exec', CONTAINER, 'mkdir', '-p', canaryDir);
    const notFound = (what: string) => ({
      code: -32020,
      message: `Command failed with exit code 127 in container ${CONTAINER}: sh: ${what}: not found`,
      data: { exitCode: 127, output: `sh: ${what}: not found\n` },
    });
    const quoted = notFound(`x ; touch ${canary} ; `);
    // What sh answers for each payload, as a command inside the container.
    const answers = [
      { result: { cmdout: 'sh: x: not found\n' } },
      { result: { cmdout: 'sh: x: not found\n' } },
      { error: notFound('x') },
      { result: { cmdout: '' } },
      { result: { cmdout: '' } },
      { result: { cmdout: 'sh: x: not found\n' } },
      { error: quoted },
      { error: quoted },
      { error: notFound('../../etc/passwd') },
      // `sh -c -- CMDSTR`: one that starts with `-` is a command like any other, not sh's option.
      { error: notFound('--privileged') },
      { error: notFound('-v') },
    ];
    for (const [index, payload] of payloads(canary).entries()) {
      const response = await bridge.request('ExecInContainer', { containerName: CONTAINER, cmdStr: payload });
      expect(response, payload).toEqual({ jsonrpc: '2.0', id: expect.any(Number), ...answers[index] });
    }
    expect(existsSync(canary)).toBe(false);
    // The same path inside the container was written: the payloads ran there, as commands should.
    expect(await engineCli('exec', CONTAINER, 'ls', canary)).toBe(canary);
  });

  it('passes container arguments as data', async () => {
    const { cmdout } = await bridge.call<{ cmdout: string }>('RunContainer', {
      containerName: 'bst_injection-args',
      imageSha: BASE_IMAGE,
      containerArgs: ['--privileged', '-v', '/:/host', `$(touch ${canary})`],
    });
    expect(cmdout).toBe(`entrypoint-ran --privileged -v /:/host $(touch ${canary})\n`);
    expect(existsSync(canary)).toBe(false);
  });
});
