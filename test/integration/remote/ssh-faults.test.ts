import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import { ENGINE, removeContainer } from '../../helpers/engine-cli.js';
import { MARGIN_MS, STALL_SECONDS } from '../../helpers/margins.js';
import { BASE_IMAGE } from '../../helpers/paths.js';
import {
  dockerSshUrl,
  dropSshSessions,
  knownHostsFile,
  missingPodmanSocket,
  podmanSshUrl,
  REFUSED_PORT,
  SSH_HOST,
  SSH_PORTS,
  sshSessionPids,
  UNREACHABLE_HOST,
} from '../../helpers/ssh-host.js';
import { waitUntil } from '../../helpers/wait-until.js';

const ADDRESS_VARIABLE = ENGINE === 'docker' ? 'DOCKER_HOST' : 'CONTAINER_HOST';

/** The engine's address on the second host, as the user would write it, with one part changed. */
const address = (options: { host?: string; user?: string; port?: number; socket?: string } = {}) => {
  const url = new URL(ENGINE === 'docker' ? dockerSshUrl(options.port) : podmanSshUrl(options));
  if (options.host) url.hostname = options.host;
  if (options.user) url.username = options.user;
  return url.toString().replace(/\/$/, '');
};

interface Fault {
  name: string;
  url: string;
  /** What the message must say: what failed, and what to do. */
  says: RegExp;
  engines?: ('docker' | 'podman')[];
}

const FAULTS: Fault[] = [
  {
    name: 'an unreachable host',
    url: address({ host: UNREACHABLE_HOST }),
    says: /cannot be reached over the network \(ssh: connect to host 169\.254\.215\.3 port 22: (No route to host|Connection timed out)\)\. Check the address/,
  },
  {
    name: 'a refused port',
    url: address({ port: REFUSED_PORT }),
    says: /nothing accepts SSH connections there \(.*Connection refused\)\. Check the port/,
  },
  {
    name: 'a refused login',
    url: address({ user: 'nobody' }),
    says: /refused the login of nobody@169\.254\.215\.2 \(.*Permission denied \(publickey\)\.\)\. The bridge never asks for a password: load your key into ssh-agent/,
  },
  {
    name: 'an unknown host key',
    url: address({ port: SSH_PORTS.unknownKey }),
    says: /host key is not known to this computer, and the bridge never accepts a key it has not seen \(Host key verification failed\.\)\. Connect once with `ssh /,
  },
  {
    name: 'a changed host key',
    url: address({ port: SSH_PORTS.changedKey }),
    says: /host key is NOT the one recorded in your known_hosts.*Ask the machine's administrator/,
  },
  {
    name: 'a remote without docker',
    url: address({ port: SSH_PORTS.noDocker }),
    says: /has no `docker` program on the PATH of an SSH session \(bash: line 1: docker: command not found\)\. Install Docker there/,
    engines: ['docker'],
  },
  {
    name: 'a remote docker without its engine',
    url: address({ port: SSH_PORTS.noDaemon }),
    says: /docker on that machine cannot reach its engine \(.*\/nonexistent\/docker\.sock.*\)\. Start Docker on that machine/,
    engines: ['docker'],
  },
  {
    name: 'a remote without the Podman socket',
    url: address({ socket: missingPodmanSocket() }),
    says: new RegExp(
      `has no engine socket at ${missingPodmanSocket().replaceAll('.', '\\.')} \\(.*open failed.*\\)\\. Start the service there`,
    ),
    engines: ['podman'],
  },
];

// Each fault as a user meets it: a clear -32002 within the stall time, naming the address, and
// the bridge still serving; nothing asked, nothing accepted. As the test user, over the second host.
describe(`${ENGINE} over SSH: faults`, () => {
  let knownHosts: string;
  beforeAll(async () => {
    knownHosts = await readFile(knownHostsFile(), 'utf8');
  });

  for (const fault of FAULTS.filter(({ engines }) => !engines || engines.includes(ENGINE))) {
    it(`${fault.name}: says so within the stall time, and the bridge keeps serving`, async () => {
      const bridge = new BridgeClient({
        env: { [ADDRESS_VARIABLE]: fault.url, BST_CONTAINERS_STALL_SECONDS: String(STALL_SECONDS) },
      });
      try {
        const started = performance.now();
        const response = await bridge.request('GetEngine', { engine: ENGINE });
        expect(performance.now() - started).toBeLessThan(STALL_SECONDS * 1000 + MARGIN_MS);
        expect(response.error?.code).toBe(-32002);
        expect(response.error?.message).toContain(
          `is not answering at ${fault.url.replace(/:22(?=\/|$)/, '')}`,
        );
        expect(response.error?.message).toMatch(fault.says);
        // Still serving: the same call again gets the same answer, not a dead bridge.
        const again = await bridge.request('GetEngine', { engine: ENGINE });
        expect(again.error?.code).toBe(-32002);
        expect((await bridge.call<{ version: string }>('GetVersion')).version).toBeTruthy();
      } finally {
        await bridge.close();
      }
      // Nothing was accepted on the user's behalf.
      expect(await readFile(knownHostsFile(), 'utf8')).toBe(knownHosts);
    });
  }

  describe('a connection dropped in the middle of a call', () => {
    const CONTAINER = 'bst_ssh-drop';
    let bridge: BridgeClient;
    beforeAll(async () => {
      await removeContainer(CONTAINER);
      bridge = new BridgeClient({ env: { BST_CONTAINERS_STALL_SECONDS: String(STALL_SECONDS) } });
      await bridge.call('RunContainer', { containerName: CONTAINER, imageSha: BASE_IMAGE, isDaemon: true });
    });
    afterAll(async () => {
      await bridge.close();
      await removeContainer(CONTAINER);
    });

    it('the call says the connection dropped, within the stall time; the next call connects again', async () => {
      const call = bridge.request('ExecInContainer', [CONTAINER, 'sleep 30']);
      await waitUntil(() => sshSessionPids().length > 0, { timeoutMs: MARGIN_MS, what: 'an SSH session' });
      // The exec has started on the remote before its connection is dropped.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const dropped = performance.now();
      expect(dropSshSessions()).toBeGreaterThan(0);
      const response = await call;
      expect(performance.now() - dropped).toBeLessThan(STALL_SECONDS * 1000 + MARGIN_MS);
      expect(response.error?.code).toBe(-32002);
      expect(response.error?.message).toMatch(/SSH connection dropped.*Retry: the next call connects again/);
      expect(response.error?.message).toContain(SSH_HOST);
      const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', [CONTAINER, 'echo back']);
      expect(cmdout.trim()).toBe('back');
    });
  });
});
