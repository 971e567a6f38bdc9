// Podman's system connections, read where and as Podman reads them (sources as of Podman 4.3.1,
// containers/common v0.50.1, and Podman 5.0.0-5.8.0, containers/common v0.58-v0.67):
// - containers.conf: `[engine] remote`, `active_service`, `[engine.service_destinations.NAME]`
//   (`uri`, `identity`, `is_machine`), merged from the system files and the user's
//   (pkg/config/new.go systemConfigs@v5.8.0; config.go systemConfigs@v0.50.1);
// - podman-connections.json (Podman 5, written by `podman system connection add`), next to the
//   user's containers.conf or at PODMAN_CONNECTIONS_CONF (pkg/config/connections.go@v0.58.0).
import { posix, win32 } from 'node:path';
import {
  badPodmanConnection,
  engineUnreachable,
  podmanConfigUnreadable,
  unknownPodmanConnection,
} from '../../shared/failures.js';
import { type DockerEndpoint, parseDockerHost, sshEndpoint } from '../docker/endpoint.js';
import { SshAddressError } from '../ssh/ssh-destination.js';
import { readTomlSubset, TomlSyntaxError, type TomlTable } from './toml-subset.js';

export interface PodmanConnection {
  /** The connection's name (none for CONTAINER_HOST). */
  name?: string;
  uri: string;
  /** The private key to offer: the connection's `identity`, or CONTAINER_SSHKEY with CONTAINER_HOST. */
  identity?: string;
  /** A Podman machine's own connection (`podman machine init` writes it). */
  isMachine?: boolean;
  /** The file that holds the connection, `~/` for the home folder. */
  file?: string;
  /** Where it came from, as doctor says it: `CONTAINER_HOST`, `connection lab, ~/.config/…`. */
  source: string;
}

export interface PodmanConfigPlaces {
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  /** The user's id (none on Windows): Podman 5.7+ reads rootless-only system files for uid > 0. */
  uid?: number;
  /** A `podman` program on the PATH: without one, Podman here can only be a remote client. */
  podmanInstalled: boolean;
  /** A file's text, or undefined when there is none. */
  readFile: (path: string) => string | undefined;
  /** The names in a folder, or none when there is no folder. */
  listFolder: (path: string) => string[];
}

interface Destination {
  uri?: string;
  identity?: string;
  isMachine?: boolean;
  file: string;
}

interface ConnectionSettings {
  remote: boolean;
  defaultName?: string;
  destinations: Map<string, Destination>;
}

const pathsOf = (platform: NodeJS.Platform) => (platform === 'win32' ? win32 : posix);

/**
 * The user's containers.conf, where Podman 5 also keeps podman-connections.json
 * (config_unix.go / config_windows.go userConfigPath@v5.8.0). Podman 4.3.1 as root wrote
 * connections to /etc/containers/containers.conf instead, which is read before it anyway.
 */
const userContainersConf = ({ env, home, platform }: PodmanConfigPlaces): string =>
  platform === 'win32'
    ? `${env.APPDATA ?? ''}\\containers\\containers.conf`
    : posix.join(env.XDG_CONFIG_HOME || posix.join(home, '.config'), 'containers/containers.conf');

/** The `*.conf` files of a drop-in folder, in name order (addConfigs@v5.8.0). */
const dropIns = (places: PodmanConfigPlaces, folder: string): string[] =>
  places
    .listFolder(folder)
    .filter((name) => name.endsWith('.conf'))
    .sort()
    .map((name) => pathsOf(places.platform).join(folder, name));

/** containers.conf files in the order Podman merges them, each overriding the ones before. */
export const containersConfFiles = (places: PodmanConfigPlaces): string[] => {
  const { env, platform, uid } = places;
  const override = env.CONTAINERS_CONF_OVERRIDE ? [env.CONTAINERS_CONF_OVERRIDE] : [];
  if (env.CONTAINERS_CONF) return [env.CONTAINERS_CONF, ...override];
  const path = pathsOf(platform);
  const system =
    platform === 'win32'
      ? [`${env.ProgramData ?? ''}\\containers\\containers.conf`]
      : ['/usr/share/containers/containers.conf', '/etc/containers/containers.conf'];
  const etc = system[system.length - 1] as string;
  const files = [...system, ...dropIns(places, `${etc}.d`)];
  if (uid !== undefined && uid > 0) {
    const rootless = path.join(path.dirname(etc), 'containers.rootless.conf');
    files.push(
      rootless,
      ...dropIns(places, `${rootless}.d`),
      ...dropIns(places, path.join(`${rootless}.d`, String(uid))),
    );
  }
  const user = userContainersConf(places);
  return [...files, user, ...dropIns(places, `${user}.d`), ...override];
};

export const connectionsJsonFile = (places: PodmanConfigPlaces): string =>
  places.env.PODMAN_CONNECTIONS_CONF ||
  pathsOf(places.platform).join(
    pathsOf(places.platform).dirname(userContainersConf(places)),
    'podman-connections.json',
  );

const tableIn = (table: TomlTable | undefined, key: string): TomlTable | undefined => {
  const value = table?.[key];
  return typeof value === 'object' ? value : undefined;
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * A later file's `[engine.service_destinations.NAME]` replaces the whole entry, as Go's TOML
 * decoder makes a new value for each map key it meets.
 */
const mergeContainersConf = (places: PodmanConfigPlaces, settings: ConnectionSettings): void => {
  for (const file of containersConfFiles(places)) {
    const content = places.readFile(file);
    if (content === undefined) continue;
    let engine: TomlTable | undefined;
    try {
      engine = tableIn(readTomlSubset(content), 'engine');
    } catch (error) {
      if (error instanceof TomlSyntaxError) throw podmanConfigUnreadable(file, error.message);
      throw error;
    }
    if (typeof engine?.remote === 'boolean') settings.remote = engine.remote;
    if (typeof engine?.active_service === 'string') settings.defaultName = engine.active_service;
    for (const [name, entry] of Object.entries(tableIn(engine, 'service_destinations') ?? {})) {
      if (typeof entry !== 'object') continue;
      settings.destinations.set(name, {
        uri: text(entry.uri),
        identity: text(entry.identity),
        isMachine: entry.is_machine === true,
        file,
      });
    }
  }
};

/** Go's encoding/json matches a field's name in any case. */
const field = (object: unknown, name: string): unknown => {
  if (typeof object !== 'object' || object === null) return undefined;
  const record = object as Record<string, unknown>;
  if (Object.hasOwn(record, name)) return record[name];
  const key = Object.keys(record).find((each) => each.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
};

/** Podman 5's file: its connections come before containers.conf's, its default too (GetConnection@v0.58.0). */
const mergeConnectionsJson = (places: PodmanConfigPlaces, settings: ConnectionSettings): void => {
  const file = connectionsJsonFile(places);
  const content = places.readFile(file);
  if (content === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw podmanConfigUnreadable(file, (error as Error).message);
  }
  const connection = field(parsed, 'Connection');
  const defaultName = text(field(connection, 'Default'));
  if (defaultName) settings.defaultName = defaultName;
  const connections = field(connection, 'Connections');
  for (const name of Object.keys(typeof connections === 'object' && connections ? connections : {})) {
    const entry = field(connections, name);
    settings.destinations.set(name, {
      uri: text(field(entry, 'URI')),
      identity: text(field(entry, 'Identity')),
      isMachine: field(entry, 'IsMachine') === true,
      file,
    });
  }
};

const readSettings = (places: PodmanConfigPlaces): ConnectionSettings => {
  const settings: ConnectionSettings = { remote: false, destinations: new Map() };
  mergeContainersConf(places, settings);
  mergeConnectionsJson(places, settings);
  return settings;
};

/** `/home/me/.config/…` as `~/.config/…`, as a user would write it. */
const shortened = (file: string, home: string): string =>
  home && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;

const usable = (
  name: string,
  destination: Destination,
  places: PodmanConfigPlaces,
  how: string,
): PodmanConnection => {
  const file = shortened(destination.file, places.home);
  const { uri } = destination;
  if (!uri) throw badPodmanConnection(name, file, 'no-uri');
  if (!uri.startsWith('ssh://') && !uri.startsWith('unix://'))
    throw badPodmanConnection(name, file, 'scheme', uri);
  return {
    name,
    uri,
    ...(destination.identity ? { identity: destination.identity } : {}),
    ...(destination.isMachine ? { isMachine: true } : {}),
    file,
    source: `${how}, ${file}`,
  };
};

/**
 * The connection Podman's CLI would use, or undefined when it would use its local service.
 * As Podman 5 (cmd/podman/root.go setupRemoteConnection@v5.8.0): CONTAINER_CONNECTION (a name
 * it does not know is an error), then CONTAINER_HOST (with CONTAINER_SSHKEY), then the default
 * connection, but only when Podman here is a remote client: always on macOS and Windows
 * (cmd/podman/registry/config.go newPodmanConfig@v5.8.0), on Linux when containers.conf says
 * `[engine] remote = true` or there is no `podman` program (only podman-remote, or none).
 * A default that names no connection is passed over, as Podman falls back to its local socket.
 */
export const findPodmanConnection = (places: PodmanConfigPlaces): PodmanConnection | undefined => {
  const { env, platform } = places;
  const wanted = env.CONTAINER_CONNECTION;
  if (wanted) {
    const settings = readSettings(places);
    const destination = settings.destinations.get(wanted);
    if (!destination) {
      const destinations = [...settings.destinations.values()];
      // Where the connections are; where `podman system connection add` would write one when there is none.
      const files =
        destinations.length > 0 ? destinations.map(({ file }) => file) : [userContainersConf(places)];
      throw unknownPodmanConnection(
        wanted,
        [...settings.destinations.keys()].sort(),
        [...new Set(files)].map((file) => shortened(file, places.home)),
      );
    }
    return usable(wanted, destination, places, `CONTAINER_CONNECTION=${wanted}`);
  }
  if (env.CONTAINER_HOST) {
    return {
      uri: env.CONTAINER_HOST,
      ...(env.CONTAINER_SSHKEY ? { identity: env.CONTAINER_SSHKEY } : {}),
      source: 'CONTAINER_HOST',
    };
  }
  const settings = readSettings(places);
  const alwaysRemote = platform === 'darwin' || platform === 'win32';
  if (!(alwaysRemote || settings.remote || !places.podmanInstalled)) return undefined;
  const name = settings.defaultName;
  const destination = name === undefined ? undefined : settings.destinations.get(name);
  return name && destination ? usable(name, destination, places, `connection ${name}`) : undefined;
};

/** CONTAINER_HOST as before (unix, tcp, npipe, ssh); a named connection over ssh:// or unix:// only. */
export const connectionEndpoint = (connection: PodmanConnection): DockerEndpoint => {
  const { name, uri, identity, file } = connection;
  try {
    if (!uri.startsWith('ssh://')) return parseDockerHost(uri);
    // The remote socket itself is forwarded, as Podman's client opens it: the address must name it.
    const endpoint = sshEndpoint(uri, identity, 'socket');
    if (endpoint.kind === 'ssh' && !endpoint.ssh.path)
      throw new SshAddressError(
        `${uri} names no socket; end it with the Podman socket on that machine, e.g. /run/user/1000/podman/podman.sock`,
      );
    return endpoint;
  } catch (error) {
    if (name === undefined || file === undefined)
      throw engineUnreachable('podman', uri, (error as Error).message, error);
    if (error instanceof SshAddressError) throw badPodmanConnection(name, file, 'address', error.message);
    throw error;
  }
};
