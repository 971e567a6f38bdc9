import { basename } from 'node:path';
import { familiarNameTag, parseReference } from '../../registry/reference.js';
import { BridgeError } from '../../shared/bridge-error.js';
import { ErrorCode } from '../../shared/error-codes.js';
import { tail } from '../../shared/tail.js';
import type {
  ArrivedImage,
  ContainerEngine,
  ContainerInfo,
  ImageRow,
  RunOptions,
  WorkContext,
} from '../container-engine.js';
import {
  buildFromArchiveCommand,
  execCommand,
  instanceListCommand,
  instanceStartCommand,
  instanceStopCommand,
  pullCommand,
  runCommand,
} from './commands.js';
import { parseInstanceList } from './instance-list.js';
import type { ProcessResult, ProcessRunner } from './process-runner.js';
import { type SifRecord, SifStore } from './sif-store.js';

const isLoopbackRegistry = (reference: string) =>
  /^(localhost|127(?:\.\d+){3}|\[::1\])(:\d+)?\//.test(reference);

/**
 * Apptainer (or Singularity) through its CLI. Images are SIF files in a folder the bridge owns,
 * identified by their sha256; long-lived containers are instances.
 */
export class ApptainerEngine implements ContainerEngine {
  readonly name = 'apptainer' as const;
  readonly store: SifStore;

  constructor(
    readonly location: string,
    sifFolder: string,
    private readonly run: ProcessRunner,
    private readonly programVersion = 'unknown',
  ) {
    this.store = new SifStore(sifFolder);
  }

  async version(): Promise<string> {
    return this.programVersion;
  }

  async listImages(): Promise<ImageRow[]> {
    return (await this.store.list()).map((record): ImageRow => [record.name, record.sha256, '<none>']);
  }

  async pullImage(reference: string, context: WorkContext): Promise<string> {
    const name = familiarNameTag(parseReference(reference)) ?? reference;
    const scratch = await this.store.scratchPath();
    context.progress.begin(`Pulling ${reference} into a SIF`);
    await this.apptainer(
      pullCommand(scratch, reference, isLoopbackRegistry(reference)),
      `Could not pull ${reference}`,
      {
        signal: context.signal,
        code: ErrorCode.RegistryFailed,
      },
    );
    const record = await this.store.register(scratch, name);
    context.progress.end(`Pulled ${reference}`);
    return record.sha256;
  }

  async loadImage(tarballPath: string, context: WorkContext): Promise<ArrivedImage> {
    const name = `${
      basename(tarballPath)
        .replace(/(\.tar)?(\.gz|\.tgz)?$/, '')
        .toLowerCase() || 'image'
    }:latest`;
    const scratch = await this.store.scratchPath();
    context.progress.begin(`Building a SIF from ${tarballPath}`);
    await this.apptainer(buildFromArchiveCommand(scratch, tarballPath), `Could not convert ${tarballPath}`, {
      signal: context.signal,
    });
    const record = await this.store.register(scratch, name);
    context.progress.end('SIF built');
    return { imageId: record.sha256, names: [name] };
  }

  async tagImage(image: string, nameTag: string): Promise<void> {
    await this.store.addName(await this.oneImage(image), nameTag);
  }

  async untagImage(nameTag: string): Promise<void> {
    for (const record of await this.store.find(nameTag)) await this.store.removeName(record);
  }

  async removeImage(image: string, isForced: boolean): Promise<void> {
    const records = await this.store.find(image);
    if (records.length === 0) throw imageNotFound(image);
    if (!isForced) {
      const inUse = (await this.instances()).filter((instance) =>
        records.some((record) => record.file === instance.img),
      );
      if (inUse.length > 0) {
        throw new BridgeError(
          ErrorCode.Conflict,
          `Image ${image} is in use by instance ${inUse.map((instance) => instance.instance).join(', ')}: stop it, or remove the image with isForced=1.`,
        );
      }
    }
    for (const record of records) await this.store.removeName(record);
  }

  async runContainer(options: RunOptions, context: WorkContext): Promise<{ cmdout?: string }> {
    const sif = await this.oneImage(options.image);
    if (options.isDaemon) {
      if ((await this.instances(options.containerName)).length > 0) {
        throw new BridgeError(
          ErrorCode.Conflict,
          `An instance named ${options.containerName} already exists: remove it first with StopContainer('${options.containerName}', 1).`,
        );
      }
      await this.apptainer(
        instanceStartCommand(sif.file, options.containerName, options.volumes, options.useGpu),
        `Could not start instance ${options.containerName}`,
        { signal: context.signal },
      );
      await this.store.saveInstance({
        name: options.containerName,
        imageSha: sif.sha256,
        volumes: options.volumes,
      });
      return {};
    }
    const result = await this.run(
      this.location,
      runCommand(sif.file, options.volumes, options.useGpu, options.containerArgs),
      {
        signal: context.signal,
        onOutput: context.output,
      },
    );
    if (result.exitCode !== 0) {
      throw new BridgeError(
        ErrorCode.CommandFailed,
        `Container ${options.containerName} exited with code ${result.exitCode}${result.all.trim() ? `: ${tail(result.all)}` : ''}`,
        { data: { exitCode: result.exitCode, output: result.all } },
      );
    }
    return { cmdout: result.all };
  }

  async execInContainer(containerName: string, command: string, context: WorkContext): Promise<string> {
    await this.getContainerInfo(containerName);
    const result = await this.run(this.location, execCommand(containerName, command), {
      signal: context.signal,
      onOutput: context.output,
    });
    if (result.exitCode !== 0) {
      throw new BridgeError(
        ErrorCode.CommandFailed,
        `Command failed with exit code ${result.exitCode} in container ${containerName}${result.all.trim() ? `: ${tail(result.all)}` : ' (it printed nothing)'}`,
        { data: { exitCode: result.exitCode, output: result.all } },
      );
    }
    return result.all;
  }

  async getContainerInfo(containerName: string): Promise<ContainerInfo> {
    const [instance] = (await this.instances(containerName)).filter(
      (entry) => entry.instance === containerName,
    );
    if (!instance) {
      throw new BridgeError(ErrorCode.ContainerNotFound, `No container named ${containerName} exists.`);
    }
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
    await this.store.forgetInstance(containerName);
    if (result.exitCode !== 0) {
      if (/no instance found/i.test(result.all)) {
        throw new BridgeError(ErrorCode.ContainerNotFound, `No container named ${containerName} exists.`);
      }
      throw commandFailed(`Could not stop instance ${containerName}`, result);
    }
  }

  async close(): Promise<void> {}

  private async instances(name?: string) {
    const result = await this.run(this.location, instanceListCommand(name));
    if (result.exitCode !== 0) throw commandFailed('Could not list Apptainer instances', result);
    return parseInstanceList(result.stdout);
  }

  private async oneImage(image: string): Promise<SifRecord> {
    const [record] = await this.store.find(image);
    if (!record) throw imageNotFound(image);
    return record;
  }

  private async apptainer(
    args: string[],
    what: string,
    options: { signal?: AbortSignal; code?: (typeof ErrorCode)[keyof typeof ErrorCode] } = {},
  ): Promise<ProcessResult> {
    const result = await this.run(this.location, args, options.signal ? { signal: options.signal } : {});
    if (result.exitCode !== 0) throw commandFailed(what, result, options.code);
    return result;
  }
}

const imageNotFound = (image: string) =>
  new BridgeError(
    ErrorCode.ImageNotFound,
    `Image ${image} was not found among the SIF images of bst-containers.`,
  );

const commandFailed = (
  what: string,
  result: ProcessResult,
  code: (typeof ErrorCode)[keyof typeof ErrorCode] = ErrorCode.EngineFailed,
) =>
  new BridgeError(code, `${what}: ${tail(result.all) || `apptainer exited with code ${result.exitCode}`}`, {
    data: { exitCode: result.exitCode, engineMessage: result.all },
  });
