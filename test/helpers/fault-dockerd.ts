import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { socketAnswers } from '../../src/engines/podman/private-service.js';
import { runtimeDir } from './paths.js';
import { isRunning } from './processes.js';

const ROOT = '/run/bst-containers-test/faults';
const NETWORK = 'bst-test1';
export const FAULT_SOCKET = `${ROOT}/docker.sock`;
export const FAULT_DOCKER_HOST = `unix://${FAULT_SOCKET}`;
const PID_FILE = `${ROOT}/docker.pid`;

const answers = () => socketAnswers(FAULT_SOCKET);

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
    const started = Date.now();
    while (!(await answers())) {
      if (dockerd.exitCode !== null || Date.now() - started > 60_000)
        throw new Error(`the faults dockerd did not start; see ${runtimeDir}/dockerd-faults.log`);
      await delay(100);
    }
  }

  /** Stops dockerd as `systemctl stop docker` would (SIGTERM) and waits until it is gone. */
  async stop(): Promise<void> {
    const pid = existsSync(PID_FILE) ? Number(readFileSync(PID_FILE, 'utf8').trim()) : 0;
    if (!pid || !isRunning(pid)) return;
    process.kill(pid, 'SIGTERM');
    const stopping = Date.now();
    while (isRunning(pid)) {
      if (Date.now() - stopping > 30_000) throw new Error(`the faults dockerd (${pid}) did not stop`);
      await delay(50);
    }
  }

  /** Its own CLI, to set up and to check from outside. */
  cli(...args: string[]) {
    return execa('docker', ['-H', FAULT_DOCKER_HOST, ...args], { reject: false });
  }
}
