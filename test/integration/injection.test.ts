import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { engineCli, removeContainer } from '../helpers/engine-cli.js';
import { BASE_IMAGE } from '../helpers/paths.js';

const CONTAINER = 'bst_injection-test';

describe('hostile parameters', () => {
  let bridge: BridgeClient;
  let canaryDir: string;
  let canary: string;

  beforeAll(async () => {
    canaryDir = await mkdtemp(join(tmpdir(), 'bst-canary-'));
    canary = join(canaryDir, 'touched');
    await removeContainer(CONTAINER);
    bridge = new BridgeClient();
    await bridge.call('RunContainer', { containerName: CONTAINER, imageSha: BASE_IMAGE, isDaemon: true });
  });

  afterAll(async () => {
    await bridge.close();
    await removeContainer(CONTAINER);
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

  it('rejects every payload in every name, reference, tag and path parameter with -32602', async () => {
    const calls = (payload: string): [string, Record<string, unknown>][] => [
      ['GetContainerInfo', { containerName: payload }],
      ['StopContainer', { containerName: payload }],
      ['ExecInContainer', { containerName: payload, cmdStr: 'true' }],
      ['RunContainer', { containerName: payload, imageSha: BASE_IMAGE }],
      ['RunContainer', { containerName: 'bst_ok', imageSha: payload }],
      ['RunContainer', { containerName: 'bst_ok', imageSha: BASE_IMAGE, volumes: [[payload, '/data']] }],
      ['RunContainer', { containerName: 'bst_ok', imageSha: BASE_IMAGE, volumes: [['/tmp', payload]] }],
      ['ImportImage', { imageSource: payload }],
      ['ImportImage', { imageSource: BASE_IMAGE, imageTag: payload }],
      ['RemoveImage', { imageSha: payload }],
      ['GetOnlineManifest', { imageSource: payload }],
    ];
    let tried = 0;
    for (const payload of payloads(canary)) {
      for (const [method, params] of calls(payload)) {
        const response = await bridge.request(method, params);
        const hostPathPayload = payload === '../../etc/passwd' && method === 'ImportImage';
        if (hostPathPayload) expect(response.error?.code).toBeDefined();
        else expect(response.error?.code, `${method} ${JSON.stringify(params)}`).toBe(-32602);
        tried++;
      }
    }
    expect(tried).toBe(121);
    expect(existsSync(canary)).toBe(false);
  });

  it('runs cmdStr inside the container only: the host is untouched', async () => {
    await engineCli('exec', CONTAINER, 'mkdir', '-p', canaryDir);
    for (const payload of payloads(canary)) {
      await bridge.request('ExecInContainer', { containerName: CONTAINER, cmdStr: payload });
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
