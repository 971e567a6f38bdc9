import { watch } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { markTempFolder, TEMP_PREFIX } from '../../leftovers/temp-folders.js';
import { Client } from '../../shared/http.js';
import { runtimeRoot } from '../../shared/user-places.js';

export interface PrivateService {
  socketPath: string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 2000;

/** Whether a Podman (or Docker) API service answers `_ping` on this socket. */
export const socketAnswers = async (socketPath: string): Promise<boolean> => {
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
 * Whether the service answers before the signal fires. Its socket file exists from bind(), a moment
 * before it listens, and a rootless Podman readies its store after that: a refused or failed ping
 * is tried again, at doubling intervals from 10 ms.
 */
const answersSoon = async (socketPath: string, signal: AbortSignal): Promise<boolean> => {
  for (let wait = 10; !signal.aborted; wait = Math.min(wait * 2, 500)) {
    if (await socketAnswers(socketPath)) return true;
    await delay(wait, undefined, { signal }).catch(() => {});
  }
  return false;
};

/** Settles when `name` appears in `folder` (or at once if it is there), or the signal fires. */
const appears = (folder: string, name: string, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    const watcher = watch(folder, { signal }, (_event, file) => {
      if (file === name) done(true);
    });
    const done = (found: boolean) => {
      watcher.close();
      signal.removeEventListener('abort', onAbort);
      resolve(found);
    };
    const onAbort = () => done(false);
    signal.addEventListener('abort', onAbort, { once: true });
    watcher.on('error', () => done(false));
  });

/**
 * Podman is installed but no service listens: run `podman system service` on a private socket
 * for this bridge alone. It is a child of the bridge and is ended with it. Ready once its socket
 * file appears and answers.
 */
export const startPrivateService = async (podman: string): Promise<PrivateService> => {
  const folder = await mkdtemp(join(runtimeRoot(), `${TEMP_PREFIX}podman-`));
  const socketPath = join(folder, 'podman.sock');
  const startup = new AbortController();
  const timer = setTimeout(() => startup.abort(), STARTUP_TIMEOUT_MS);
  const socketFile = appears(folder, 'podman.sock', startup.signal);
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
    startup.abort();
  });
  let stderr = '';
  service.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async () => {
    service.kill('SIGTERM');
    await Promise.race([service, delay(STOP_GRACE_MS)]);
    if (!exited) service.kill('SIGKILL');
    await rm(folder, { recursive: true, force: true });
  };
  try {
    if ((await socketFile) && (await answersSoon(socketPath, startup.signal))) return { socketPath, stop };
  } finally {
    clearTimeout(timer);
  }
  await stop();
  throw new Error(`podman system service did not start: ${stderr.trim() || 'no answer on its socket'}`);
};
