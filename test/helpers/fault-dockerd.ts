import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { execa } from 'execa';
import { GIVE_UP_MS } from './margins.js';
import { runtimeDir } from './paths.js';
import { isRunning } from './processes.js';
import { waitUntil } from './wait-until.js';

const ROOT = '/run/bst-containers-test/faults';
const NETWORK = 'bst-test1';
export const FAULT_SOCKET = `${ROOT}/docker.sock`;
export const FAULT_DOCKER_HOST = `unix://${FAULT_SOCKET}`;
const PID_FILE = `${ROOT}/docker.pid`;

/** dockerd answers its `_ping` on the socket. */
const answers = () =>
  new Promise<boolean>((resolve) => {
    get({ socketPath: FAULT_SOCKET, path: '/_ping', agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    }).on('error', () => resolve(false));
  });

const ensureNetwork = async () => {
  if ((await execa('ip', ['link', 'show', NETWORK], { reject: false })).exitCode === 0) return;
  await execa('ip', ['link', 'add', 'name', NETWORK, 'type', 'bridge']);
  await execa('ip', ['addr', 'add', '169.254.214.1/24', 'dev', NETWORK]);
  await execa('ip', ['link', 'set', NETWORK, 'up']);
};

/**
 * A dockerd of the fault tests' own, on its own socket, store and network: they stop and start
 * it under the bridge without disturbing the engine every other suite uses.
 */
export class FaultDockerd {
  /** Starts it, unless it already answers (left by an earlier run). */
  async start(): Promise<void> {
    if (await answers()) return;
    mkdirSync(ROOT, { recursive: true });
    await ensureNetwork();
    const log = openSync(`${runtimeDir}/dockerd-faults.log`, 'a');
    const dockerd = spawn(
      'dockerd',
      [
        '--data-root',
        '/var/lib/bst-containers-test/docker-faults',
        '--exec-root',
        `${ROOT}/exec`,
        '--pidfile',
        PID_FILE,
        '-H',
        FAULT_DOCKER_HOST,
        '--bridge',
        NETWORK,
        '--iptables=false',
        '--ip-masq=false',
      ],
      { stdio: ['ignore', log, log], detached: true },
    );
    dockerd.unref();
    await waitUntil(
      async () => {
        if (dockerd.exitCode !== null)
          throw new Error(`the faults dockerd exited; see ${runtimeDir}/dockerd-faults.log`);
        return answers();
      },
      { timeoutMs: 60_000, what: `the faults dockerd to answer (${runtimeDir}/dockerd-faults.log)` },
    );
  }

  /** Stops dockerd as `systemctl stop docker` would (SIGTERM) and waits until it is gone. */
  async stop(): Promise<void> {
    const pid = existsSync(PID_FILE) ? Number(readFileSync(PID_FILE, 'utf8').trim()) : 0;
    if (!pid || !isRunning(pid)) return;
    process.kill(pid, 'SIGTERM');
    await waitUntil(() => !isRunning(pid), {
      timeoutMs: GIVE_UP_MS,
      what: `the faults dockerd (${pid}) to stop`,
    });
  }

  /** Its own CLI, to set up and to check from outside. */
  cli(...args: string[]) {
    return execa('docker', ['-H', FAULT_DOCKER_HOST, ...args], { reject: false });
  }
}
