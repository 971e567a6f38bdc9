import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  connectionEndpoint,
  findPodmanConnection,
  type PodmanConfigPlaces,
} from '../../../../src/engines/podman/podman-connections.js';
import { BridgeError } from '../../../../src/shared/bridge-error.js';
import { ErrorCode } from '../../../../src/shared/error-codes.js';
import { repoRoot } from '../../../helpers/paths.js';

// Files as Podman wrote them (test/fixtures/podman-connections/README.md): 4.3.1 as root and as a
// rootless user, and Podman 5's podman-connections.json in the shape its source writes.
const fixture = (name: string) =>
  readFileSync(join(repoRoot, 'test/fixtures/podman-connections', name), 'utf8');
const ROOT_431 = fixture('podman-4.3.1-root.conf');
const USER_431 = fixture('podman-4.3.1-user.conf');
const PODMAN_5_JSON = fixture('podman-5-connections.json');

const HOME = '/home/me';
const USER_CONF = `${HOME}/.config/containers/containers.conf`;
const USER_JSON = `${HOME}/.config/containers/podman-connections.json`;
const REMOTE = '[engine]\nremote = true\n';

/** A machine whose only files are `files`: Linux, rootless, with a podman program unless said. */
const machine = (
  files: Record<string, string>,
  given: Partial<PodmanConfigPlaces> = {},
): PodmanConfigPlaces => {
  const platform = given.platform ?? 'linux';
  const path = platform === 'win32' ? win32 : { dirname, basename };
  return {
    env: {},
    home: HOME,
    platform,
    uid: 1000,
    podmanInstalled: true,
    readFile: (file) => files[file],
    listFolder: (folder) =>
      Object.keys(files)
        .filter((file) => path.dirname(file) === folder)
        .map((file) => path.basename(file))
        .reverse(),
    ...given,
  };
};

const failureOf = (places: PodmanConfigPlaces): BridgeError => {
  try {
    const connection = findPodmanConnection(places);
    if (connection) connectionEndpoint(connection);
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe(ErrorCode.EngineNotAnswering);
    return error as BridgeError;
  }
  throw new Error('no failure');
};

describe('Podman connections, as Podman 4.3.1 wrote them', () => {
  it('CONTAINER_CONNECTION picks a connection by name, with its identity', () => {
    const places = machine({ [USER_CONF]: USER_431 }, { env: { CONTAINER_CONNECTION: 'lab' } });
    expect(findPodmanConnection(places)).toEqual({
      name: 'lab',
      uri: 'ssh://bst@lab.example.org:22/run/user/1000/podman/podman.sock',
      identity: '/home/bst-tester/.ssh/id_ed25519',
      file: '~/.config/containers/containers.conf',
      source: 'CONTAINER_CONNECTION=lab, ~/.config/containers/containers.conf',
    });
  });

  it('reads quoted names, and every ssh:// address Podman wrote is a valid endpoint', () => {
    const places = (name: string) =>
      machine(
        { '/tmp/c.conf': ROOT_431 },
        { env: { CONTAINERS_CONF: '/tmp/c.conf', CONTAINER_CONNECTION: name } },
      );
    const endpointOf = (name: string) => {
      const connection = findPodmanConnection(places(name));
      return connection && connectionEndpoint(connection);
    };
    expect(endpointOf('my conn')).toEqual({
      kind: 'ssh',
      ssh: { user: 'bob', host: 'fd00::1', port: 2222, path: '/run/podman/podman.sock' },
      through: 'socket',
      description: 'ssh://bob@[fd00::1]:2222/run/podman/podman.sock',
    });
    expect(endpointOf('gpu')).toMatchObject({
      ssh: { user: 'alice', host: 'gpu.example.org', port: 22, identity: '/root/.ssh/gpu_key' },
    });
    // 4.3.1 writes `ssh://@host` for an address without a user, and drops a path without /run:
    // the bridge forwards the remote socket itself, so it must be named.
    expect(endpointOf('nouser')).toMatchObject({ ssh: { host: 'host.example.org', port: 22 } });
    expect(endpointOf('nouser')).not.toHaveProperty('ssh.user');
    expect(() => endpointOf('homesock')).toThrow(/names no socket/);
    expect(endpointOf('local')).toEqual({
      kind: 'socket',
      socketPath: '/run/podman/podman.sock',
      description: 'unix:///run/podman/podman.sock',
    });
  });

  it('a name Podman does not know is an error that lists the names and the file', () => {
    const error = failureOf(
      machine(
        { [USER_CONF]: USER_431 },
        { env: { CONTAINER_CONNECTION: 'gpu', CONTAINER_HOST: 'unix:///x' } },
      ),
    );
    expect(error.message).toBe(
      'Podman cannot be reached: CONTAINER_CONNECTION names the connection "gpu", which is not in ~/.config/containers/containers.conf (the connections are "gpu server", "lab"). Set it to one of `podman system connection list`, or unset it.',
    );
    expect(failureOf(machine({}, { env: { CONTAINER_CONNECTION: 'x' } })).message).toContain(
      'which is not in ~/.config/containers/containers.conf (there is none)',
    );
  });

  it('a tcp:// connection is refused, naming the connection and its file', () => {
    const error = failureOf(
      machine(
        { '/tmp/c.conf': ROOT_431 },
        { env: { CONTAINERS_CONF: '/tmp/c.conf', CONTAINER_CONNECTION: 'tcpconn' } },
      ),
    );
    expect(error.message).toBe(
      'Podman cannot be reached: its connection "tcpconn" in /tmp/c.conf has the address tcp://10.0.0.2:8080: bst-containers reaches a Podman connection over ssh:// or at a unix:// socket only. Add it again (`podman system connection add tcpconn ssh://user@host/run/podman/podman.sock`) or choose another (`podman system connection default NAME`).',
    );
  });

  it('a connection without uri, or with a bad address or key path, is an error naming it', () => {
    const conf = [
      '[engine]',
      '[engine.service_destinations.empty]',
      'identity = "/k"',
      '[engine.service_destinations."bad host"]',
      'uri = "ssh://user@-oProxyCommand=x/run/podman.sock"',
      '[engine.service_destinations.relative]',
      'uri = "ssh://user@host/run/podman.sock"',
      'identity = ".ssh/id"',
    ].join('\n');
    const messageFor = (name: string) =>
      failureOf(machine({ [USER_CONF]: conf }, { env: { CONTAINER_CONNECTION: name } })).message;
    expect(messageFor('empty')).toContain(
      'its connection "empty" in ~/.config/containers/containers.conf has no uri. Add it again',
    );
    expect(messageFor('bad host')).toContain(
      'its connection "bad host" in ~/.config/containers/containers.conf has a bad address: ssh://user@-oProxyCommand=x/run/podman.sock: "-oProxyCommand=x" is not a host name or address. Add it again (`podman system connection add "bad host" ssh://',
    );
    expect(messageFor('relative')).toContain(
      'has a bad address: the key file .ssh/id is not an absolute path',
    );
  });
});

describe('which connection Podman uses', () => {
  it('CONTAINER_CONNECTION before CONTAINER_HOST, as Podman 5 (root.go setupRemoteConnection@v5.8.0)', () => {
    const env = { CONTAINER_CONNECTION: 'lab', CONTAINER_HOST: 'unix:///other.sock' };
    expect(findPodmanConnection(machine({ [USER_CONF]: USER_431 }, { env }))?.name).toBe('lab');
  });

  it('CONTAINER_HOST with CONTAINER_SSHKEY as its identity, before any default connection', () => {
    const env = {
      CONTAINER_HOST: 'ssh://me@box/run/podman/podman.sock',
      CONTAINER_SSHKEY: '/home/me/.ssh/box',
    };
    const connection = findPodmanConnection(machine({ [USER_CONF]: USER_431 + REMOTE }, { env }));
    expect(connection).toEqual({
      uri: 'ssh://me@box/run/podman/podman.sock',
      identity: '/home/me/.ssh/box',
      source: 'CONTAINER_HOST',
    });
    expect(connection && connectionEndpoint(connection)).toMatchObject({
      ssh: { user: 'me', host: 'box', identity: '/home/me/.ssh/box' },
    });
  });

  it('on Linux the default connection only when Podman is remote: remote = true, or no podman program', () => {
    const files = { [USER_CONF]: USER_431 };
    expect(findPodmanConnection(machine(files))).toBeUndefined();
    const fromDropIn = findPodmanConnection(
      machine({ ...files, '/etc/containers/containers.conf.d/50-remote.conf': REMOTE }),
    );
    expect(fromDropIn).toMatchObject({
      name: 'gpu server',
      uri: 'ssh://bst@10.1.2.3:2222/run/podman/podman.sock',
      identity: '/home/bst-tester/.ssh/id_rsa',
      source: 'connection gpu server, ~/.config/containers/containers.conf',
    });
    expect(findPodmanConnection(machine(files, { podmanInstalled: false }))?.name).toBe('gpu server');
  });

  it('later files override earlier ones: remote, the default, a whole connection', () => {
    const files = {
      '/usr/share/containers/containers.conf': REMOTE,
      '/etc/containers/containers.conf': '[engine.service_destinations.lab]\nuri = "unix:///etc.sock"\n',
      [USER_CONF]: USER_431,
      [`${USER_CONF}.d/10-a.conf`]: '[engine]\nactive_service = "lab"\n',
      [`${USER_CONF}.d/20-b.conf`]: '[engine]\nremote = false\n',
      [`${USER_CONF}.d/30-c.txt`]: REMOTE,
    };
    expect(findPodmanConnection(machine(files))).toBeUndefined();
    const { [`${USER_CONF}.d/20-b.conf`]: _, ...remote } = files;
    // The user's lab replaced /etc's whole, identity and all.
    expect(findPodmanConnection(machine(remote))).toMatchObject({
      name: 'lab',
      uri: 'ssh://bst@lab.example.org:22/run/user/1000/podman/podman.sock',
      identity: '/home/bst-tester/.ssh/id_ed25519',
    });
  });

  it('CONTAINERS_CONF is the one containers.conf; CONTAINERS_CONF_OVERRIDE comes after it', () => {
    const files = { [USER_CONF]: REMOTE, '/tmp/c.conf': ROOT_431, '/tmp/o.conf': REMOTE };
    expect(findPodmanConnection(machine(files, { env: { CONTAINERS_CONF: '/tmp/c.conf' } }))).toBeUndefined();
    expect(
      findPodmanConnection(
        machine(files, { env: { CONTAINERS_CONF: '/tmp/c.conf', CONTAINERS_CONF_OVERRIDE: '/tmp/o.conf' } }),
      )?.name,
    ).toBe('gpu');
  });

  it('XDG_CONFIG_HOME moves the user’s file; the rootless system files count for a user only', () => {
    const xdg = '/xdg/containers/containers.conf';
    const rootless = { '/etc/containers/containers.rootless.conf.d/1000/remote.conf': REMOTE };
    expect(
      findPodmanConnection(machine({ [xdg]: USER_431 }, { env: { XDG_CONFIG_HOME: '/xdg' } })),
    ).toBeUndefined();
    expect(
      findPodmanConnection(machine({ [xdg]: USER_431, ...rootless }, { env: { XDG_CONFIG_HOME: '/xdg' } }))
        ?.name,
    ).toBe('gpu server');
    expect(findPodmanConnection(machine({ [USER_CONF]: USER_431, ...rootless }, { uid: 0 }))).toBeUndefined();
  });

  it('a default that names no connection is passed over, as Podman falls back to its socket', () => {
    const conf = `[engine]\nremote = true\nactive_service = "gone"\n`;
    expect(findPodmanConnection(machine({ [USER_CONF]: conf }))).toBeUndefined();
  });

  it('on macOS and Windows the default connection is used (Podman there is always remote)', () => {
    expect(findPodmanConnection(machine({ [USER_CONF]: USER_431 }, { platform: 'darwin' }))?.name).toBe(
      'gpu server',
    );
    const appData = 'C:\\Users\\me\\AppData\\Roaming';
    const windows = machine(
      { [`${appData}\\containers\\podman-connections.json`]: PODMAN_5_JSON },
      { platform: 'win32', uid: undefined, home: 'C:\\Users\\me', env: { APPDATA: appData } },
    );
    expect(findPodmanConnection(windows)).toMatchObject({
      name: 'gpu',
      source: `connection gpu, ${appData}\\containers\\podman-connections.json`,
    });
  });
});

describe('Podman 5 podman-connections.json', () => {
  it('its default and its connections come before containers.conf’s (GetConnection@v0.58.0)', () => {
    const files = { [USER_CONF]: USER_431 + REMOTE, [USER_JSON]: PODMAN_5_JSON };
    expect(findPodmanConnection(machine(files))).toEqual({
      name: 'gpu',
      uri: 'ssh://alice@gpu.example.org:22/run/user/1000/podman/podman.sock',
      identity: '/home/alice/.ssh/id_ed25519',
      file: '~/.config/containers/podman-connections.json',
      source: 'connection gpu, ~/.config/containers/podman-connections.json',
    });
    // containers.conf's connections are still there by name.
    const lab = findPodmanConnection(machine(files, { env: { CONTAINER_CONNECTION: 'lab' } }));
    expect(lab?.file).toBe('~/.config/containers/containers.conf');
    const machineConnection = findPodmanConnection(
      machine(files, { env: { CONTAINER_CONNECTION: 'podman-machine-default' } }),
    );
    expect(machineConnection).toMatchObject({
      uri: 'ssh://core@127.0.0.1:53731/run/user/501/podman/podman.sock',
      isMachine: true,
    });
  });

  it('an unknown name lists the names of both files', () => {
    const files = { [USER_CONF]: USER_431, [USER_JSON]: PODMAN_5_JSON };
    expect(failureOf(machine(files, { env: { CONTAINER_CONNECTION: 'nope' } })).message).toContain(
      'which is not in ~/.config/containers/containers.conf or ~/.config/containers/podman-connections.json (the connections are "gpu", "gpu server", "lab", "my conn", "podman-machine-default", "podman-machine-default-root")',
    );
  });

  it('PODMAN_CONNECTIONS_CONF moves it; field names match in any case, as Go’s decoder does', () => {
    const json =
      '{"connection":{"default":"x","connections":{"x":{"uri":"unix:///x.sock","ismachine":true}}}}';
    const places = machine(
      { '/j.json': json },
      { podmanInstalled: false, env: { PODMAN_CONNECTIONS_CONF: '/j.json' } },
    );
    expect(findPodmanConnection(places)).toMatchObject({ name: 'x', uri: 'unix:///x.sock', isMachine: true });
  });
});

describe('files Podman refuses', () => {
  it('a containers.conf that is not TOML names the file and line', () => {
    const message = failureOf(
      machine({ '/etc/containers/containers.conf': '[engine]\nremote = yes please\n' }),
    ).message;
    expect(message).toBe(
      'Podman cannot be reached: its configuration /etc/containers/containers.conf cannot be read (line 2: unexpected "p" after a value); Podman refuses it too. Fix or remove it.',
    );
  });

  it('a podman-connections.json that is not JSON names the file', () => {
    expect(failureOf(machine({ [USER_JSON]: '{"Connection":' })).message).toContain(
      `its configuration ${USER_JSON} cannot be read (`,
    );
  });

  it('this machine’s own system files read (Podman 4.3.1’s /usr/share and /etc containers.conf)', () => {
    const real = machine(
      {},
      {
        home: '/nonexistent',
        readFile: (file) => {
          try {
            return readFileSync(file, 'utf8');
          } catch {
            return undefined;
          }
        },
        listFolder: (folder) => {
          try {
            return readdirSync(folder);
          } catch {
            return [];
          }
        },
      },
    );
    expect(readFileSync('/usr/share/containers/containers.conf', 'utf8').length).toBeGreaterThan(1000);
    expect(findPodmanConnection(real)).toBeUndefined();
  });
});
