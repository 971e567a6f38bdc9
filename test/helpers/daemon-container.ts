import { afterAll, beforeAll } from 'vitest';
import { BridgeClient } from './bridge-client.js';
import { removeContainer } from './engine-cli.js';
import { BASE_IMAGE } from './paths.js';

/**
 * A daemon container for a suite's tests to exec in: started before them by a bridge of its own
 * on the engine under test (whatever an earlier run left under that name is removed first),
 * removed after them.
 */
export const useDaemonContainer = (name: string): void => {
  beforeAll(async () => {
    await removeContainer(name);
    const bridge = new BridgeClient();
    try {
      await bridge.call('RunContainer', { containerName: name, imageSha: BASE_IMAGE, isDaemon: true });
    } finally {
      await bridge.close();
    }
  });

  afterAll(async () => {
    await removeContainer(name);
  });
};
