// Every failure a user reads, worded here and nowhere else: the engines, the registry and the
// download say what happened with these, so the same event reads the same on every engine.
// `data` has one shape per code (README, "Error codes").

import { BridgeError } from './bridge-error.js';
import { ENGINE_LABELS, type EngineName } from './engine-names.js';
import { ErrorCode } from './error-codes.js';
import { MAX_HEADER_KIB, MAX_REDIRECTS } from './http-limits.js';
import { stallTimeoutMs } from './stall-timeout.js';
import { tail } from './tail.js';

interface EngineAdvice {
  install: string;
  start: string;
  /** When its socket refuses the user. */
  access?: string;
}

const ADVICE: Record<EngineName, EngineAdvice> = {
  docker: {
    install: 'Install Docker (https://docs.docker.com/get-docker/), or Docker Desktop, and start it.',
    start: 'Start Docker (Docker Desktop, or `sudo systemctl start docker`)',
    access:
      'your user is not in the docker group that may use it. Add your user to the docker group (`sudo usermod -aG docker $USER`) and log in again, or use Podman, which runs as your own user without any group',
  },
  podman: {
    install:
      'Install Podman (https://podman.io); its API service is started on demand, or enable it with `systemctl --user enable --now podman.socket`.',
    start:
      'Start its service (`systemctl --user enable --now podman.socket`, or as root `sudo systemctl enable --now podman.socket`)',
    access: 'it belongs to another user. Check who owns it, or use your own (rootless) Podman',
  },
  apptainer: {
    install: 'On a cluster: `module load apptainer`. Elsewhere: install Apptainer (https://apptainer.org).',
    start: 'Check that `apptainer --version` works in a terminal',
  },
};

export const installAdvice = (engine: EngineName): string => ADVICE[engine].install;

const errorCodeOf = (error: unknown): string | undefined =>
  (error as NodeJS.ErrnoException)?.code ?? (error as { cause?: NodeJS.ErrnoException })?.cause?.code;

const messageOf = (error: unknown): string => (error as Error)?.message ?? String(error);

/** The connection to an engine broke: its socket closed or reset under a call. */
const CONNECTION_CUT = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_BST_SSH']);

/** A BridgeError already says what failed (a cut download's cause is a socket error too). */
export const isConnectionCut = (error: unknown): boolean =>
  !(error instanceof BridgeError) && CONNECTION_CUT.has(errorCodeOf(error) ?? '');

/** Why ssh gave no stream to a remote engine (src/engines/ssh/ssh-failure.ts reads it from ssh's output). */
export type SshReason =
  | 'no-client'
  | 'unreachable'
  | 'refused'
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'no-docker'
  | 'no-daemon'
  | 'no-socket'
  | 'dropped'
  | 'other';

interface SshFailureFields {
  code: 'ERR_BST_SSH';
  sshReason: SshReason;
  /** `user@host port N`, as ssh was asked. */
  sshHost: string;
  sshPath?: string;
  detail: string;
}

const isSshFailure = (error: unknown): error is SshFailureFields =>
  (error as SshFailureFields)?.code === 'ERR_BST_SSH';

const whySsh = ({ sshReason, sshHost, sshPath, detail }: SshFailureFields): string => {
  const host = sshHost.replace(/ port \d+$/, '');
  switch (sshReason) {
    case 'no-client':
      return `ssh could not be run (${detail}). Install OpenSSH's client (the \`ssh\` program) and make sure it is on the PATH`;
    case 'unreachable':
      return `the machine cannot be reached over the network (${detail}). Check the address, the network or VPN, and that the machine is on`;
    case 'refused':
      return `nothing accepts SSH connections there (${detail}). Check the port in the address and that the machine's SSH server runs`;
    case 'auth':
      return `the machine refused the login of ${sshHost} (${detail}). The bridge never asks for a password: load your key into ssh-agent (\`ssh-add\`) or name it in ~/.ssh/config, and check that \`ssh ${host}\` logs in without a prompt in a terminal`;
    case 'host-key-unknown':
      return `its host key is not known to this computer, and the bridge never accepts a key it has not seen (${detail}). Connect once with \`ssh ${host}\` in a terminal and confirm the key with the machine's administrator`;
    case 'host-key-changed':
      return `its host key is NOT the one recorded in your known_hosts: the machine was reinstalled, or someone is in the way (${detail}). Ask the machine's administrator; if the new key is right, remove the old one with \`ssh-keygen -R\` and connect once with \`ssh ${host}\` in a terminal`;
    case 'no-docker':
      return `the machine has no \`docker\` program on the PATH of an SSH session (${detail}). Install Docker there, or put docker on the PATH that non-interactive SSH sessions get`;
    case 'no-daemon':
      return `docker on that machine cannot reach its engine (${detail}). Start Docker on that machine`;
    case 'no-socket':
      return `the machine has no engine socket at ${sshPath ?? 'the path given'} (${detail}). Start the service there (\`systemctl --user enable --now podman.socket\`, or as root for /run/podman/podman.sock) and check the path in the address`;
    case 'dropped':
      return `the SSH connection dropped (${detail}). Retry: the next call connects again`;
    default:
      return `ssh failed (${detail})`;
  }
};

/**
 * Where an engine's TLS files are (a Docker endpoint's TlsSettings): messages name the file to
 * check, and the folder the Docker CLI would read it from.
 */
export interface TlsFiles {
  /** Verify the server against `ca` (the system's CAs when there is none); false: encrypt only. */
  verify: boolean;
  ca?: string;
  /** Sent only with `key`: the Docker CLI uses a client certificate only when it has both. */
  cert?: string;
  key?: string;
  /** Where the files are looked for, for messages: DOCKER_CERT_PATH's folder, or the context's. */
  folder: string;
  /** The Docker context the files belong to; none: DOCKER_CERT_PATH (or its default). */
  context?: string;
}

const tlsFolder = (tls: TlsFiles) =>
  tls.context
    ? `the TLS folder of Docker context "${tls.context}" (${tls.folder})`
    : `the certificate folder ${tls.folder} (DOCKER_CERT_PATH, else ~/.docker)`;

type TlsCause =
  | 'untrusted'
  | 'self-signed'
  | 'name'
  | 'expired'
  | 'not-yet-valid'
  | 'client-certificate'
  | 'handshake'
  | 'plaintext';

/**
 * Node's codes for a server certificate it does not accept, and OpenSSL's for the alerts a server
 * sends (as Node 22 names them), and for an answer that is not TLS at all.
 */
const TLS_CAUSES: Record<string, TlsCause> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  CERT_SIGNATURE_FAILURE: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  CERT_REJECTED: 'untrusted',
  // A chain up to a root not trusted here: an unknown CA, not a self-signed server.
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'name',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'client-certificate',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'client-certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'client-certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'client-certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: 'client-certificate',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 'client-certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'client-certificate',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'client-certificate',
  'ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE': 'handshake',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'handshake',
  ERR_SSL_WRONG_VERSION_NUMBER: 'plaintext',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'plaintext',
  ERR_SSL_HTTP_REQUEST: 'plaintext',
};

const PLAINTEXT_REASON = /wrong version number|packet length too long|http request/i;

/**
 * The TLS failure in an error or its causes: undici reports a server's alert after the handshake
 * as "other side closed", with the alert as its cause (tls-connector.ts). EPROTO: Node's older
 * code for any of them.
 */
const tlsFailureOf = (error: unknown): { cause: TlsCause; detail: string } | undefined => {
  for (let found = error as NodeJS.ErrnoException | undefined, depth = 0; found && depth < 4; depth++) {
    const code = found.code ?? '';
    const cause =
      TLS_CAUSES[code] ??
      (code === 'EPROTO' ? (PLAINTEXT_REASON.test(found.message) ? 'plaintext' : 'handshake') : undefined);
    if (cause) {
      // OpenSSL's reason without its file and line; Node's own messages may end with ": ".
      const words = ((found as { reason?: string }).reason ?? found.message).replace(/[\s:]+$/, '');
      return { cause, detail: `${words}, ${code}` };
    }
    found = found.cause as NodeJS.ErrnoException | undefined;
  }
  return undefined;
};

const whyTlsFailed = (tls: TlsFiles, cause: TlsCause, detail: string): string => {
  const trusted = tls.ca ? `the CA in ${tls.ca}` : 'a CA this computer trusts';
  const checkCa = tls.ca
    ? `Check that this ca.pem, in ${tlsFolder(tls)}, is the CA that signed the engine's certificate`
    : `Put the CA that signed the engine's certificate as ca.pem in ${tlsFolder(tls)}`;
  switch (cause) {
    case 'untrusted':
      return `its TLS certificate is not signed by ${trusted} (${detail}), so nothing was sent to it. ${checkCa}`;
    case 'self-signed':
      return `its TLS certificate is self-signed, not signed by ${trusted} (${detail}), so nothing was sent to it. ${checkCa}`;
    case 'name':
      return `its TLS certificate is not for this address (${detail}), so nothing was sent to it. Reach it by a name its certificate holds (in DOCKER_HOST, or the context's endpoint), or give the engine a certificate for this address`;
    case 'expired':
      return `its TLS certificate has expired (${detail}), so nothing was sent to it. Renew the engine's certificate, or check this computer's clock`;
    case 'not-yet-valid':
      return `its TLS certificate is not valid yet (${detail}), so nothing was sent to it. Check this computer's clock`;
    case 'client-certificate':
      return tls.cert
        ? `it refused the client certificate ${tls.cert} (${detail}). Use a client certificate signed by the CA the engine trusts (its --tlscacert), not expired, as cert.pem with its key.pem in ${tlsFolder(tls)}`
        : `it requires a client certificate and none was sent (${detail}). Put a client certificate signed by the engine's CA, and its key, as cert.pem and key.pem in ${tlsFolder(tls)}`;
    case 'handshake':
      return tls.cert
        ? `it broke off the TLS handshake (${detail}): it may refuse the client certificate ${tls.cert}. Check that the CA the engine trusts signed it`
        : `it broke off the TLS handshake (${detail}): it may require a client certificate. Put one signed by the engine's CA, and its key, as cert.pem and key.pem in ${tlsFolder(tls)}`;
    case 'plaintext':
      return `it does not speak TLS on this port (${detail}), and the bridge never falls back to plain HTTP. Use the engine's TLS port (Docker's usual one is 2376)${
        tls.context
          ? `, or, if this engine is really unencrypted, remove the TLS folder and SkipTLSVerify of Docker context "${tls.context}"`
          : ', or, if this engine is really unencrypted, unset DOCKER_TLS_VERIFY and DOCKER_TLS'
      }`;
  }
};

/** A TLS connection closed with no alert: a server may drop a client certificate it refuses so. */
const whyTlsCut = (tls: TlsFiles): string =>
  tls.cert
    ? `it closed the connection: it may have stopped, or refuse the client certificate ${tls.cert}. Start it again, or check that the CA the engine trusts signed that certificate, then retry`
    : `it closed the connection: it may have stopped, or require a client certificate (cert.pem and key.pem in ${tlsFolder(tls)}). Start it again, or give it one, then retry`;

const whyNotAnswering = (engine: EngineName, error: unknown, tls?: TlsFiles): string => {
  if (isSshFailure(error)) return whySsh(error);
  const advice = ADVICE[engine];
  const code = errorCodeOf(error);
  const tlsFailure = tls ? tlsFailureOf(error) : undefined;
  if (tls && tlsFailure) return whyTlsFailed(tls, tlsFailure.cause, tlsFailure.detail);
  if (tls && code && CONNECTION_CUT.has(code)) return whyTlsCut(tls);
  if (code === 'ENOENT') return `its socket does not exist. ${advice.start}`;
  if (code === 'ECONNREFUSED') return `nothing answers on its socket. ${advice.start}`;
  if (code === 'EACCES' || code === 'EPERM')
    return advice.access
      ? `permission denied on its socket: ${advice.access}`
      : `permission denied on its socket. ${advice.start}`;
  if (code && CONNECTION_CUT.has(code))
    return 'it closed the connection (it may have stopped). Start it again, then retry';
  return `it did not answer (${messageOf(error)})`;
};

/**
 * -32002, data `{engine, location, engineMessage}`: the one word for an engine that does not
 * answer, whether it never did or stopped in the middle of a call.
 */
export const engineNotAnswering = (
  engine: EngineName,
  location: string,
  error: unknown,
  tls?: TlsFiles,
): BridgeError =>
  new BridgeError(
    ErrorCode.EngineNotAnswering,
    `${ENGINE_LABELS[engine]} is not answering at ${location}: ${whyNotAnswering(engine, error, tls)}.`,
    { data: { engine, location, engineMessage: messageOf(error), code: errorCodeOf(error) }, cause: error },
  );

/** -32002: the address a variable names (CONTAINER_HOST) does not answer: it is the one place looked. */
export const variableAddressNotAnswering = (engine: EngineName, location: string, variable: string) =>
  new BridgeError(
    ErrorCode.EngineNotAnswering,
    `${ENGINE_LABELS[engine]} is not answering at ${location} (${variable}). ${ADVICE[engine].start}, or unset ${variable}.`,
    { data: { engine, location, engineMessage: 'no answer' } },
  );

const WHY_NOT_READ: Record<string, string> = {
  ENOENT: 'it does not exist',
  EACCES: 'your user may not read it',
  EPERM: 'your user may not read it',
  EISDIR: 'it is a folder',
};

/** What to do about the TLS files: where the Docker CLI takes them from. */
const tlsFilesAdvice = (tls: TlsFiles) =>
  tls.context
    ? `Docker context "${tls.context}" keeps its TLS files in ${tls.folder}: fix them (\`docker context update\`, or create the context again)`
    : `DOCKER_TLS_VERIFY or DOCKER_TLS asks for TLS with ca.pem (and cert.pem, key.pem) from ${tlsFolder(tls)}: put the engine's files there, or point DOCKER_CERT_PATH at the folder that has them`;

/** -32002: a file TLS needs cannot be read; nothing was sent to the engine. */
export const tlsFileUnreadable = (location: string, path: string, tls: TlsFiles, error: unknown) => {
  const code = errorCodeOf(error);
  const why = WHY_NOT_READ[code ?? ''] ?? messageOf(error);
  return new BridgeError(
    ErrorCode.EngineNotAnswering,
    `Docker cannot be reached at ${location} over TLS: ${path} cannot be read (${why}). ${tlsFilesAdvice(tls)}.`,
    { data: { engine: 'docker', location, engineMessage: messageOf(error) }, cause: error },
  );
};

/**
 * -32002: a TLS file is not what it must be. `problem`: a certificate file with no certificate,
 * a key that is not a key, is encrypted, or is not the certificate's.
 */
export const tlsFileInvalid = (
  location: string,
  path: string,
  tls: TlsFiles,
  problem: 'no-certificate' | 'not-a-key' | 'encrypted-key' | 'key-mismatch',
  cause?: unknown,
) => {
  const what = {
    'no-certificate': `${path} holds no PEM certificate`,
    'not-a-key': `${path} is not a PEM private key`,
    // cli/context/docker/load.go@v29.7.2 refuses them too.
    'encrypted-key': `${path} is an encrypted private key, which the Docker CLI no longer reads, nor does the bridge: keep it decrypted, readable by your user alone (\`openssl pkey -in encrypted-key.pem -out key.pem\`)`,
    'key-mismatch': `${path} is not the key of ${tls.cert}`,
  }[problem];
  const detail = cause ? ` (${messageOf(cause)})` : '';
  return new BridgeError(
    ErrorCode.EngineNotAnswering,
    `Docker cannot be reached at ${location} over TLS: ${what}${detail}. ${tlsFilesAdvice(tls)}.`,
    { data: { engine: 'docker', location, engineMessage: `${what}${detail}` }, cause },
  );
};

/** -32002: the engine answers, but the way to it is wrong (a bad DOCKER_HOST, a broken context). */
export const engineUnreachable = (engine: EngineName, location: string, why: string, cause?: unknown) =>
  new BridgeError(ErrorCode.EngineNotAnswering, `${ENGINE_LABELS[engine]} cannot be reached: ${why}.`, {
    data: { engine, location, engineMessage: why },
    cause,
  });

/** -32002: the address a Podman connection names does not answer: Podman would use no other. */
export const connectionNotAnswering = (location: string, source: string) =>
  new BridgeError(
    ErrorCode.EngineNotAnswering,
    `Podman is not answering at ${location} (${source}). ${ADVICE.podman.start} there, or choose another connection (\`podman system connection list\`, \`podman system connection default NAME\`).`,
    { data: { engine: 'podman', location, engineMessage: 'no answer' } },
  );

/** -32002: Podman's containers.conf or podman-connections.json is not what Podman reads either. */
export const podmanConfigUnreadable = (file: string, why: string) =>
  engineUnreachable(
    'podman',
    file,
    `its configuration ${file} cannot be read (${why}); Podman refuses it too. Fix or remove it`,
  );

/** -32002: CONTAINER_CONNECTION names a connection Podman does not have. */
export const unknownPodmanConnection = (name: string, known: string[], files: string[]) =>
  engineUnreachable(
    'podman',
    `CONTAINER_CONNECTION=${name}`,
    `CONTAINER_CONNECTION names the connection "${name}", which is not in ${files.join(' or ')} (${
      known.length > 0
        ? `the connections are ${known.map((each) => `"${each}"`).join(', ')}`
        : 'there is none'
    }). Set it to one of \`podman system connection list\`, or unset it`,
  );

const BAD_CONNECTION_WHY = {
  'no-uri': () => 'has no uri',
  scheme: (uri: string) =>
    `has the address ${uri}: bst-containers reaches a Podman connection over ssh:// or at a unix:// socket only`,
  address: (problem: string) => `has a bad address: ${problem}`,
};

/** -32002: the connection Podman would use has no address, or one the bridge cannot use. */
export const badPodmanConnection = (
  name: string,
  file: string,
  why: keyof typeof BAD_CONNECTION_WHY,
  detail = '',
) =>
  engineUnreachable(
    'podman',
    `connection ${name}`,
    `its connection "${name}" in ${file} ${BAD_CONNECTION_WHY[why](detail)}. Add it again (\`podman system connection add ${name.includes(' ') ? `"${name}"` : name} ssh://user@host/run/podman/podman.sock\`) or choose another (\`podman system connection default NAME\`)`,
  );

/** -32002: Podman is installed, but no service answers and none could be started. */
export const serviceNotStarted = (engine: EngineName, program: string, why: string, cause?: unknown) =>
  new BridgeError(
    ErrorCode.EngineNotAnswering,
    `${ENGINE_LABELS[engine]} is installed (${program}) but its API service could not be started: ${why}. ${ADVICE[engine].start}.`,
    { data: { engine, location: program, engineMessage: why }, cause },
  );

/** -32002: the engine's program runs but does not work (`apptainer --version` fails). */
export const programFailed = (engine: EngineName, program: string, output: string) =>
  new BridgeError(
    ErrorCode.EngineNotAnswering,
    `${program} --version failed: ${output.trim()}. ${ADVICE[engine].start}.`,
    { data: { engine, location: program, engineMessage: output } },
  );

/**
 * -32002: the engine closed a command's output stream while the command still ran; the bridge
 * stopped the command, since its output could no longer reach the caller.
 */
export const outputStreamCut = (
  engine: EngineName,
  location: string,
  containerName: string,
  cause?: unknown,
) =>
  isSshFailure(cause)
    ? new BridgeError(
        ErrorCode.EngineNotAnswering,
        `${ENGINE_LABELS[engine]} at ${location} stopped answering while the command in container ${containerName} still ran, so the command was stopped: ${whySsh(cause)}.`,
        { data: { engine, location, engineMessage: cause.detail, code: cause.code }, cause },
      )
    : new BridgeError(
        ErrorCode.EngineNotAnswering,
        `The engine closed the output stream of the command in container ${containerName} while the command still ran; the command was stopped. Check that the engine is still running, then retry.`,
        { data: { engine, location, engineMessage: 'output stream closed while the command ran' } },
      );

/**
 * -32002: the program found is a release without the flags the bridge uses, or not one it knows
 * (Singularity before SingularityCE, SingularityPRO).
 */
export const apptainerUnsupported = (program: string, printed: string) =>
  new BridgeError(
    ErrorCode.EngineNotAnswering,
    `${program} is ${printed.trim() || 'a program that printed no version'}: bst-containers needs Apptainer 1.0 or newer, or SingularityCE 3.9 or newer. Load a newer one (\`module avail apptainer\`, then \`module load apptainer\`) or ask the site to install it.`,
    { data: { engine: 'apptainer', location: program, engineMessage: printed } },
  );

/** -32001, data `{engine, looked?}`: a named engine that is not installed. */
export const engineNotFound = (engine: EngineName, looked?: string, cause?: unknown) =>
  new BridgeError(
    ErrorCode.EngineNotFound,
    `Container engine ${engine} was not found.${engine === 'apptainer' ? ' On a cluster, load it first (`module load apptainer`).' : ''}`,
    { data: { engine, ...(looked ? { looked } : {}) }, cause },
  );

/** -32001: auto-detect found nothing. */
export const noEngineFound = (cause?: unknown) =>
  new BridgeError(
    ErrorCode.EngineNotFound,
    'No valid container engine was found. Install Docker (https://docs.docker.com/get-docker/) or Podman (https://podman.io) and start it; on a cluster, `module load apptainer`.',
    { cause },
  );

/** -32004, data `{engineMessage, statusCode?, exitCode?}`: the engine refused or failed the call. */
export const engineRefused = (
  what: string,
  engineMessage: string,
  details: { statusCode?: number; exitCode?: number } = {},
) =>
  new BridgeError(ErrorCode.EngineFailed, `${what}: ${tail(engineMessage)}`, {
    data: { engineMessage, ...details },
  });

const GPU_SETUP = {
  docker:
    'Docker needs the NVIDIA driver and the NVIDIA Container Toolkit on its machine (`nvidia-ctk runtime configure --runtime=docker`, then restart Docker)',
  podman:
    "Podman needs the NVIDIA driver and the NVIDIA Container Toolkit's CDI spec on its machine (`nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml`; `nvidia-ctk cdi list` shows the GPU names it has)",
} as const;

/**
 * -32004, data `{engineMessage, statusCode}`: the engine cannot give the container the GPUs asked
 * for (`gpus`: every one, or these indices of its machine); the container is not left behind.
 */
export const gpusRefused = (
  engine: 'docker' | 'podman',
  what: string,
  gpus: 'all' | readonly string[],
  engineMessage: string,
  statusCode?: number,
) => {
  const asked = gpus === 'all' ? 'a GPU' : `the GPUs ${gpus.join(', ')} of its machine`;
  return new BridgeError(
    ErrorCode.EngineFailed,
    `${what}: ${ENGINE_LABELS[engine]} cannot give it ${asked} (${tail(engineMessage)}). ${GPU_SETUP[engine]}.`,
    { data: { engineMessage, ...(statusCode === undefined ? {} : { statusCode }) } },
  );
};

/**
 * -32004: Apptainer ran out of room. Pulls and builds write in its temp folder and its cache, the
 * SIF goes to the bridge's store: each has a variable that can point it at scratch space.
 */
export const apptainerNoSpace = (what: string, engineMessage: string, exitCode: number) =>
  new BridgeError(
    ErrorCode.EngineFailed,
    `${what}: no space left on device. Point APPTAINER_TMPDIR (or BST_CONTAINERS_TMPDIR) at a folder on scratch space for the build, APPTAINER_CACHEDIR for the layer cache, and BST_CONTAINERS_APPTAINER_CACHE for the SIF files, then retry. (${tail(engineMessage, 500)})`,
    { data: { engineMessage, exitCode } },
  );

/**
 * -32004: \`instance start\` refused for /proc mounted with hidepid on a setuid install, and again
 * with --userns (internal/pkg/runtime/launch/launcher_linux.go@v1.5.3).
 */
export const instanceHidepid = (name: string, engineMessage: string, exitCode: number) =>
  new BridgeError(
    ErrorCode.EngineFailed,
    `Could not start instance ${name}: /proc is mounted with hidepid on this host and Apptainer is installed setuid, and starting it in a user namespace (--userns) failed too. Ask the site to allow unprivileged user namespaces, or to mount /proc with hidepid=0; or run without isDaemon. (${tail(engineMessage, 500)})`,
    { data: { engineMessage, exitCode } },
  );

/** -32004: an Apptainer without \`run --no-eval\` would evaluate these arguments as shell words. */
export const argumentsWouldBeEvaluated = (version: string, args: string[]) =>
  new BridgeError(
    ErrorCode.EngineFailed,
    `Apptainer ${version} evaluates run arguments in the image's runscript ($, quotes, backticks, \\), and these have such characters: ${args.join(' ')}. Use Apptainer 1.1 or newer (SingularityCE 3.10 or newer), which can pass them as they are.`,
    { data: { engineMessage: `no --no-eval in ${version}` } },
  );

/** -32602: a bind that Apptainer's --bind syntax cannot carry. */
export const bindNotPossible = (problem: string) =>
  invalidParams(
    'RunContainer',
    `volumes: ${problem}, which Apptainer's --bind cannot carry. Rename the folder, or bind a parent folder that has no such character.`,
  );

/** doctor's line on the GPU rule. */
export const gpuStatus = (hasGpu: boolean) =>
  hasGpu
    ? 'GPU: an NVIDIA GPU was found; useGpu gives containers every GPU.'
    : 'GPU: no NVIDIA GPU found (no /dev/nvidia* device, `nvidia-smi -L` lists none); useGpu starts containers without a GPU.';

/**
 * Said once per engine when useGpu was asked and the engine's machine has no NVIDIA GPU, as far
 * as the bridge can tell: the container starts without one, as Brainstorm's preference means
 * "use the GPU when there is one". `remote`: the engine is on another machine, which reported no
 * GPU (`reported`) or reports nothing of GPUs.
 */
export const noGpuNotice = (engine: EngineName, remote?: { location: string; reported: boolean }) => {
  const label = ENGINE_LABELS[engine];
  if (!remote)
    return `No NVIDIA GPU was found on this computer (no /dev/nvidia* device, \`nvidia-smi -L\` lists none): ${label} containers start without a GPU.`;
  if (remote.reported)
    return `${label} at ${remote.location} reports no NVIDIA GPU on its computer (no \`nvidia\` runtime, no \`nvidia.com/gpu\` CDI device): ${label} containers there start without a GPU. If that computer has one, register the NVIDIA Container Toolkit's runtime there (\`nvidia-ctk runtime configure --runtime=docker\`, then restart Docker).`;
  return `${label} at ${remote.location} does not report whether its computer has an NVIDIA GPU, and the bridge cannot look there: ${label} containers there start without a GPU.`;
};

/**
 * Said once per engine when useGpu was asked inside a Slurm job that was given no GPU on this
 * node: asking the engine for every GPU would take other jobs' GPUs.
 */
export const jobGotNoGpuNotice = (engine: EngineName, jobId: string) => {
  const label = ENGINE_LABELS[engine];
  return `Slurm job ${jobId} was given no GPU on this node (neither SLURM_STEP_GPUS nor SLURM_JOB_GPUS is set): ${label} containers start without a GPU rather than take other jobs' GPUs. Ask for one in the job (\`#SBATCH --gres=gpu:1\` or \`--gpus=1\`).`;
};

/**
 * Said once per engine when the job's GPU list is not a list of GPU indices as Slurm writes it:
 * the bridge cannot tell which GPUs are the job's, and takes none.
 */
export const jobGpusUnreadableNotice = (engine: EngineName, variable: string, value: string) => {
  const label = ENGINE_LABELS[engine];
  return `${variable}=${value} is not a list of GPU indices as Slurm writes it (such as 0,2): ${label} containers start without a GPU rather than take GPUs that may not be this job's. Leave ${variable} as Slurm set it.`;
};

/** -32010, data `{engineMessage?}`. */
export const containerNotFound = (name: string, engineMessage?: string) =>
  new BridgeError(ErrorCode.ContainerNotFound, `No container named ${name} exists.`, {
    data: engineMessage === undefined ? {} : { engineMessage },
  });

/** -32011, data `{engineMessage?}`. */
export const imageNotFound = (image: string, engine: EngineName, engineMessage?: string) =>
  new BridgeError(ErrorCode.ImageNotFound, `Image ${image} was not found in ${ENGINE_LABELS[engine]}.`, {
    data: engineMessage === undefined ? {} : { engineMessage },
  });

/** -32012, data `{engineMessage?}`: what Brainstorm does next is StopContainer(name, 1). */
export const nameInUse = (name: string, engineMessage?: string) =>
  new BridgeError(
    ErrorCode.Conflict,
    `A container named ${name} already exists: remove it first with StopContainer('${name}', 1).`,
    { data: engineMessage === undefined ? {} : { engineMessage } },
  );

/** -32012: `users` are the containers using it, when the engine names them. */
export const imageInUse = (image: string, engineMessage?: string, users: string[] = []) =>
  new BridgeError(
    ErrorCode.Conflict,
    `Image ${image} is in use${users.length > 0 ? ` by ${users.join(', ')}` : ''}: stop the containers that use it, or remove it with isForced=1.${engineMessage ? ` (${engineMessage})` : ''}`,
    { data: engineMessage === undefined ? {} : { engineMessage } },
  );

/** -32012. */
export const containerNotRunning = (name: string, engineMessage?: string) =>
  new BridgeError(ErrorCode.Conflict, `Container ${name} is not running: start it with RunContainer first.`, {
    data: engineMessage === undefined ? {} : { engineMessage },
  });

/** 128+N is death by signal N, as a shell and Docker report it: 137 is SIGKILL (often out of memory). */
const exitCodeText = (exitCode: number) =>
  exitCode > 128 && exitCode < 160
    ? `${exitCode} (killed by signal ${exitCode - 128}${exitCode === 137 ? ', often out of memory or a job limit' : ''})`
    : `${exitCode}`;

/** -32020, data `{exitCode, output}`: a non-daemon container's entrypoint failed. */
export const containerExited = (name: string, exitCode: number, output: string) =>
  new BridgeError(
    ErrorCode.CommandFailed,
    `Container ${name} exited with code ${exitCodeText(exitCode)}${output.trim() ? `: ${tail(output)}` : ''}`,
    { data: { exitCode, output } },
  );

/**
 * -32020, data `{exitCode, output}`: a command of ExecInContainer failed. `containerStopped`:
 * it was killed because its container stopped under it (the engine going down, a stop).
 */
export const commandFailed = (name: string, exitCode: number, output: string, containerStopped = false) => {
  const what = containerStopped
    ? `was killed (exit code ${exitCode}): container ${name} stopped while it ran`
    : `failed with exit code ${exitCodeText(exitCode)} in container ${name}`;
  return new BridgeError(
    ErrorCode.CommandFailed,
    `Command ${what}${output.trim() ? `: ${tail(output)}` : ' (it printed nothing)'}`,
    { data: { exitCode, output } },
  );
};

/** -32030, data `{reason}`: a pull, in the engine's words or ours. */
export const pullFailed = (reference: string, reason: string) =>
  new BridgeError(ErrorCode.RegistryFailed, `Could not pull ${reference}: ${reason}`, { data: { reason } });

/** What a credential helper did instead of giving a login (src/registry/credentials/credential-helper.ts). */
export type HelperProblem =
  | { kind: 'missing' }
  | { kind: 'failed'; exitCode: number | null; stderr: string }
  | { kind: 'garbage' }
  | { kind: 'stalled' };

/**
 * -32030, data `{reason, registry}`: the login for a registry is kept by a credential helper that
 * gave none. Nothing the helper printed on stdout is repeated: it may hold the secret.
 */
export const credentialHelperFailed = (registry: string, helper: string, problem: HelperProblem) => {
  const program = helper.split(' ')[0] as string;
  const reason = {
    missing: `${helper} is not installed, or not on the PATH the bridge has. Install it, or remove it from that file and log in again (\`docker login ${registry}\`)`,
    failed: `${helper} failed (exit code ${(problem as { exitCode?: number | null }).exitCode ?? 'none'}${
      (problem as { stderr?: string }).stderr ? `: ${tail((problem as { stderr: string }).stderr, 300)}` : ''
    }). Check that \`${program} get\` works in a terminal (a locked keychain must be unlocked), then retry`,
    garbage: `${helper} did not answer with the JSON login credential helpers give. Check that \`${program} get\` works in a terminal, or remove it from that file and log in again`,
    stalled: `${helper} did not answer within ${stallTimeoutMs() / 1000} s (it may wait for a password prompt or an unlocked keychain). Check that \`${program} get\` works in a terminal, then retry`,
  }[problem.kind];
  return new BridgeError(
    ErrorCode.RegistryFailed,
    `The login for ${registry} could not be read: ${reason}.`,
    {
      data: { reason, registry },
    },
  );
};

/** What the bridge or the engine was doing with the registry, for the start of a message. */
export type RegistryAction = { kind: 'pull'; reference: string } | { kind: 'manifest'; reference: string };

const actionText = (action: RegistryAction) =>
  action.kind === 'pull'
    ? `Could not pull ${action.reference}`
    : `Could not get the manifest of ${action.reference} from its registry`;

/** Where a login was found, or where none was: what a refused login is about. */
export type LoginUsed =
  | { sent: true; username?: string; source: string }
  | { sent: false; places: string[]; loginCommand: string }
  /** The engine keeps the logins (Apptainer): what its words tell, and its own way to log in. */
  | { sent: 'by-engine'; why: string; advice: string };

/**
 * -32030, data `{reason, registry}`: the registry refused the login sent, or wants one and none
 * was found. Names the user and where the login came from; never the secret.
 */
export const registryLoginRefused = (
  action: RegistryAction,
  registry: string,
  login: LoginUsed,
  cause?: unknown,
) => {
  const reason =
    login.sent === 'by-engine'
      ? `${registry} refused the login (${login.why}). ${login.advice.replace(/\.$/, '')}`
      : login.sent
        ? `${registry} refused the login${login.username ? ` of ${login.username}` : ''} from ${login.source}: a wrong or expired password or token, or no access to this repository. Log in again, then retry`
        : `${registry} asks for a login, and none for it was found (looked in ${login.places.join(', ')}). Log in with \`${login.loginCommand} ${registry}\`, then retry`;
  return new BridgeError(ErrorCode.RegistryFailed, `${actionText(action)}: ${reason}.`, {
    data: { reason, registry },
    ...(cause ? { cause } : {}),
  });
};

/** A registry's 429 answer, as its rate-limit headers tell it (src/registry/rate-limit.ts). */
export interface RateLimitReport {
  limit?: number;
  /** The window `limit` counts over, in seconds. */
  windowSeconds?: number;
  remaining?: number;
  /** When it resets, from Retry-After or RateLimit-Reset. */
  resetAt?: Date;
}

const duration = (seconds: number) => {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
};

/**
 * -32030, data `{reason, registry, rateLimit}`: a registry's pull limit (Docker Hub's: per
 * address for anonymous pulls, per account when logged in).
 */
export const pullLimitReached = (
  action: RegistryAction,
  registry: string,
  report: RateLimitReport,
  /** How to log in, as the engine's users do; none: a login was sent, the account's limit was reached. */
  howToLogIn: string | undefined,
  engineMessage?: string,
  now = new Date(),
) => {
  const counted =
    report.limit !== undefined
      ? ` (${report.limit} pulls${report.windowSeconds ? ` per ${duration(report.windowSeconds)}` : ''}${
          report.remaining !== undefined ? `, ${report.remaining} left` : ''
        })`
      : '';
  const reset = report.resetAt
    ? `It resets in ${duration((report.resetAt.getTime() - now.getTime()) / 1000)} (at ${report.resetAt.toISOString().slice(11, 16)} UTC).`
    : `The registry did not say when it resets${report.windowSeconds ? `; it counts over ${duration(report.windowSeconds)}` : ''}.`;
  const advice = howToLogIn
    ? `Logging in raises it (${howToLogIn}; the tasks of a Slurm job array share one address, so log in before starting it), or wait.`
    : 'This is the limit of the account logged in: wait, or use an account with a higher limit.';
  const reason = `${registry} answered that a pull limit was reached (HTTP 429 Too Many Requests)${counted}. ${reset} ${advice}`;
  return new BridgeError(ErrorCode.RegistryFailed, `${actionText(action)}: ${reason}`, {
    data: {
      reason,
      registry,
      ...(engineMessage ? { engineMessage } : {}),
      rateLimit: {
        ...report,
        ...(report.resetAt ? { resetAt: report.resetAt.toISOString() } : {}),
      },
    },
  });
};

/** Why a registry refused a login, as far as the engine's words tell. */
export const LOGIN_REFUSED_WHY = {
  credentials: 'wrong or missing credentials',
  /** Registries with token auth say "denied" alike for a missing repository and a missing login. */
  denied: 'no such repository, or wrong or missing credentials',
} as const;

/**
 * How to log in for Apptainer's pulls: `registry login` keeps the credentials in its own file
 * (docker-config.json in ~/.apptainer, internal/pkg/util/ociauth/ociauth.go@v1.5.3), the
 * environment gives them for every pull (cmd/internal/cli/apptainer.go@v1.5.3); SingularityCE
 * reads SINGULARITY_DOCKER_USERNAME and SINGULARITY_DOCKER_PASSWORD (singularity.go@v4.5.1).
 */
export const apptainerLogin = (
  command: string,
  flavour: 'apptainer' | 'singularity-ce',
  registry: string,
) => {
  const prefix = flavour === 'apptainer' ? 'APPTAINER' : 'SINGULARITY';
  return `\`${command} registry login --username NAME docker://${registry}\` or set ${prefix}_DOCKER_USERNAME and ${prefix}_DOCKER_PASSWORD`;
};

export const apptainerLoginAdvice = (
  command: string,
  flavour: 'apptainer' | 'singularity-ce',
  registry: string,
) => {
  return `Log in with ${apptainerLogin(command, flavour, registry)}, then retry.`;
};

/** -32030: the registry gave no digest for GetOnlineManifest. */
export const manifestFailed = (reference: string, reason: string, cause?: unknown) =>
  new BridgeError(
    ErrorCode.RegistryFailed,
    `Could not get the manifest of ${reference} from its registry: ${reason}`,
    { data: { reason }, cause },
  );

/** A transfer that made no progress for the stall time, as a reason. */
export const stalledReason = (seconds: number) =>
  `the registry sent nothing for ${seconds} s. Check the network and the registry, then retry.`;

/** -32031, data `{reason, engineMessage?}`. */
export const downloadFailed = (url: string, reason: string, cause?: unknown, engineMessage?: string) =>
  new BridgeError(ErrorCode.DownloadFailed, `Could not download ${url}: ${reason}.`, {
    cause,
    data: { reason, ...(engineMessage === undefined ? {} : { engineMessage }) },
  });

/** -32031: the temp folder is full. */
export const noTempSpace = (url: string, tempRoot: string, cause: unknown) =>
  downloadFailed(
    url,
    `no space left in ${tempRoot} for it. Free space there, or set BST_CONTAINERS_TMPDIR to a folder with room`,
    cause,
  );

/** -32031: what a download brought is not an image (the engine's load said so). */
export const notAnImageArchive = (url: string, engineMessage: string, cause: unknown) =>
  downloadFailed(
    url,
    `what arrived is not a whole image archive (the engine said: ${engineMessage})`,
    cause,
    engineMessage,
  );

/** -32032, data `{path, code}`. */
export const fileUnreadable = (path: string, error: NodeJS.ErrnoException) =>
  new BridgeError(ErrorCode.FileNotFound, `Cannot read the image file ${path}: ${error.code}.`, {
    data: { path, code: error.code },
    cause: error,
  });

const WHY_NOT_MADE: Record<string, string> = {
  EACCES: 'your user may not write in the folder above it',
  EPERM: 'your user may not write in the folder above it',
  ENOTDIR: 'a part of its path is a file',
  EROFS: 'it is on a read-only file system',
  ENOSPC: 'the disk is full',
};

/** -32032, data `{path, code}`: a bind's host folder is missing and could not be made. */
export const hostFolderNotMade = (path: string, error: NodeJS.ErrnoException) =>
  new BridgeError(
    ErrorCode.FileNotFound,
    `The host folder ${path} does not exist and cannot be created: ${WHY_NOT_MADE[error.code ?? ''] ?? error.code ?? error.message}. Choose a folder your user can write, or create it first.`,
    { data: { path, code: error.code }, cause: error },
  );

/** -32032: a remote engine has no such folder on its machine; nothing is made there or here. */
export const remoteFolderMissing = (path: string, location: string, engineMessage: string) =>
  new BridgeError(
    ErrorCode.FileNotFound,
    `The folder ${path} does not exist on ${location}, the engine's machine: with a remote engine, binds name folders of that machine, not of this computer. Create it there, or choose a folder that exists there, then retry.`,
    { data: { path, code: 'ENOENT' }, cause: new Error(engineMessage) },
  );

/** -32602. */
export const invalidParams = (method: string, why: string) =>
  new BridgeError(ErrorCode.InvalidParams, `Invalid params for ${method}: ${why}`);

/** -32601. */
export const unknownMethod = (method: string, known: readonly string[]) =>
  new BridgeError(ErrorCode.MethodNotFound, `Unknown method ${method}. Methods: ${known.join(', ')}`);

/** -32603: the bridge is going down on a fault it cannot recover from. */
export const internalFault = (error: unknown) =>
  new BridgeError(
    ErrorCode.InternalError,
    `The bst-containers bridge stopped on an internal fault (${messageOf(error)}); it will be started again on the next call. Retry; if it happens again, send its log (stderr) to the developers.`,
    { cause: error },
  );

/** -32603: a throw nobody meant (a bug): said as such. */
export const unexpected = (error: unknown) =>
  new BridgeError(ErrorCode.InternalError, `Internal error: ${messageOf(error)}`, { cause: error });

export const cancelled = () => new BridgeError(ErrorCode.RequestCancelled, 'Request cancelled');

/** Where the bridge takes a server's certificate authorities from, as advice. */
const OUTBOUND_CA_ADVICE =
  "Add the CA that signed it to this computer's certificate store, or name a file holding it in NODE_EXTRA_CA_CERTS; for a registry, put it as ca.crt in /etc/docker/certs.d/HOST:PORT/ (or /etc/containers/certs.d/, ~/.config/containers/certs.d/)";

const whyCertificateRefused = (cause: TlsCause, detail: string, host: string, folders: string[]) => {
  const trusted = `a CA this computer trusts${folders.length > 0 ? ` (nor by those in ${folders.join(', ')})` : ''}`;
  switch (cause) {
    case 'untrusted':
      return `its certificate is not signed by ${trusted} (${detail}). ${OUTBOUND_CA_ADVICE.replaceAll('HOST:PORT', host)}`;
    case 'self-signed':
      return `its certificate is self-signed, not signed by ${trusted} (${detail}). ${OUTBOUND_CA_ADVICE.replaceAll('HOST:PORT', host)}`;
    case 'name':
      return `its certificate is not for ${host} (${detail}). Use the name its certificate holds, or ask its administrators for a certificate for this name`;
    case 'expired':
      return `its certificate has expired (${detail}). Ask its administrators to renew it, or check this computer's clock`;
    case 'not-yet-valid':
      return `its certificate is not valid yet (${detail}). Check this computer's clock`;
    case 'client-certificate':
    case 'handshake':
      return `it broke off the TLS handshake (${detail}): it may require a client certificate, which the bridge sends from certs.d/${host}/ (a .cert file and its .key)`;
    case 'plaintext':
      return `it does not speak TLS on that port (${detail})`;
  }
};

/** The way a failed request took (src/shared/outbound): the proxy, and the registry's certs.d. */
interface FailedRoute {
  route: { proxy?: { url: URL; variable: string; problem?: string }; trust?: { folders: string[] } };
  target: URL;
}

const hasRoute = (error: unknown): error is FailedRoute =>
  typeof error === 'object' && error !== null && 'route' in error && 'target' in error;

/** A proxy's address as messages show it: never its password. */
const proxyName = ({ url, variable }: { url: URL; variable: string }) =>
  `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host} (${variable})`;

// undici's words (8.13.1, proxy-agent.js): a CONNECT answered otherwise than 200, and a 407 to a
// forwarded plain-http request.
const PROXY_STATUS = /Proxy response \((\d+)\)|Proxy Authentication Required \((407)\)/;

/** A request through a proxy that failed at the proxy: its connection or its answer to CONNECT. */
const whyProxyFailed = (
  error: FailedRoute,
  proxy: { url: URL; variable: string; problem?: string },
): string | undefined => {
  if (proxy.problem)
    return `${proxy.variable} names no proxy the bridge can use: ${proxy.problem}. Set it to http://HOST:PORT (as for the Docker CLI), or unset it`;
  const name = proxyName(proxy);
  const bypass = `or, if ${error.target.hostname} is reachable without it, add it to NO_PROXY`;
  const said = PROXY_STATUS.exec(messageOf((error as { cause?: unknown }).cause ?? error));
  const status = said?.[1] ?? said?.[2];
  // 407 is the standard answer; some proxies (tinyproxy) answer a wrong login 401.
  if (status === '407' || (status === '401' && proxy.url.username))
    return proxy.url.username
      ? `the proxy ${name} refused the login of ${proxy.url.username} (HTTP ${status}). Check the user and password in ${proxy.variable}`
      : `the proxy ${name} asks for a login (HTTP 407). Put the user and password in ${proxy.variable}: http://USER:PASSWORD@HOST:PORT`;
  if (status)
    return `the proxy ${name} refused to connect to ${error.target.host} (it answered HTTP ${status}). Ask your network's administrators, ${bypass}`;
  switch (errorCodeOf((error as { cause?: unknown }).cause)) {
    case 'ECONNREFUSED':
      return `nothing answers at the proxy ${name}. Check ${proxy.variable}, ${bypass}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the proxy's host name in ${name} is not known. Check ${proxy.variable}, ${bypass}`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the proxy ${name} cannot be reached. Check ${proxy.variable} and the network, ${bypass}`;
    case 'UND_ERR_PRX_CONN':
      return `the proxy ${name} closed the connection before it reached ${error.target.host}. Check ${proxy.variable}, ${bypass}`;
    default:
      return undefined;
  }
};

/** ` (through the proxy ...)` for a request that went through one, else nothing. */
export const throughProxy = (route: FailedRoute['route']): string =>
  route.proxy ? ` (through the proxy ${proxyName(route.proxy)})` : '';

/** What went wrong with an outbound request, in words a user can act on. */
export const httpFailureReason = (error: unknown): string => {
  if (hasRoute(error)) {
    const { proxy, trust } = error.route;
    const atProxy = proxy ? whyProxyFailed(error, proxy) : undefined;
    if (atProxy) return atProxy;
    const tls = tlsFailureOf(error);
    const why = tls
      ? whyCertificateRefused(tls.cause, tls.detail, error.target.host, trust?.folders ?? [])
      : plainHttpFailureReason((error as { cause?: unknown }).cause);
    return proxy ? `${why} (through the proxy ${proxyName(proxy)})` : why;
  }
  return plainHttpFailureReason(error);
};

const plainHttpFailureReason = (error: unknown): string => {
  const seconds = stallTimeoutMs() / 1000;
  const message = (error as Error)?.message ?? String(error);
  switch (errorCodeOf(error)) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `the server sent no complete answer within ${seconds} s`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `the server sent nothing for ${seconds} s`;
    case 'UND_ERR_HEADERS_OVERFLOW':
      return `the server's headers are larger than ${MAX_HEADER_KIB} KiB`;
    case 'UND_ERR_REDIRECT_MAX':
      return `it redirected more than ${MAX_REDIRECTS} times`;
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'the connection ended before the size the server announced';
    case 'UND_ERR_SOCKET':
      return 'the server closed the connection before the answer was complete';
    case 'ECONNRESET':
      return 'the server reset the connection';
    case 'ECONNREFUSED':
      return 'nothing answers at that address';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name is not known (check the address and the network)';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `its encoded body is damaged (${message})`;
    case 'UND_ERR_INVALID_ARG':
      if (/redirect loop/i.test(message)) return 'it redirected in a loop';
      if (/protocol/i.test(message)) return 'it redirected to an address that is not http(s)';
      return message;
    default:
      return message;
  }
};
