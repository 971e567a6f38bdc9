import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { pushUniqueImage } from '../../helpers/engine-cli.js';
import { FAULT_DOCKER_HOST, FaultDockerd } from '../../helpers/fault-dockerd.js';
import { GIVE_UP_MS, MARGIN_MS } from '../../helpers/margins.js';
import { BASE_IMAGE, BASE_TARBALL } from '../../helpers/paths.js';
import { startRegistryProxy } from '../../helpers/registry-proxy.js';
import { waitUntil } from '../../helpers/wait-until.js';

// A call fails at once when its engine goes away: it must end within the margin, never wait
// for an engine's or a socket's own timeout.
const timed = async <T>(work: Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await work;
  return [value, performance.now() - started];
};

describe('dockerd stopped under the bridge', () => {
  const dockerd = new FaultDockerd();
  let bridge: BridgeClient;

  beforeAll(async () => {
    await dockerd.start();
    await dockerd.cli('load', '-i', BASE_TARBALL);
    await dockerd.cli('rm', '-f', 'bst_fault-exec', 'bst_fault-idle');
    bridge = new BridgeClient({ env: { DOCKER_HOST: FAULT_DOCKER_HOST, BST_CONTAINERS_ENGINE: 'docker' } });
    await bridge.call('GetEngine');
  });

  afterAll(async () => {
    await bridge?.close();
    await dockerd.start().catch(() => {});
    await dockerd.cli('rm', '-f', 'bst_fault-exec', 'bst_fault-idle');
    await dockerd.stop();
  });

  // Each test starts from a running dockerd, whatever the one before left.
  beforeEach(async () => {
    await dockerd.start();
  });

  it('while idle: a clear error at once, and the bridge works again once dockerd is back', async () => {
    await dockerd.stop();
    const [down, took] = await timed(bridge.request('GetImages'));
    expect(down.error?.code).toBe(-32002);
    expect(down.error?.message).toMatch(/Docker is not answering at .*Start (Docker|it again)/);
    expect(took).toBeLessThan(MARGIN_MS);
    await dockerd.start();
    const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
    expect(imageList.map((row) => row[0])).toContain(BASE_IMAGE);
  });

  it('during an exec: the exec fails clearly, and the bridge runs containers again afterwards', async () => {
    await bridge.call('RunContainer', {
      containerName: 'bst_fault-exec',
      imageSha: BASE_IMAGE,
      isDaemon: true,
    });
    const exec = bridge.request('ExecInContainer', {
      containerName: 'bst_fault-exec',
      cmdStr: 'echo started; sleep 60',
      progressToken: 'exec',
    });
    await waitUntil(() => bridge.notificationsFor('exec', 'bst/output').length > 0, {
      timeoutMs: GIVE_UP_MS,
      what: 'the exec to print "started"',
    });
    const [answer, took] = await timed(dockerd.stop().then(() => exec));
    expect(took).toBeLessThan(MARGIN_MS);
    // dockerd kills its containers before it closes its socket: which one the bridge sees first
    // is a race, and both are told plainly.
    expect(answer.error?.message).toMatch(
      answer.error?.code === -32002
        ? /^Docker is not answering at .*Start (Docker|it again)/
        : /^Command was killed \(exit code 1[34]7\): container bst_fault-exec stopped while it ran: started/,
    );
    await dockerd.start();
    // dockerd stopped the container with itself: it is there, stopped, and StopContainer removes it.
    const { containerInfo } = await bridge.call<{ containerInfo: { isRunning: boolean } }>(
      'GetContainerInfo',
      ['bst_fault-exec'],
    );
    expect(containerInfo.isRunning).toBe(false);
    await bridge.call('StopContainer', ['bst_fault-exec', 1]);
    expect((await dockerd.cli('inspect', 'bst_fault-exec')).exitCode).not.toBe(0);
    await bridge.call('RunContainer', {
      containerName: 'bst_fault-idle',
      imageSha: BASE_IMAGE,
      isDaemon: true,
    });
    const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', [
      'bst_fault-idle',
      'echo back',
    ]);
    expect(cmdout.trim()).toBe('back');
    await bridge.call('StopContainer', ['bst_fault-idle', 1]);
  });

  it('during a pull: the pull fails clearly, leaves no image, and pulls work again afterwards', async () => {
    await pushUniqueImage(BASE_IMAGE, 'localhost:5000/bst/fault-pull:1');
    await dockerd.cli('rmi', 'localhost:5000/bst/fault-pull:1');
    const proxy = await startRegistryProxy({ fault: 'stall-blobs', port: 5001 });
    const reference = `${proxy.host}/bst/fault-pull:1`;
    try {
      const pull = bridge.request('ImportImage', [reference]);
      await waitUntil(() => proxy.blobRequests() > 0, {
        timeoutMs: GIVE_UP_MS,
        what: 'dockerd to ask for a blob',
      });
      const [answer, took] = await timed(dockerd.stop().then(() => pull));
      expect(took).toBeLessThan(MARGIN_MS);
      expect(answer.error?.code).toBe(-32002);
      expect(answer.error?.message).toMatch(
        /^Docker is not answering at unix:\/\/\/run\/bst-containers-test\/faults\/docker\.sock: it closed the connection \(it may have stopped\)\. Start it again, then retry\.$/,
      );
    } finally {
      await proxy.close();
    }
    await dockerd.start();
    expect((await dockerd.cli('image', 'inspect', reference)).exitCode).not.toBe(0);
    const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
    expect(imageList.map((row) => row[0])).not.toContain(reference);
    const pulled = await bridge.call<{ imageSha: string }>('ImportImage', [
      'localhost:5000/bst/fault-pull:1',
    ]);
    const id = await dockerd.cli(
      'image',
      'inspect',
      '--format',
      '{{.Id}}',
      'localhost:5000/bst/fault-pull:1',
    );
    expect(pulled.imageSha).toBe(id.stdout.trim());
    await dockerd.cli('rmi', 'localhost:5000/bst/fault-pull:1');
  });
});
