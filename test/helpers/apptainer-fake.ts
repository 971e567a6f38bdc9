import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  type ProcessOptions,
  type ProcessResult,
  type ProcessRunner,
  runProcess,
} from '../../src/engines/apptainer/process-runner.js';
import { repoRoot } from './paths.js';

const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/apptainer/${name}`, 'utf8');
const fill = (text: string, values: Record<string, string>) =>
  Object.entries(values).reduce((filled, [key, value]) => filled.replaceAll(`{{${key}}}`, value), text);

/** `FLAVOUR VERSION`, as `--version` prints them: the releases the fake can behave as. */
export type FakeRelease =
  | 'apptainer 1.5.3'
  | 'apptainer 1.3.6'
  | 'apptainer 1.1.0'
  | 'apptainer 1.0.0'
  | 'singularity-ce 4.5.1'
  | 'singularity-ce 4.0.0'
  | 'singularity-ce 3.10.0'
  | 'singularity-ce 3.9.0'
  | 'singularity 3.8.7';

/** The switch: BST_FAKE_APPTAINER_RELEASE makes the fake behave as an older release. */
const DEFAULT_RELEASE =
  (process.env.BST_FAKE_APPTAINER_RELEASE as FakeRelease | undefined) ?? 'apptainer 1.5.3';

const releaseFrom = (release: FakeRelease) => {
  const [flavour = '', version = ''] = release.split(' ');
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const from = (apptainer: [number, number], singularityCe: [number, number]) => {
    const [fromMajor, fromMinor] = flavour === 'apptainer' ? apptainer : singularityCe;
    return flavour !== 'singularity' && (major > fromMajor || (major === fromMajor && minor >= fromMinor));
  };
  return {
    // cmd/internal/cli/action_flags.go: --no-eval from apptainer v1.1.0, SingularityCE v3.10.0.
    hasNoEval: from([1, 1], [3, 10]),
    // internal/pkg/ociimage/sourcesink.go@v1.5.3: docker-archive read by ggcr's tarball, no gzip, from
    // apptainer v1.4.0 (containers/image before), SingularityCE v4.1.0.
    archiveWithoutGzip: from([1, 4], [4, 1]),
  };
};

const exited = (exitCode: number, stdout: string, stderr: string): ProcessResult => ({
  exitCode,
  stdout,
  stderr,
  all: stdout + stderr,
});

/** pkg/sylog/sylog.go@v1.5.3: Fatalf prints `FATAL:   ` and exits 255. */
const fatal = (message: string, before = '') => exited(255, '', `${before}FATAL:   ${message}\n`);

export interface RegistryLogin {
  username: string;
  password: string;
}

/**
 * Docker Hub's 429 body message, as reported from its answers (not from a source: Docker Hub's
 * server is not public).
 */
export const DOCKER_HUB_LIMIT =
  'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit';

/** The parts of a `docker://` reference the registry's answers name, as containers/image and ggcr parse it. */
const registryParts = (source: string) => {
  const reference = source.replace(/^docker:\/\//, '');
  const [first = '', ...others] = reference.split('/');
  const hasRegistry = others.length > 0 && (/[.:]/.test(first) || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? others.join('/') : reference;
  const at = path.indexOf('@');
  const colon = path.lastIndexOf(':');
  const tagOrDigest = at >= 0 ? path.slice(at + 1) : colon >= 0 ? path.slice(colon + 1) : 'latest';
  path = at >= 0 ? path.slice(0, at) : colon >= 0 ? path.slice(0, colon) : path;
  path = path.replace(/:[^/]*$/, '');
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { registry, path, tagOrDigest };
};

/**
 * Stands in for the `apptainer` program (not installable here), as its source prints: the same
 * text on the same stream with the same exit code (test/fixtures/apptainer/README.md names the
 * source of each). Apptainer 1.5.3 by default; `release` (or BST_FAKE_APPTAINER_RELEASE) makes it
 * an older one. `pull` and `build` write a small file where the SIF would be, so the engine's own
 * file handling runs for real; `exec` runs its command on this host, in a process group of its
 * own as in an instance, so that cancelling it can be checked for real.
 */
export class FakeApptainer {
  readonly calls: string[][] = [];
  /** The extra environment each call was given, in the order of `calls`. */
  readonly envs: Record<string, string>[] = [];
  readonly instances = new Map<string, string>();
  readonly release: FakeRelease;
  runOutput = 'hello from the runscript\n';
  runExitCode = 0;
  /** The runscript's process dies of this signal: Apptainer re-raises it (master_linux.go@v1.5.3). */
  runKilledBy: number | undefined;
  /**
   * Registries (`host[:port]`, `docker.io`) that ask for a login as distribution's registry with
   * htpasswd does (a Basic challenge, and a 401 with UNAUTHORIZED and the access records,
   * registry/handlers/app.go@v2.8.3): a pull is refused unless the credentials Apptainer sends match.
   */
  readonly logins = new Map<string, RegistryLogin>();
  /** Registries that answer a manifest with 429 and Docker Hub's TOOMANYREQUESTS. */
  readonly pullLimited = new Set<string>();
  /** The host has NVIDIA device files and libraries for --nv. */
  gpu = false;
  /** A setuid install with /proc mounted hidepid (launcher_linux.go@v1.5.3). */
  hidepid = false;
  /** Whether unprivileged user namespaces are allowed (for --userns). */
  userns = true;
  /** The disk under the cache or temp folder is full. */
  diskFull = false;
  /** The instance stops between the engine's check and its exec (`instance stop` elsewhere). */
  stopBeforeNextExec = false;
  /**
   * Pulls and builds run until cancelled, then take this long to clean up: as a real program,
   * the bridge's own runner gives it SIGTERM, the grace, then SIGKILL.
   */
  slowCleanupMs: number | undefined;

  constructor(release: FakeRelease = DEFAULT_RELEASE) {
    this.release = release;
  }

  readonly run: ProcessRunner = async (_file, args, options = {}) => {
    this.calls.push(args);
    this.envs.push(options.env ?? {});
    const quiet = args[0] === '-q';
    const [verb, sub, ...rest] = quiet ? args.slice(1) : args;
    const result = await this.answer(verb, sub, rest, options);
    // -q: errors only (pkg/sylog); cobra's own `Error for command` lines are not sylog's.
    const stderr = quiet
      ? result.stderr
          .split(/(?<=\n)/)
          .filter((line) => !/^(INFO|WARNING|VERBOSE|DEBUG):/.test(line))
          .join('')
      : result.stderr;
    return exited(result.exitCode, result.stdout, stderr);
  };

  private async answer(
    verb: string | undefined,
    sub: string | undefined,
    rest: string[],
    options: ProcessOptions,
  ): Promise<ProcessResult> {
    const release = releaseFrom(this.release);
    const args = [sub ?? '', ...rest];
    if (verb === '--version') return exited(0, `${this.release.replace(' ', ' version ')}\n`, '');
    if (verb === 'pull') return this.pull(args, options);
    if (verb === 'build') return this.build(args, release.archiveWithoutGzip, options);
    if (verb === 'instance' && sub === 'list') return this.list(rest.filter((arg) => !arg.startsWith('-')));
    if (verb === 'instance' && sub === 'start') return this.start(rest);
    if (verb === 'instance' && sub === 'stop') return this.stop(rest);
    if (verb === 'exec') return this.exec(args, options);
    if (verb === 'run') {
      if (args.includes('--no-eval') && !release.hasNoEval) {
        return exited(1, '', fixture('run-no-eval-unknown.txt'));
      }
      return this.runscript(options);
    }
    return exited(1, '', `unexpected command: ${[verb, ...args].join(' ')}\n`);
  }

  private async pull(args: string[], options: ProcessOptions): Promise<ProcessResult> {
    const source = args.at(-1) as string;
    // containers/image's docker.ParseReference (apptainer go.mod@v1.5.3) refuses name:tag@digest.
    if (/:[^/@]+@sha256:/.test(source.replace(/^docker:\/\/[^/]+\//, ''))) {
      return fatal('Docker references with both a tag and digest are currently not supported');
    }
    const refusal = this.registryRefusal(source, args.includes('--no-https'), options);
    if (refusal) return refusal;
    if (this.diskFull)
      return fatal('While making image from oci registry: write /tmp: no space left on device');
    if (this.slowCleanupMs !== undefined) return this.slowConversion(args.at(-2) as string, options);
    await writeFile(args.at(-2) as string, `SIF built from ${source}`);
    return exited(0, '', 'INFO:    Converting OCI blobs to SIF format\nINFO:    Creating SIF file...\n');
  }

  /**
   * A registry's 401 or 429 as the release prints it. Apptainer asks containers/image for the
   * manifest's digest first (internal/pkg/client/oci/pull.go@v1.5.3, pull; internal/pkg/build/oci/
   * oci.go@v1.5.3, getRefDigest: a HEAD, then a GET whose error is the one returned) and wraps
   * it in PullToFile and cmd/internal/cli/pull.go@v1.5.3; the error is containers/image's
   * (docker/docker_client.go@v5.36.1, fetchManifest; docker/errors.go, registryHTTPResponseToError:
   * an errcode with its default message and a detail reads as the message). SingularityCE asks
   * go-containerregistry (internal/pkg/ociimage/digest.go@v4.5.1: a HEAD, WARNINGs, then a GET)
   * and prints its transport.Error (pkg/v1/remote/transport/error.go@v0.21.9).
   */
  private registryRefusal(source: string, noHttps: boolean, options: ProcessOptions) {
    const { registry, path, tagOrDigest } = registryParts(source);
    const login = this.logins.get(registry);
    const limited = this.pullLimited.has(registry);
    if (!limited && !login) return undefined;
    if (!limited && login) {
      const sent = this.credentialsSent(registry, { ...process.env, ...options.env });
      if (sent?.username === login.username && sent.password === login.password) return undefined;
    }
    if (this.release.startsWith('singularity-ce')) {
      const host = registry === 'docker.io' ? 'index.docker.io' : registry;
      const url = `${noHttps ? 'http' : 'https'}://${host}/v2/${path}/manifests/${tagOrDigest}`;
      const [status, said] = limited
        ? ['429 Too Many Requests', `TOOMANYREQUESTS: ${DOCKER_HUB_LIMIT}`]
        : [
            '401 Unauthorized',
            `UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:${path} Type:repository]]`,
          ];
      return fatal(
        `While making image from oci registry: error fetching image: failed to get checksum for ${source}: GET ${url}: ${said}`,
        `WARNING: Couldn't use cached digest for registry: HEAD ${url}: unexpected status code ${status} (HEAD responses have no body, use GET for details)\nWARNING: Falling back to direct digest.\n`,
      );
    }
    const said = limited ? `toomanyrequests: ${DOCKER_HUB_LIMIT}` : 'authentication required';
    return fatal(
      `While making image from oci registry: error fetching image to cache: failed to get checksum for ${source}: reading manifest ${tagOrDigest} in ${registry}/${path}: ${said}`,
    );
  }

  /**
   * What Apptainer sends: the environment's username and password first (pkg/cmdline/flag.go
   * @v1.5.3, updateCmdFlagFromEnv: APPTAINER_DOCKER_*, then DOCKER_*, then SINGULARITY_DOCKER_*;
   * SingularityCE: SINGULARITY_DOCKER_*, then DOCKER_*; cmd/internal/cli/build.go, makeOCICredentials),
   * else its login file: APPTAINER_AUTH_FILE, else docker-config.json in APPTAINER_CONFIGDIR or
   * ~/.apptainer if there is one, else ~/.docker/config.json (pkg/syfs/syfs.go@v1.5.3,
   * SearchDockerConf); SingularityCE: ~/.singularity/docker-config.json (syfs.go@v4.5.1).
   */
  private credentialsSent(registry: string, env: NodeJS.ProcessEnv): RegistryLogin | undefined {
    const apptainer = !this.release.startsWith('singularity');
    const prefixes = apptainer ? ['APPTAINER_', '', 'SINGULARITY_'] : ['SINGULARITY_', ''];
    const fromEnv = (key: string) =>
      prefixes.map((prefix) => env[`${prefix}${key}`]?.trim()).find((value) => value) ?? '';
    const username = fromEnv('DOCKER_USERNAME');
    const password = fromEnv('DOCKER_PASSWORD');
    if (username || password) return { username, password };
    const home = env.HOME || homedir();
    const configDir = apptainer
      ? env.APPTAINER_CONFIGDIR || env.SINGULARITY_CONFIGDIR
      : env.SINGULARITY_CONFIGDIR;
    const ownFile = join(
      configDir || join(home, apptainer ? '.apptainer' : '.singularity'),
      'docker-config.json',
    );
    const authFile =
      (apptainer ? env.APPTAINER_AUTH_FILE || env.SINGULARITY_AUTH_FILE : env.SINGULARITY_AUTH_FILE) ||
      (!apptainer || existsSync(ownFile) ? ownFile : join(configDir || join(home, '.docker'), 'config.json'));
    const key = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
    let entry: { auth?: string; username?: string; password?: string } | undefined;
    try {
      entry = JSON.parse(readFileSync(authFile, 'utf8')).auths?.[key];
    } catch {
      return undefined;
    }
    if (entry?.auth) {
      const [user = '', ...rest] = Buffer.from(entry.auth, 'base64').toString('utf8').split(':');
      return { username: user, password: rest.join(':') };
    }
    return entry?.username ? { username: entry.username, password: entry.password ?? '' } : undefined;
  }

  private async build(
    args: string[],
    archiveWithoutGzip: boolean,
    options: ProcessOptions,
  ): Promise<ProcessResult> {
    const source = args.at(-1) as string;
    // docker-archive:<path>[:tag], cut at the first two `:` (internal/pkg/ociimage/fetch.go@v1.5.3).
    const path = source.split(':')[1] as string;
    const content = await readFile(path).catch(() => undefined);
    if (!content) {
      return fatal(
        `While performing build: error reading the docker archive file: open ${path}: no such file or directory`,
      );
    }
    if (this.diskFull) return fatal('While performing build: write /tmp/build-temp: no space left on device');
    if (archiveWithoutGzip && content[0] === 0x1f && content[1] === 0x8b) {
      return fatal('While performing build: conveyor failed to get: archive/tar: invalid tar header');
    }
    if (this.slowCleanupMs !== undefined) return this.slowConversion(args.at(-2) as string, options);
    const sha = createHash('sha256').update(content).digest('hex');
    await writeFile(args.at(-2) as string, `SIF built from an archive of sha256 ${sha}`);
    return exited(
      0,
      '',
      'INFO:    Starting build...\nINFO:    Creating SIF file...\nINFO:    Build complete\n',
    );
  }

  /**
   * A conversion cut short, as internal/pkg/build/build.go@v1.5.3 (Full) handles SIGTERM (a
   * `docker://` pull converts through it too, internal/pkg/client/oci/pull.go@v1.5.3): it
   * removes its `build-temp-` folder in APPTAINER_TMPDIR (cleanUp) and exits 1. The SIF is written
   * at its destination as it goes (internal/pkg/build/assemblers/sif.go@v1.5.3), and a cut-short
   * one stays there.
   */
  private async slowConversion(destination: string, options: ProcessOptions): Promise<ProcessResult> {
    const buildTemp = await mkdtemp(join(options.env?.APPTAINER_TMPDIR ?? tmpdir(), 'build-temp-'));
    const cleanupSeconds = String((this.slowCleanupMs ?? 0) / 1000);
    return runProcess(
      'sh',
      [
        '-c',
        'trap \'sleep "$3"; rm -rf "$2"; exit 1\' TERM; printf "part of a SIF" > "$1"; while :; do sleep 1; done',
        'sh',
        destination,
        buildTemp,
        cleanupSeconds,
      ],
      options,
    );
  }

  /** internal/app/apptainer/instance_linux.go@v1.5.3: a Go encoder with tab indentation. */
  private list([named]: string[]): ProcessResult {
    const listed = [...this.instances].filter(([name]) => !named || name === named);
    if (listed.length === 0) return exited(0, fixture('instance-list-empty.json'), '');
    const one = (name: string, sif: string) =>
      JSON.parse(fill(fixture('instance-list-one.json'), { NAME: name, SIF: sif })).instances[0];
    const instances = listed.map(([name, sif]) => one(name, sif));
    return exited(0, `${JSON.stringify({ instances }, null, '\t')}\n`, '');
  }

  private start(args: string[]): ProcessResult {
    const name = args.at(-1) as string;
    const sif = args.at(-2) as string;
    if (this.instances.has(name))
      return exited(255, '', fill(fixture('instance-start-exists.txt'), { NAME: name }));
    if (this.hidepid && !args.includes('--userns'))
      return exited(255, '', fixture('instance-start-hidepid.txt'));
    if (args.includes('--userns') && !this.userns) {
      return fatal('could not use user namespace, not allowed on this host (max_user_namespaces is 0)');
    }
    const warnings = args.includes('--nv') && !this.gpu ? fixture('nv-no-gpu.txt') : '';
    this.instances.set(name, sif);
    return exited(0, '', warnings + fixture('instance-start.txt'));
  }

  /** cmd/internal/cli/apptainer.go@v1.5.3: an error of the command is cobra's, exit 1, with usage. */
  private stop(args: string[]): ProcessResult {
    const name = args.at(-1) as string;
    const sif = this.instances.get(name);
    if (!sif) return exited(1, '', fixture('instance-stop-missing.txt'));
    this.instances.delete(name);
    return exited(0, '', fill(fixture('instance-stop.txt'), { NAME: name, SIF: sif }));
  }

  /** internal/pkg/instance/instance_linux.go@v1.5.3 (Get): a missing instance is FATAL, 255. */
  private async exec(args: string[], options: ProcessOptions): Promise<ProcessResult> {
    const [target = '', program = '', ...programArgs] = args;
    const name = target.replace(/^instance:\/\//, '');
    if (this.stopBeforeNextExec) {
      this.stopBeforeNextExec = false;
      this.instances.delete(name);
    }
    if (!this.instances.has(name)) return exited(255, '', fill(fixture('exec-missing.txt'), { NAME: name }));
    return execInInstance(program, programArgs, options);
  }

  private async runscript(options: ProcessOptions): Promise<ProcessResult> {
    if (this.runKilledBy !== undefined) {
      // Apptainer re-raises its contained process's signal on itself (internal/app/starter/
      // master_linux.go@v1.5.3): a real program prints the output, then dies of that signal,
      // with no exit code, and the bridge's own runner says what that is.
      return runProcess(
        'sh',
        ['-c', 'printf %s "$1"; kill -s "$2" $$', 'sh', this.runOutput, String(this.runKilledBy)],
        options,
      );
    }
    return exited(this.runExitCode, this.runOutput, '');
  }
}

/**
 * The command in its own process group, as in the instance; killing `apptainer exec` (a cancel)
 * reaches only its direct child, and what that started runs on.
 */
const execInInstance = async (
  program: string,
  args: string[],
  options: ProcessOptions,
): Promise<ProcessResult> => {
  const subprocess = execa(program, args, {
    reject: false,
    stdin: 'ignore',
    detached: true,
    stripFinalNewline: false,
  });
  subprocess.stdout?.on('data', (chunk: Buffer) => options.onOutput?.('stdout', chunk.toString('utf8')));
  subprocess.stderr?.on('data', (chunk: Buffer) => options.onOutput?.('stderr', chunk.toString('utf8')));
  const killChild = () => subprocess.kill('SIGKILL');
  options.signal?.addEventListener('abort', killChild, { once: true });
  try {
    const result = await subprocess;
    if (options.signal?.aborted) throw options.signal.reason;
    return exited(result.exitCode ?? 255, String(result.stdout), String(result.stderr));
  } finally {
    options.signal?.removeEventListener('abort', killChild);
  }
};
