import { basename, join } from 'node:path';
import { newInstanceRecord } from '../../leftovers/sif-store-records.js';
import { type ImageSpec, withSha256 } from '../../registry/image-spec.js';
import {
  DEFAULT_TAG,
  familiarNameTag,
  type ImageReference,
  isImageReference,
  isLoopbackRegistry,
  nameTag,
  parseReference,
  pullReference,
} from '../../registry/reference.js';
import {
  apptainerLogin,
  apptainerLoginAdvice,
  apptainerNoSpace,
  argumentsWouldBeEvaluated,
  bindNotPossible,
  commandFailed,
  containerExited,
  containerNotFound,
  engineRefused,
  imageInUse,
  imageNotFound,
  instanceHidepid,
  LOGIN_REFUSED_WHY,
  nameInUse,
  pullFailed,
  pullLimitReached,
  registryLoginRefused,
} from '../../shared/failures.js';
import type { WorkContext } from '../../shared/work-context.js';
import type {
  ArchiveOrigin,
  ArrivedImage,
  ContainerEngine,
  ContainerInfo,
  ContainerSpec,
  ImageRow,
} from '../container-engine.js';
import { commandReportingPidAndExit, killGroupCommand } from '../exec-wrapper.js';
import { archiveRepoTag, stageArchive } from './archive.js';
import {
  bindProblem,
  buildFromArchiveCommand,
  execCommand,
  instanceListCommand,
  instanceStartCommand,
  instanceStopCommand,
  pullCommand,
  runCommand,
} from './commands.js';
import { parseInstanceList } from './instance-list.js';
import type { ProcessOptions, ProcessResult, ProcessRunner } from './process-runner.js';
import type { ApptainerProgram } from './program.js';
import { type SifRecord, SifStore, sha256OfFile } from './sif-store.js';

/** The image as messages name it: the ID given, or `name:tag` with the default tag. */
const imageText = (image: ImageSpec): string => (image.kind === 'id' ? image.id : nameTag(image.reference));

/** A cancelled pull or build may clean up its temp files for this long while the bridge serves. */
export const BUILD_GRACE_MS = 20_000;
/** How long a cancelled exec waits for the PID it needs to kill the command in the instance. */
const PID_WAIT_MS = 2000;

/** Characters a runscript without `--no-eval` would evaluate (`"$@"` goes through `eval`). */
const EVALUATED = /[$`"'\\]/;

export interface ApptainerSettings {
  program: ApptainerProgram;
  /** Where the bridge keeps its temp files (BST_CONTAINERS_TMPDIR). */
  tempRoot: string;
  /** The environment the bridge was started with: what the user set wins over the bridge's defaults. */
  env: NodeJS.ProcessEnv;
}

/**
 * Apptainer (or SingularityCE) through its CLI. Images are SIF files in a folder the bridge owns,
 * identified by their sha256; long-lived containers are instances.
 */
export class ApptainerEngine implements ContainerEngine {
  readonly name = 'apptainer' as const;
  /** Apptainer runs here, as the bridge's child. */
  readonly isRemote = false;
  readonly store: SifStore;
  /** Instances this bridge started: what it stops when its Slurm job ends. */
  private readonly started = new Set<string>();

  constructor(
    readonly location: string,
    sifFolder: string,
    private readonly run: ProcessRunner,
    readonly settings: ApptainerSettings,
  ) {
    this.store = new SifStore(sifFolder);
  }

  async version(): Promise<string> {
    return `${this.settings.program.flavour} ${this.settings.program.version}`;
  }

  async listImages(): Promise<ImageRow[]> {
    return (await this.store.list()).map((record): ImageRow => [record.name, record.sha256, '<none>']);
  }

  /**
   * A reference with both a tag and a digest is refused by Apptainer's pull (containers/image's
   * docker.ParseReference, go.mod@v1.5.3): the digest is what is pulled, the name keeps the tag.
   */
  async pullImage(ref: ImageReference, context: WorkContext): Promise<string> {
    const reference = pullReference(ref.digest ? withoutTag(ref) : ref);
    const name = familiarNameTag(ref) ?? reference;
    const scratch = await this.store.scratchPath();
    context.progress.begin(`Pulling ${reference} into a SIF`);
    try {
      const result = await this.run(
        this.location,
        pullCommand(scratch, reference, isLoopbackRegistry(ref.domain)),
        { signal: context.signal, graceMs: BUILD_GRACE_MS, env: this.buildEnv(true) },
      );
      if (result.exitCode !== 0) {
        if (isNoSpace(result))
          throw apptainerNoSpace(`Could not pull ${reference}`, result.all, result.exitCode);
        throw this.pullRefused(reference, ref.domain, result);
      }
      const record = await this.store.register(scratch, name);
      context.progress.end(`Pulled ${reference}`);
      return record.sha256;
    } finally {
      await this.store.discardScratch(scratch);
    }
  }

  /**
   * Named as `docker load` names it, by the archive's RepoTags; an archive without them by the
   * caller's imageTag, else (a download, whose file name says nothing) by the URL's file name and
   * the start of the image ID, so that two untagged downloads never take one name; else by its file.
   */
  async loadImage(
    tarballPath: string,
    context: WorkContext,
    origin: ArchiveOrigin = {},
  ): Promise<ArrivedImage> {
    const scratch = await this.store.scratchPath();
    try {
      context.progress.begin(`Building a SIF from ${tarballPath}`);
      const archive = await stageArchive(tarballPath, this.settings.tempRoot, context.signal);
      try {
        const chosen =
          (await nameInArchive(archive.path)) ?? (origin.imageTag ? nameTag(origin.imageTag) : undefined);
        await this.apptainer(
          buildFromArchiveCommand(scratch, archive.path),
          `Could not convert ${tarballPath}`,
          { signal: context.signal, graceMs: BUILD_GRACE_MS, env: this.buildEnv(false) },
        );
        const name = chosen ?? (await unnamedArchiveName(tarballPath, scratch, origin.url));
        const record = await this.store.register(scratch, name);
        context.progress.end('SIF built');
        return { imageId: record.sha256, names: [name] };
      } finally {
        await archive.remove();
      }
    } finally {
      await this.store.discardScratch(scratch);
    }
  }

  async tagImage(imageId: string, name: ImageReference): Promise<void> {
    await this.store.addName(await this.oneImage({ kind: 'id', id: imageId }), nameTag(name));
  }

  async untagImage(listedName: string): Promise<void> {
    for (const record of await this.store.findByName(listedName)) await this.store.removeName(record);
  }

  async removeImage(image: ImageSpec, isForced: boolean): Promise<void> {
    const records = await this.records(image);
    if (records.length === 0) throw imageNotFound(imageText(image), this.name);
    if (!isForced) {
      const users = await this.instancesUsing(records);
      if (users.length > 0) {
        throw imageInUse(
          imageText(image),
          undefined,
          users.map((name) => `instance ${name}`),
        );
      }
    }
    for (const record of records) await this.store.removeName(record);
  }

  async runContainer(options: ContainerSpec, context: WorkContext): Promise<{ cmdout?: string }> {
    for (const pair of options.volumes) {
      const problem = bindProblem(pair);
      if (problem) throw bindNotPossible(problem);
    }
    const sif = await this.oneImage(options.image);
    if (options.isDaemon) {
      await this.startInstance(sif, options, context);
      return {};
    }
    const { program } = this.settings;
    if (!program.hasNoEval) {
      const evaluated = options.containerArgs.filter((arg) => EVALUATED.test(arg));
      if (evaluated.length > 0) throw argumentsWouldBeEvaluated(program.version, evaluated);
    }
    const result = await this.run(
      this.location,
      runCommand(program, sif.file, options.volumes, options.gpus, options.containerArgs),
      { signal: context.signal, onOutput: context.output },
    );
    if (result.exitCode !== 0) throw containerExited(options.containerName, result.exitCode, result.all);
    return { cmdout: result.all };
  }

  /**
   * `sh -c CMD` in the instance, wrapped as on Docker: the wrapper reports its PID first, so a
   * cancel kills the command's process group inside the instance (killing `apptainer exec` on
   * the host reaches only its direct child), and the command's exit status last, so it is not
   * mistaken for Apptainer's own (255 for its FATAL errors).
   */
  async execInContainer(containerName: string, command: string, context: WorkContext): Promise<string> {
    await this.getContainerInfo(containerName);
    const host = new AbortController();
    let pid: string | undefined;
    let report = '';
    let killing: Promise<unknown> | undefined;
    const killInside = () => {
      if (!pid) return;
      killing ??= this.run(this.location, execCommand(containerName, killGroupCommand(pid))).finally(() =>
        host.abort(context.signal.reason),
      );
    };
    const onCancel = () => {
      killInside();
      setTimeout(() => host.abort(context.signal.reason), PID_WAIT_MS).unref();
    };
    context.signal.addEventListener('abort', onCancel, { once: true });
    try {
      const result = await this.run(
        this.location,
        execCommand(containerName, commandReportingPidAndExit(command)),
        {
          signal: host.signal,
          onOutput: (stream, text) => {
            if (stream === 'stdout') return context.output('stdout', text);
            report += text;
            pid ??= /^(\d+)\n/.exec(report)?.[1];
            if (pid && context.signal.aborted) killInside();
            return undefined;
          },
        },
      );
      const exit = /^exit (\d+)$/m.exec(result.stderr);
      if (!exit) {
        if (/no instance found/.test(result.stderr))
          throw containerNotFound(containerName, engineMessage(result));
        throw refused(`Could not run the command in instance ${containerName}`, result);
      }
      const exitCode = Number(exit[1]);
      if (exitCode !== 0) throw commandFailed(containerName, exitCode, result.stdout);
      return result.stdout;
    } finally {
      context.signal.removeEventListener('abort', onCancel);
      await killing;
    }
  }

  async getContainerInfo(containerName: string): Promise<ContainerInfo> {
    const [instance] = (await this.instances(containerName)).filter(
      (entry) => entry.instance === containerName,
    );
    if (!instance) throw containerNotFound(containerName);
    const record = await this.store.loadInstance(containerName);
    const image = (await this.store.list()).find((sif) => sif.file === instance.img);
    return {
      name: instance.instance,
      isRunning: true,
      volumes: record?.volumes ?? [],
      imageSha: record?.imageSha ?? image?.sha256 ?? '',
    };
  }

  async stopContainer(containerName: string, isForced: boolean): Promise<void> {
    const result = await this.run(this.location, instanceStopCommand(containerName, isForced));
    this.started.delete(containerName);
    await this.store.forgetInstance(containerName);
    if (result.exitCode !== 0) {
      if (/no instance found/i.test(result.stderr))
        throw containerNotFound(containerName, engineMessage(result));
      throw refused(`Could not stop instance ${containerName}`, result);
    }
  }

  /**
   * The instances this bridge started and did not stop, stopped forced and together. Kept in
   * memory: records are by name in a store several nodes may share, and another node's bridge
   * may have taken a record's name.
   */
  async removeStarted(): Promise<string[]> {
    const names = [...this.started];
    await Promise.all(names.map((name) => this.stopContainer(name, true).catch(() => {})));
    return names;
  }

  async close(): Promise<void> {}

  /**
   * On a setuid install with /proc mounted hidepid, `instance start` is refused unless it runs in
   * a user namespace (launcher_linux.go@v1.5.3): one retry with --userns.
   */
  private async startInstance(sif: SifRecord, options: ContainerSpec, context: WorkContext) {
    const { containerName, volumes, gpus } = options;
    if ((await this.instances(containerName)).length > 0) throw nameInUse(containerName);
    const start = (userns: boolean) =>
      this.run(this.location, instanceStartCommand(sif.file, containerName, volumes, gpus, userns), {
        signal: context.signal,
      });
    let result = await start(false);
    if (result.exitCode !== 0 && /hidepid/.test(result.stderr)) {
      result = await start(true);
      if (result.exitCode !== 0) throw instanceHidepid(containerName, engineMessage(result), result.exitCode);
    }
    if (result.exitCode !== 0) {
      if (/instance \S+ already exists/.test(result.stderr))
        throw nameInUse(containerName, engineMessage(result));
      throw refused(`Could not start instance ${containerName}`, result);
    }
    this.started.add(containerName);
    await this.store.saveInstance(newInstanceRecord({ name: containerName, imageSha: sif.sha256, volumes }));
  }

  /**
   * The instances started from these SIFs: the bridge's own records first (they name the image by
   * its ID), then the SIF paths `instance list` shows, compared as absolute paths.
   */
  private async instancesUsing(records: SifRecord[]): Promise<string[]> {
    const running = await this.instances();
    const shas = new Set(records.map((record) => record.sha256));
    const files = new Set(records.map((record) => record.file));
    const users: string[] = [];
    for (const instance of running) {
      const record = await this.store.loadInstance(instance.instance);
      if ((record && shas.has(record.imageSha)) || files.has(instance.img)) users.push(instance.instance);
    }
    return users;
  }

  /**
   * Apptainer's credentials are its own (its login file, or APPTAINER_DOCKER_USERNAME and
   * APPTAINER_DOCKER_PASSWORD in the environment it inherits); the bridge only tells a refused
   * login and a pull limit from other failures by Apptainer's FATAL line, which never holds them.
   */
  private pullRefused(reference: string, registry: string, result: ProcessResult) {
    const said = engineMessage(result);
    const refusal = loginRefusal(said);
    const { flavour } = this.settings.program;
    if (refusal) {
      const advice = apptainerLoginAdvice(basename(this.location), flavour, registry);
      const login = { sent: 'by-engine', why: LOGIN_REFUSED_WHY[refusal], advice } as const;
      return registryLoginRefused({ kind: 'pull', reference }, registry, login, new Error(said));
    }
    // Apptainer keeps its own logins, so whether it sent one is not known here.
    if (PULL_LIMIT.test(said)) {
      const howToLogIn = apptainerLogin(basename(this.location), flavour, registry);
      return pullLimitReached({ kind: 'pull', reference }, registry, {}, howToLogIn, said);
    }
    return pullFailed(reference, said);
  }

  /**
   * The cache and temp folders of pulls and builds, unless the user chose them: the cache beside
   * the SIF store rather than in $HOME (a pull would keep its layers and a SIF there, beside the
   * bridge's copy), the build space in the bridge's temp folder.
   */
  private buildEnv(withCache: boolean): Record<string, string> {
    const { env, tempRoot } = this.settings;
    const chosen: Record<string, string> = {};
    const unlessSet = (names: string[], value: string) => {
      if (names.some((name) => env[name])) return;
      for (const name of names) chosen[name] = value;
    };
    if (withCache)
      unlessSet(['APPTAINER_CACHEDIR', 'SINGULARITY_CACHEDIR'], join(this.store.folder, 'cache'));
    if (env.BST_CONTAINERS_TMPDIR) unlessSet(['APPTAINER_TMPDIR', 'SINGULARITY_TMPDIR'], tempRoot);
    return chosen;
  }

  private async instances(name?: string) {
    const result = await this.run(this.location, instanceListCommand(name));
    if (result.exitCode !== 0) throw refused('Could not list Apptainer instances', result);
    return parseInstanceList(result.stdout);
  }

  private async oneImage(image: ImageSpec): Promise<SifRecord> {
    const [record] = await this.records(image);
    if (!record) throw imageNotFound(imageText(image), this.name);
    return record;
  }

  private records(image: ImageSpec): Promise<SifRecord[]> {
    return image.kind === 'id'
      ? this.store.findById(withSha256(image.id))
      : this.store.findByName(nameTag(image.reference));
  }

  private async apptainer(args: string[], what: string, options: ProcessOptions = {}) {
    const result = await this.run(this.location, args, options);
    if (result.exitCode === 0) return result;
    if (isNoSpace(result)) throw apptainerNoSpace(what, result.all, result.exitCode);
    throw refused(what, result);
  }
}

const withoutTag = ({ tag: _tag, ...ref }: ImageReference): ImageReference => ref;

/** The name `docker load` would give: the archive's first RepoTags entry, as Docker lists names. */
const nameInArchive = async (archivePath: string): Promise<string | undefined> => {
  const tag = await archiveRepoTag(archivePath);
  if (!tag || !isImageReference(tag)) return undefined;
  const ref = parseReference(tag);
  return familiarNameTag(ref) ?? nameTag(ref);
};

/** A repository name from a file name: without its archive extensions, in the characters a name may hold. */
const nameFromFile = (path: string, otherwise: string) =>
  basename(path)
    .replace(/(\.tar)?(\.gz|\.tgz)?$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '') || otherwise;

/**
 * A download by its URL's file name and the first 12 hex digits of its image ID, as Docker
 * shortens IDs: every download arrives as `image.tar`, and two URLs may end alike. A file by its name.
 */
const unnamedArchiveName = async (tarballPath: string, sif: string, url: string | undefined) =>
  url
    ? `${nameFromFile(new URL(url).pathname, 'download')}:${(await sha256OfFile(sif)).slice('sha256:'.length, 'sha256:'.length + 12)}`
    : `${nameFromFile(tarballPath, 'image')}:${DEFAULT_TAG}`;

/**
 * A registry's 401 as Apptainer prints it: containers/image's `authentication required` or
 * `unauthorized` (docker/errors.go@v5.36.1, registryHTTPResponseToError), `invalid username/password`
 * when a token server refused them (ErrUnauthorizedForCredentials); SingularityCE's
 * go-containerregistry `UNAUTHORIZED:` (pkg/v1/remote/transport/error.go@v0.21.9). `denied` is
 * what token registries answer for a missing login and a missing repository alike.
 */
const loginRefusal = (said: string): keyof typeof LOGIN_REFUSED_WHY | undefined => {
  if (/: (authentication required|unauthorized)\b|\bUNAUTHORIZED: |invalid username\/password/.test(said))
    return 'credentials';
  if (/requested access to the resource is denied|\bDENIED: /.test(said)) return 'denied';
  return undefined;
};

/** A 429: `toomanyrequests` (containers/image), `TOOMANYREQUESTS` (go-containerregistry), or no body. */
const PULL_LIMIT = /toomanyrequests|StatusCode: 429\b|status code 429\b/i;

const isNoSpace = (result: ProcessResult) => /no space left on device/i.test(result.all);

/**
 * What Apptainer said went wrong: its `FATAL:` line (pkg/sylog/sylog.go@v1.5.3), or cobra's
 * `Error for command` line (cmd/internal/cli/apptainer.go@v1.5.3) rather than the usage text
 * after it; else the end of stderr.
 */
export const engineMessage = (result: ProcessResult): string => {
  const lines = result.stderr.split('\n');
  const said = lines.find((line) => /^(FATAL|ERROR):\s/.test(line) || line.startsWith('Error for command'));
  return (
    (said ?? result.stderr).trim() || result.all.trim() || `apptainer exited with code ${result.exitCode}`
  );
};

const refused = (what: string, result: ProcessResult) =>
  engineRefused(what, engineMessage(result), { exitCode: result.exitCode });
