import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { markTempFolder, TEMP_PREFIX } from '../../leftovers/temp-folders.js';
import { Client } from '../../shared/http.js';

export interface PrivateService {
  socketPath: string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;

const answers = async (socketPath: string): Promise<boolean> => {
  const client = new Client('http://localhost', { connect: { socketPath } });
  try {
    const response = await client.request({ path: '/_ping', method: 'GET' });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  } finally {
    await client.destroy();
  }
};

/**
 * Podman is installed but no service listens: run `podman system service` on a private socket
 * for this bridge alone. It is a child of the bridge and is ended with it.
 */
export const startPrivateService = async (podman: string): Promise<PrivateService> => {
  const folder = await mkdtemp(join(tmpdir(), `${TEMP_PREFIX}podman-`));
  const socketPath = join(folder, 'podman.sock');
  const service: ResultPromise = execa(podman, ['system', 'service', '--time=0', `unix://${socketPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    cleanup: true,
    reject: false,
  });
  // A bridge killed outright cannot end its service: the mark lets `prune` do it later.
  await markTempFolder(folder, service.pid);
  let exited = false;
  void service.then(() => {
    exited = true;
  });
  let stderr = '';
  service.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async () => {
    service.kill('SIGTERM');
    await Promise.race([service, delay(2000)]);
    if (!exited) service.kill('SIGKILL');
    await rm(folder, { recursive: true, force: true });
  };
  const started = Date.now();
  while (Date.now() - started < STARTUP_TIMEOUT_MS) {
    if (await answers(socketPath)) return { socketPath, stop };
    if (exited) break;
    await delay(50);
  }
  await stop();
  throw new Error(`podman system service did not start: ${stderr.trim() || 'no answer on its socket'}`);
};

export { answers as socketAnswers };
