import { basename } from 'node:path';
import { type ImageSpec, withSha256 } from '../../registry/image-spec.js';
import {
  DEFAULT_TAG,
  familiarNameTag,
  type ImageReference,
  isLoopbackRegistry,
  nameTag,
  pullReference,
} from '../../registry/reference.js';
import {
  commandFailed,
  containerExited,
  containerNotFound,
  engineRefused,
  imageInUse,
  imageNotFound,
  nameInUse,
  pullFailed,
} from '../../shared/failures.js';
import type { WorkContext } from '../../shared/work-context.js';
import type {
  ArrivedImage,
  ContainerEngine,
  ContainerInfo,
  ContainerSpec,
  ImageRow,
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

/** The image as messages name it: the ID given, or `name:tag` with the default tag. */
const imageText = (image: ImageSpec): string => (image.kind === 'id' ? image.id : nameTag(image.reference));

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

  async pullImage(ref: ImageReference, context: WorkContext): Promise<string> {
    const reference = pullReference(ref);
    const name = familiarNameTag(ref) ?? reference;
    const scratch = await this.store.scratchPath();
    context.progress.begin(`Pulling ${reference} into a SIF`);
    const result = await this.run(
      this.location,
      pullCommand(scratch, reference, isLoopbackRegistry(ref.domain)),
      { signal: context.signal },
    );
    if (result.exitCode !== 0) throw pullFailed(reference, outputOf(result));
    const record = await this.store.register(scratch, name);
    context.progress.end(`Pulled ${reference}`);
    return record.sha256;
  }

  async loadImage(tarballPath: string, context: WorkContext): Promise<ArrivedImage> {
    const name = `${
      basename(tarballPath)
        .replace(/(\.tar)?(\.gz|\.tgz)?$/, '')
        .toLowerCase() || 'image'
    }:${DEFAULT_TAG}`;
    const scratch = await this.store.scratchPath();
    context.progress.begin(`Building a SIF from ${tarballPath}`);
    await this.apptainer(buildFromArchiveCommand(scratch, tarballPath), `Could not convert ${tarballPath}`, {
      signal: context.signal,
    });
    const record = await this.store.register(scratch, name);
    context.progress.end('SIF built');
    return { imageId: record.sha256, names: [name] };
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
      const inUse = (await this.instances()).filter((instance) =>
        records.some((record) => record.file === instance.img),
      );
      if (inUse.length > 0) {
        throw imageInUse(
          imageText(image),
          undefined,
          inUse.map((instance) => `instance ${instance.instance}`),
        );
      }
    }
    for (const record of records) await this.store.removeName(record);
  }

  async runContainer(options: ContainerSpec, context: WorkContext): Promise<{ cmdout?: string }> {
    const sif = await this.oneImage(options.image);
    if (options.isDaemon) {
      if ((await this.instances(options.containerName)).length > 0) throw nameInUse(options.containerName);
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
    if (result.exitCode !== 0) throw containerExited(options.containerName, result.exitCode, result.all);
    return { cmdout: result.all };
  }

  async execInContainer(containerName: string, command: string, context: WorkContext): Promise<string> {
    await this.getContainerInfo(containerName);
    const result = await this.run(this.location, execCommand(containerName, command), {
      signal: context.signal,
      onOutput: context.output,
    });
    if (result.exitCode !== 0) throw commandFailed(containerName, result.exitCode, result.all);
    return result.all;
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
    await this.store.forgetInstance(containerName);
    if (result.exitCode !== 0) {
      if (/no instance found/i.test(result.all)) throw containerNotFound(containerName, result.all);
      throw refused(`Could not stop instance ${containerName}`, result);
    }
  }

  async close(): Promise<void> {}

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

  private async apptainer(args: string[], what: string, options: { signal?: AbortSignal } = {}) {
    const result = await this.run(this.location, args, options.signal ? { signal: options.signal } : {});
    if (result.exitCode !== 0) throw refused(what, result);
    return result;
  }
}

const outputOf = (result: ProcessResult) =>
  result.all.trim() || `apptainer exited with code ${result.exitCode}`;

const refused = (what: string, result: ProcessResult) =>
  engineRefused(what, outputOf(result), { exitCode: result.exitCode });
